import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { type HandlerLogger, logger } from './logger.js';
import { metrics } from './metrics.js';

export interface ErrorLoggerOptions {
  readonly logger: Pick<HandlerLogger, 'error'>;
  /** The log message; the error goes in the `error` key. */
  readonly message: string;
}

const errorLoggerDefaults: ErrorLoggerOptions = { logger, message: 'Invocation failed' };

/**
 * Logs the error of a failed invocation and lets it go on: middy rethrows it, so Lambda retries
 * (EventBridge) or the batch is retried (SQS), and nothing is swallowed (docs/design.md §4 inv. 6).
 */
export const errorLogger = <TEvent, TResult>(
  options: Partial<ErrorLoggerOptions> = {},
): MiddlewareObj<TEvent, TResult, Error, Context> => {
  const settings = { ...errorLoggerDefaults, ...options };
  const errorLoggerOnError: MiddlewareObj<TEvent, TResult, Error, Context>['onError'] = async (request) => {
    settings.logger.error(settings.message, { error: request.error });
  };
  return { onError: errorLoggerOnError };
};

/**
 * The standard middleware stack of every function: Lambda context and cold start in the logs
 * (keys reset between invocations, the event never logged: it carries identities), metrics
 * flushed after each invocation, and failures logged then rethrown.
 *
 * @example
 * export const handler = withStandardMiddleware(makeHandler(deps));
 */
export const withStandardMiddleware = <TEvent, TResult>(
  handler: (event: TEvent, context: Context) => Promise<TResult>,
) =>
  middy<TEvent, TResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(errorLogger<TEvent, TResult>())
    .handler(handler);

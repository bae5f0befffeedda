import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one structured logger of every function (STYLE §8). Facts go in keys, messages stay
 * short and constant. The service name and level come from the Powertools environment variables
 * (`POWERTOOLS_SERVICE_NAME`, `POWERTOOLS_LOG_LEVEL`) that the stack sets.
 */
export const logger = new Logger({ serviceName: 'idc-lifecycle' });

/** The slice of the logger that handlers use, so that tests can pass a recording one. */
export interface HandlerLogger {
  debug(message: string, ...attributes: Record<string, unknown>[]): void;
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
  appendKeys(keys: Record<string, unknown>): void;
}

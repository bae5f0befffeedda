import { createSqsClient } from '../../shared/adapters/clients.js';
import { SqsWorkQueue } from '../../shared/adapters/sqs-work-queue.js';
import {
  type Connection,
  clientOptions,
  type FunctionClients,
  lambdaTelemetry,
  type Telemetry,
} from '../../shared/runtime/composition.js';
import type { IntakeConfig } from '../../shared/runtime/config.js';
import { withStandardMiddleware } from '../../shared/runtime/middleware.js';
import { makeHandler } from './handler.js';

/** The SDK clients the intake calls: SQS only. */
export type IntakeClients = Pick<FunctionClients, 'sqs'>;

/** The intake needs SQS only; `createClients()` would build (and bundle) every client of the project. */
export const createIntakeClients = (connection: Connection = {}) => ({
  sqs: createSqsClient(clientOptions(connection, undefined)),
});

/**
 * The intake function: parses an event and enqueues its scopes on the work queue.
 *
 * @example
 * const intake = composeIntake(createIntakeClients(), config);
 * export const handler = intake.lambdaHandler;
 */
export const composeIntake = (clients: IntakeClients, config: IntakeConfig, telemetry: Telemetry = lambdaTelemetry) => {
  const handler = makeHandler({
    queue: new SqsWorkQueue(clients.sqs, config.workQueueUrl),
    rulesPath: config.rulesPath,
    accounts: { management: config.managementAccountId, automation: config.automationAccountId },
    workerRoleArn: config.workerRoleArn,
    logger: telemetry.logger,
    metrics: telemetry.metrics,
  });
  return {
    /** The same handler without the Lambda middleware, for local callers. */
    handler,
    /** The intake as Lambda runs it: the handler behind the standard middleware. */
    lambdaHandler: withStandardMiddleware(handler),
  };
};

export type ComposedIntake = ReturnType<typeof composeIntake>;

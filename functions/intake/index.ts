import { createSqsClient } from '../../shared/adapters/clients.js';
import { SqsWorkQueue } from '../../shared/adapters/sqs-work-queue.js';
import { loadConfig } from '../../shared/runtime/config.js';
import { logger } from '../../shared/runtime/logger.js';
import { withStandardMiddleware } from '../../shared/runtime/middleware.js';
import { makeHandler } from './handler.js';

const config = loadConfig('intake');
// The intake needs SQS only; `createClients()` would build (and bundle) every client of the project.
const sqs = createSqsClient();

export const handler = withStandardMiddleware(
  makeHandler({ queue: new SqsWorkQueue(sqs, config.workQueueUrl), rulesPath: config.rulesPath, logger }),
);

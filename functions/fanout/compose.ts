import {
  createDynamoDbClient,
  createEventBridgeClient,
  createOrganizationsClient,
  createSnsClient,
  createSqsClient,
  createSsmClient,
} from '../../shared/adapters/clients.js';
import { DynamoDbRunStore } from '../../shared/adapters/dynamodb-run-store.js';
import { EventBridgePublisher } from '../../shared/adapters/eventbridge-publisher.js';
import { OrganizationsAdapter } from '../../shared/adapters/organizations.js';
import { SnsNotifier } from '../../shared/adapters/sns-notifier.js';
import { SqsWorkQueue } from '../../shared/adapters/sqs-work-queue.js';
import { SsmRulesSource } from '../../shared/adapters/ssm-rules-source.js';
import { loadRuleSet, parseRulesDocument } from '../../shared/domain/rules/load.js';
import type { OrganizationRunDeps } from '../../shared/domain/runs/run-organization.js';
import {
  type Connection,
  type FunctionClients,
  lambdaTelemetry,
  retryingClientOptions,
  SDK_DEFAULT_ATTEMPTS,
  systemClock,
  type Telemetry,
  type TimeOverrides,
} from '../../shared/runtime/composition.js';
import type { FanoutConfig } from '../../shared/runtime/config.js';
import { withStandardMiddleware } from '../../shared/runtime/middleware.js';
import { makeHandler } from './handler.js';

/**
 * The SDK clients the fan-out calls: it reads the rules and the organization's structure
 * (Organizations) for a run, keeps the run in DynamoDB and queues its read parts. No Identity
 * Center client: the workers read Identity Center for a run, each at its own part of the request
 * share (docs/design.md §1.3).
 */
export interface FanoutClients
  extends Pick<FunctionClients, 'organizations' | 'ssm' | 'sqs' | 'eventBridge' | 'sns' | 'dynamoDb'> {}

/** Attempts per Organizations read, as many as the worker's reads. */
export const FANOUT_READ_ATTEMPTS = 8;

/**
 * The fan-out's SDK clients: reads with {@link FANOUT_READ_ATTEMPTS} attempts, the rest with the SDK's defaults. With a `sleep` override, the SDK's retry
 * pauses are taken through it.
 */
export const createFanoutClients = (
  config: Pick<FanoutConfig, 'idcRegion'>,
  connection: Connection = {},
  overrides: Pick<TimeOverrides, 'sleep'> = {},
) => {
  const options = retryingClientOptions(connection, config.idcRegion, SDK_DEFAULT_ATTEMPTS, overrides.sleep);
  // Organizations throttles too: the structure read retries as long as the worker's reads do, so
  // that a throttled burst slows a run's start down instead of failing it.
  const reads = retryingClientOptions(connection, config.idcRegion, FANOUT_READ_ATTEMPTS, overrides.sleep);
  // Only the clients this function calls: each factory pulls in one SDK package (docs/design.md §8).
  return {
    organizations: createOrganizationsClient(reads),
    ssm: createSsmClient(options),
    sqs: createSqsClient(options),
    eventBridge: createEventBridgeClient(options),
    sns: createSnsClient(options),
    dynamoDb: createDynamoDbClient(options),
  };
};

/**
 * The fan-out function: the handler over a fresh Organizations adapter per invocation (it caches
 * what it reads, and each run must see the organization as it is now), the run store and the queue.
 *
 * @example
 * const fanout = await composeFanout(createFanoutClients(config), config);
 * export const handler = fanout.lambdaHandler;
 */
export const composeFanout = async (
  clients: FanoutClients,
  config: FanoutConfig,
  telemetry: Telemetry = lambdaTelemetry,
  time: TimeOverrides = {},
) => {
  const clock = time.clock ?? systemClock;
  const rules = new SsmRulesSource(clients.ssm, {
    path: config.rulesPath,
    validate: loadRuleSet,
    checkDocument: parseRulesDocument,
  });
  const queue = new SqsWorkQueue(clients.sqs, config.workQueueUrl);
  const publisher = new EventBridgePublisher(clients.eventBridge, config.eventBusName);
  const notifier = new SnsNotifier(clients.sns, config.summaryTopicArn);
  const store = new DynamoDbRunStore(clients.dynamoDb, config.runTableName, clock.now);
  const organizationRunDeps = (): OrganizationRunDeps => ({
    rules,
    organizations: new OrganizationsAdapter(clients.organizations),
    store,
    queue,
    publisher,
    notifier,
    // Time-bound rules are evaluated, and the minute check answered, at this clock's time.
    clock,
    ...(config.managementAccountId === undefined ? {} : { managementAccountId: config.managementAccountId }),
    ...(config.mode === 'report' ? { modeOverride: 'report' as const } : {}),
  });
  const handler = (event: unknown) =>
    makeHandler({
      ...organizationRunDeps(),
      rulesPath: config.rulesPath,
      logger: telemetry.logger,
      metrics: telemetry.metrics,
    })(event);
  return {
    /** The same handler without the Lambda middleware, for local callers. */
    handler,
    /** The fan-out as Lambda runs it: the handler behind the standard middleware. */
    lambdaHandler: withStandardMiddleware(handler),
    /** The ports one invocation runs with: for local callers that report the run and the rejected documents. */
    organizationRunDeps,
  };
};

export type ComposedFanout = Awaited<ReturnType<typeof composeFanout>>;

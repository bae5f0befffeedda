import {
  createDynamoDbClient,
  createEventBridgeClient,
  createIdentityStoreClient,
  createOrganizationsClient,
  createSnsClient,
  createSqsClient,
  createSsmClient,
  createSsoAdminClient,
} from '../../shared/adapters/clients.js';
import { DynamoDbRunStore } from '../../shared/adapters/dynamodb-run-store.js';
import { EventBridgePublisher } from '../../shared/adapters/eventbridge-publisher.js';
import { IdentityStoreAdapter } from '../../shared/adapters/identity-store.js';
import { OrganizationsAdapter } from '../../shared/adapters/organizations.js';
import { withRequestRate } from '../../shared/adapters/request-rate.js';
import { SnsNotifier } from '../../shared/adapters/sns-notifier.js';
import { SqsWorkQueue } from '../../shared/adapters/sqs-work-queue.js';
import { SsmRulesSource } from '../../shared/adapters/ssm-rules-source.js';
import { discoverInstance, SsoAdminAdapter } from '../../shared/adapters/sso-admin.js';
import { loadRuleSet, parseRulesDocument } from '../../shared/domain/rules/load.js';
import type { OrganizationRunDeps } from '../../shared/domain/runs/run-organization.js';
import {
  type Connection,
  type FunctionClients,
  identityCenterRequestRate,
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
 * The SDK clients the fan-out calls: it reads the whole organization for a run (SSO Admin for the
 * permission sets and every account's assignments) and keeps the run in DynamoDB.
 */
export interface FanoutClients
  extends Pick<
    FunctionClients,
    'organizations' | 'identityStore' | 'ssoAdmin' | 'ssm' | 'sqs' | 'eventBridge' | 'sns' | 'dynamoDb'
  > {}

/** Attempts per Identity Center and Organizations read, as many as the worker's. */
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
  // The organization read shares Identity Center's rate with every worker: it retries as long as
  // the worker's reads do, so that a throttled burst slows a run down instead of failing it.
  const reads = retryingClientOptions(connection, config.idcRegion, FANOUT_READ_ATTEMPTS, overrides.sleep);
  // Only the clients this function calls: each factory pulls in one SDK package (docs/design.md §8).
  return {
    organizations: createOrganizationsClient(reads),
    identityStore: createIdentityStoreClient(reads),
    ssm: createSsmClient(options),
    sqs: createSqsClient(options),
    eventBridge: createEventBridgeClient(options),
    sns: createSnsClient(options),
    ssoAdmin: createSsoAdminClient(reads),
    dynamoDb: createDynamoDbClient(options),
  };
};

/**
 * The fan-out function: the handler over fresh directory adapters per invocation (they cache
 * what they read, and each run must see the directory as it is now), the run store and the queue.
 *
 * @example
 * const fanout = await composeFanout(createFanoutClients(config), config);
 * export const handler = fanout.lambdaHandler;
 */
export const composeFanout = async (
  sharedClients: FanoutClients,
  config: FanoutConfig,
  telemetry: Telemetry = lambdaTelemetry,
  time: TimeOverrides = {},
) => {
  // The fan-out's Identity Center reads take their tokens from its part of the request share.
  const rate = identityCenterRequestRate(config, time);
  const clients: FanoutClients = {
    ...sharedClients,
    identityStore: withRequestRate(sharedClients.identityStore, rate),
    ssoAdmin: withRequestRate(sharedClients.ssoAdmin, rate),
  };
  const instance =
    config.instanceArn !== undefined && config.identityStoreId !== undefined
      ? { instanceArn: config.instanceArn, identityStoreId: config.identityStoreId }
      : await discoverInstance(clients.ssoAdmin);
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
    identityStore: new IdentityStoreAdapter(clients.identityStore, instance.identityStoreId),
    ssoAdmin: new SsoAdminAdapter(clients.ssoAdmin, { instanceArn: instance.instanceArn }),
    store,
    queue,
    publisher,
    notifier,
    // Time-bound rules are evaluated, and the minute check answered, at this clock's time.
    clock,
    ...(config.managementAccountId === undefined ? {} : { managementAccountId: config.managementAccountId }),
    ...(config.mode === 'report' ? { modeOverride: 'report' as const } : {}),
  });
  const handler = (event: unknown, context?: { getRemainingTimeInMillis(): number }) =>
    makeHandler({
      ...organizationRunDeps(),
      rulesPath: config.rulesPath,
      logger: telemetry.logger,
      metrics: telemetry.metrics,
    })(event, context);
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

import {
  createEventBridgeClient,
  createIdentityStoreClient,
  createOrganizationsClient,
  createSnsClient,
  createSqsClient,
  createSsmClient,
  createSsoAdminClient,
} from '../../shared/adapters/clients.js';
import { EventBridgePublisher } from '../../shared/adapters/eventbridge-publisher.js';
import { IdentityStoreAdapter } from '../../shared/adapters/identity-store.js';
import { OrganizationsAdapter } from '../../shared/adapters/organizations.js';
import { withRequestRate } from '../../shared/adapters/request-rate.js';
import { SnsNotifier } from '../../shared/adapters/sns-notifier.js';
import { SqsWorkQueue } from '../../shared/adapters/sqs-work-queue.js';
import { SsmRulesSource } from '../../shared/adapters/ssm-rules-source.js';
import { discoverInstance } from '../../shared/adapters/sso-admin.js';
import type { FanOutDeps } from '../../shared/domain/reconcile/fan-out.js';
import { loadRuleSet, parseRulesDocument } from '../../shared/domain/rules/load.js';
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

/** The SDK clients the fan-out calls; SSO Admin only to discover the instance when the config names no identity store. */
export interface FanoutClients
  extends Pick<FunctionClients, 'organizations' | 'identityStore' | 'ssm' | 'sqs' | 'eventBridge' | 'sns'>,
    Partial<Pick<FunctionClients, 'ssoAdmin'>> {}

/**
 * The fan-out's SDK clients with the SDK's defaults; SSO Admin only when the config leaves the
 * identity store to discovery. With a `sleep` override, the SDK's retry pauses are taken through it.
 */
export const createFanoutClients = (
  config: Pick<FanoutConfig, 'idcRegion' | 'identityStoreId'>,
  connection: Connection = {},
  overrides: Pick<TimeOverrides, 'sleep'> = {},
) => {
  const options = retryingClientOptions(connection, config.idcRegion, SDK_DEFAULT_ATTEMPTS, overrides.sleep);
  // Only the clients this function calls: each factory pulls in one SDK package (docs/design.md §8).
  return {
    organizations: createOrganizationsClient(options),
    identityStore: createIdentityStoreClient(options),
    ssm: createSsmClient(options),
    sqs: createSqsClient(options),
    eventBridge: createEventBridgeClient(options),
    sns: createSnsClient(options),
    ...(config.identityStoreId === undefined ? { ssoAdmin: createSsoAdminClient(options) } : {}),
  };
};

/**
 * The fan-out function: the handler over fresh directory adapters per invocation (they cache
 * what they read, and each sweep must see the directory as it is now).
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
    ...(sharedClients.ssoAdmin ? { ssoAdmin: withRequestRate(sharedClients.ssoAdmin, rate) } : {}),
  };
  const identityStoreId = config.identityStoreId ?? (await discover(clients)).identityStoreId;
  const rules = new SsmRulesSource(clients.ssm, {
    path: config.rulesPath,
    validate: loadRuleSet,
    checkDocument: parseRulesDocument,
  });
  const queue = new SqsWorkQueue(clients.sqs, config.workQueueUrl);
  const publisher = new EventBridgePublisher(clients.eventBridge, config.eventBusName);
  const notifier = new SnsNotifier(clients.sns, config.summaryTopicArn);
  const fanOutDeps = (): FanOutDeps => ({
    rules,
    organizations: new OrganizationsAdapter(clients.organizations),
    identityStore: new IdentityStoreAdapter(clients.identityStore, identityStoreId),
    queue,
    publisher,
    notifier,
    // Time-bound rules are evaluated, and the minute check answered, at this clock's time.
    clock: time.clock ?? systemClock,
    ...(config.managementAccountId === undefined ? {} : { managementAccountId: config.managementAccountId }),
  });
  const handler = (event: unknown) =>
    makeHandler({
      ...fanOutDeps(),
      rulesPath: config.rulesPath,
      logger: telemetry.logger,
      metrics: telemetry.metrics,
    })(event);
  return {
    /** The same handler without the Lambda middleware, for local callers. */
    handler,
    /** The fan-out as Lambda runs it: the handler behind the standard middleware. */
    lambdaHandler: withStandardMiddleware(handler),
    /** The ports one invocation fans out with: for local callers that report the rejected documents. */
    fanOutDeps,
  };
};

export type ComposedFanout = Awaited<ReturnType<typeof composeFanout>>;

const discover = (clients: FanoutClients) => {
  if (clients.ssoAdmin === undefined) {
    throw new Error('The fan-out needs an SSO Admin client to discover the identity store (IDENTITY_STORE_ID unset)');
  }
  return discoverInstance(clients.ssoAdmin);
};

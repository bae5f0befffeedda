import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { isTransientError } from '../../shared/adapters/aws-errors.js';
import {
  createDynamoDbClient,
  createEventBridgeClient,
  createIdentityStoreClient,
  createOrganizationsClient,
  createSnsClient,
  createSqsClient,
  createSsmClient,
  createSsoAdminClient,
  createSsoAdminWritesClient,
} from '../../shared/adapters/clients.js';
import { DynamoDbRunStore } from '../../shared/adapters/dynamodb-run-store.js';
import { EventBridgePublisher } from '../../shared/adapters/eventbridge-publisher.js';
import { IdentityStoreAdapter } from '../../shared/adapters/identity-store.js';
import { createAssignmentLimiter } from '../../shared/adapters/limiter.js';
import { OrganizationsAdapter } from '../../shared/adapters/organizations.js';
import { type RequestRate, withRequestRate } from '../../shared/adapters/request-rate.js';
import { SnsNotifier } from '../../shared/adapters/sns-notifier.js';
import { SqsMessageVisibility } from '../../shared/adapters/sqs-message-visibility.js';
import { SqsWorkQueue } from '../../shared/adapters/sqs-work-queue.js';
import { SsmRulesSource } from '../../shared/adapters/ssm-rules-source.js';
import { discoverInstance, SsoAdminAdapter } from '../../shared/adapters/sso-admin.js';
import type { SsoAdminPort } from '../../shared/domain/ports.js';
import type { ReconcileDeps } from '../../shared/domain/reconcile/reconcile-scope.js';
import { RulesCache } from '../../shared/domain/reconcile/rules-cache.js';
import { loadRuleSet, parseRulesDocument } from '../../shared/domain/rules/load.js';
import type { ReadPartDeps } from '../../shared/domain/runs/read-part.js';
import { type RunPartDeps, reconcileRunPart } from '../../shared/domain/runs/reconcile-run-part.js';
import { cachedRunDirectories, loadRunDirectory } from '../../shared/domain/runs/run-directory.js';
import {
  type Connection,
  clientOptions,
  type FunctionClients,
  identityCenterRequestRate,
  lambdaTelemetry,
  retryingClientOptions,
  SDK_DEFAULT_ATTEMPTS,
  systemClock,
  type Telemetry,
  type TimeOverrides,
} from '../../shared/runtime/composition.js';
import type { WorkerConfig } from '../../shared/runtime/config.js';
import { withStandardMiddleware } from '../../shared/runtime/middleware.js';
import { withPrincipalReader } from '../../shared/runtime/principal-reader.js';
import { makeHandler } from './handler.js';

/**
 * Reads share Identity Center's 20 TPS with every other worker: a burst may throttle one, and a
 * reconcile that fails on a read waits out the queue's visibility timeout, so reads retry longer
 * than the SDK's default 3 attempts (measured in docs/benchmarks.md). Writes retry in the adapter.
 */
export const WORKER_READ_ATTEMPTS = 8;

/**
 * Group and user name→id lookups and the permission sets are kept per environment this long: they
 * change rarely, every other Identity Center read would otherwise repeat them, and a stale answer
 * fails safe: a name that no longer resolves makes its rule unresolved, which revokes nothing;
 * DescribeUser still reads live; and a grant to a group (or in a permission set) deleted since it
 * was kept fails at Identity Center and is skipped once a live DescribeGroup (DescribePermissionSet)
 * says it is gone (shared/domain/reconcile/deleted-since-read.ts). The OU tree, accounts and tags are read
 * per invocation, so that an account is always planned against its current OU.
 */
export const LOOKUP_CACHE_MS = 5 * 60 * 1000;

/**
 * How the event lane retries a refused write. Identity Center allows ten creates in progress for the
 * whole instance (docs/aws-facts.md §3.1), and during an organization-wide run the organization lane
 * holds most of them: each of its environments starts its next create moments after the last one
 * ends. With the usual backoff (pauses doubling to 20 s) an event's create keeps arriving after the
 * freed slot is taken again, and a vended account waits minutes. The event lane instead retries
 * within a second, many times, so that it takes the first slot that frees; its own request rate
 * still paces every attempt, so this cannot exceed its part of the share. Reserving a slot for
 * events was the alternative: it would hold one of the ten idle whenever no event runs, which
 * costs every organization-wide run a tenth of its write rate.
 */
export const EVENT_LANE_WRITE_RETRY = { backoffCapMs: 1_000, maxAttempts: 40 } as const;

/** The SDK clients the worker calls. */
export interface WorkerClients
  extends Pick<
    FunctionClients,
    | 'organizations'
    | 'identityStore'
    | 'ssoAdmin'
    | 'ssoAdminWrites'
    | 'ssm'
    | 'eventBridge'
    | 'sns'
    | 'sqs'
    | 'dynamoDb'
  > {
  /** `ListAccountAssignmentsForPrincipal` in the management account, when a read role is configured. */
  readonly principalRead?: FunctionClients['ssoAdmin'];
}

/**
 * The worker's SDK clients, as deployed: reads with {@link WORKER_READ_ATTEMPTS} attempts, writes
 * without SDK retries, and the principal read role when the config names one. With a `sleep`
 * override, the SDK's retry pauses are taken through it (scaled time).
 *
 * @example
 * const clients = createWorkerClients(config, { endpoint: emulator.endpoint, credentials });
 */
export const createWorkerClients = (
  config: Pick<WorkerConfig, 'idcRegion' | 'principalReadRoleArn'>,
  connection: Connection = {},
  overrides: Pick<TimeOverrides, 'sleep'> = {},
) => {
  const base = clientOptions(connection, config.idcRegion);
  const reads = retryingClientOptions(connection, config.idcRegion, WORKER_READ_ATTEMPTS, overrides.sleep);
  const others = retryingClientOptions(connection, config.idcRegion, SDK_DEFAULT_ATTEMPTS, overrides.sleep);
  // Only the clients this function calls: each factory pulls in one SDK package (docs/design.md §8).
  return {
    organizations: createOrganizationsClient(reads),
    identityStore: createIdentityStoreClient(reads),
    ssoAdmin: createSsoAdminClient(reads),
    ssoAdminWrites: createSsoAdminWritesClient(base),
    ssm: createSsmClient(others),
    sqs: createSqsClient(others),
    eventBridge: createEventBridgeClient(others),
    sns: createSnsClient(others),
    dynamoDb: createDynamoDbClient(others),
    ...(config.principalReadRoleArn
      ? {
          principalRead: new SSOAdminClient({
            ...(base.region === undefined ? {} : { region: base.region }),
            credentials: fromTemporaryCredentials({ params: { RoleArn: config.principalReadRoleArn } }),
          }),
        }
      : {}),
  };
};

/**
 * One worker environment (a warm Lambda container): everything that lives as long as it does —
 * the instance, the rules cache, the outstanding-create share, the five-minute lookup caches —
 * and the handler over them. Lambda composes once per container; a caller that models N
 * concurrent environments composes N times.
 *
 * @example
 * const worker = await composeWorker(createWorkerClients(config), config);
 * export const handler = worker.lambdaHandler;
 */
export const composeWorker = async (
  sharedClients: WorkerClients,
  config: WorkerConfig,
  overrides: TimeOverrides = {},
  telemetry: Telemetry = lambdaTelemetry,
) => {
  const clock = overrides.clock ?? systemClock;
  // Every Identity Center call of this environment, reads, writes, polls and the SDK's retries,
  // takes a token from this environment's part of the request share (docs/design.md §8). The
  // environment serves both queues; each lane's event source mapping caps how many environments
  // work on it at once, so each lane has its own part, and an invocation draws on its record's.
  const rates = {
    org: identityCenterRequestRate(config, overrides),
    event: identityCenterRequestRate(
      {
        requestRate: config.eventLaneRequestRate ?? config.requestRate,
        requestBurst: config.eventLaneRequestBurst ?? config.requestBurst,
      },
      overrides,
    ),
  };
  let lane: keyof typeof rates = 'org';
  const rate: RequestRate = { take: () => rates[lane].take() };
  const clients: WorkerClients = {
    ...sharedClients,
    identityStore: withRequestRate(sharedClients.identityStore, rate),
    ssoAdmin: withRequestRate(sharedClients.ssoAdmin, rate),
    ssoAdminWrites: withRequestRate(sharedClients.ssoAdminWrites, rate),
    ...(sharedClients.principalRead ? { principalRead: withRequestRate(sharedClients.principalRead, rate) } : {}),
  };
  const timing = overrides.sleep === undefined ? {} : { sleep: overrides.sleep };
  // The stack always sets both; discovery is the fallback for a hand-made deployment.
  const instance =
    config.instanceArn !== undefined && config.identityStoreId !== undefined
      ? { instanceArn: config.instanceArn, identityStoreId: config.identityStoreId }
      : await discoverInstance(clients.ssoAdmin);
  // This environment's share of Identity Center's outstanding creates: one limiter per
  // environment, as one per Lambda process, whatever else runs in the same Node process.
  const limiter = createAssignmentLimiter(config.maxOutstandingCreates);
  const ssmRules = new SsmRulesSource(clients.ssm, {
    path: config.rulesPath,
    validate: loadRuleSet,
    checkDocument: parseRulesDocument,
  });
  const rules = new RulesCache(ssmRules, clock, config.rulesCacheSeconds * 1000);
  const publisher = new EventBridgePublisher(clients.eventBridge, config.eventBusName);
  const notifier = new SnsNotifier(clients.sns, config.summaryTopicArn);
  const store = new DynamoDbRunStore(clients.dynamoDb, config.runTableName, clock.now);
  const queue = new SqsWorkQueue(clients.sqs, config.workQueueUrl);
  // Reads only: it never writes, so it needs none of the write discipline's settings.
  const principalReader =
    clients.principalRead && new SsoAdminAdapter(clients.principalRead, { instanceArn: instance.instanceArn });

  let lookups:
    | {
        readonly built: number;
        readonly identityStore: IdentityStoreAdapter;
        readonly ssoAdmin: SsoAdminPort;
        readonly eventSsoAdmin: SsoAdminPort;
      }
    | undefined;
  const currentLookups = () => {
    if (lookups === undefined || clock.now() - lookups.built >= LOOKUP_CACHE_MS) {
      const ssoAdminFor = (retry: { readonly backoffCapMs?: number; readonly maxAttempts?: number }) =>
        withPrincipalReader(
          new SsoAdminAdapter(clients.ssoAdmin, {
            instanceArn: instance.instanceArn,
            writeClient: clients.ssoAdminWrites,
            limiter,
            ...timing,
            ...retry,
          }),
          principalReader,
        );
      lookups = {
        built: clock.now(),
        identityStore: new IdentityStoreAdapter(clients.identityStore, instance.identityStoreId),
        ssoAdmin: ssoAdminFor({}),
        eventSsoAdmin: ssoAdminFor(EVENT_LANE_WRITE_RETRY),
      };
    }
    return lookups;
  };

  // The directories of the runs this environment applies: loaded once per run, not per item.
  const runDirectory = cachedRunDirectories((runId) => loadRunDirectory(store, runId));

  const reconcileDeps = (): ReconcileDeps => {
    const { identityStore, ssoAdmin, eventSsoAdmin } = currentLookups();
    return {
      organizations: new OrganizationsAdapter(clients.organizations),
      identityStore,
      ssoAdmin: lane === 'event' ? eventSsoAdmin : ssoAdmin,
      rules,
      publisher,
      notifier,
      clock,
      managementAccountId: config.managementAccountId,
      runStore: store,
      runDirectory,
    };
  };

  /**
   * The ports a read part of an organization-wide run runs with: fresh directory adapters, so
   * that a run reads the permission sets as they are now rather than from this environment's
   * five-minute lookups; they draw on the same request share as everything else here.
   */
  const readPartDeps = (): ReadPartDeps => ({
    organizations: new OrganizationsAdapter(clients.organizations),
    identityStore: new IdentityStoreAdapter(clients.identityStore, instance.identityStoreId),
    ssoAdmin: new SsoAdminAdapter(clients.ssoAdmin, { instanceArn: instance.instanceArn }),
    store,
    queue,
    publisher,
    notifier,
    clock,
    // An accounts part applies its accounts' grants as this environment applies a run's item.
    grant: (item, assignments) =>
      reconcileRunPart(reconcileDeps() as RunPartDeps, item, item.run.planned, {
        assignments,
        ...(config.mode === 'report' ? { modeOverride: 'report' } : {}),
      }),
  });

  const visibility = new SqsMessageVisibility(clients.sqs);
  const reconcile = makeHandler({
    reconcileDeps,
    readPartDeps,
    clock,
    throttled: {
      // Dropped connections too: like a throttle, they say nothing about the item.
      isThrottling: isTransientError,
      retryAfter: (record, seconds) => visibility.retryAfter(record, seconds),
      random: Math.random,
    },
    logger: telemetry.logger,
    metrics: telemetry.metrics,
    ...(config.mode === 'report' ? { modeOverride: 'report' } : {}),
  });
  // One invocation at a time per environment, and every record of a batch comes from one queue.
  const handler: typeof reconcile = (event, context) => {
    lane = event.Records[0]?.eventSourceARN === config.eventQueueArn ? 'event' : 'org';
    return reconcile(event, context);
  };
  return {
    /** The same handler without the Lambda middleware, for local callers. */
    handler,
    /** The worker as Lambda runs it: the handler behind the standard middleware. */
    lambdaHandler: withStandardMiddleware(handler),
    /**
     * The ports one invocation reconciles with, as the handler takes them: for local callers that
     * report each work item's outcome, which the handler only logs.
     */
    reconcileDeps,
    readPartDeps,
  };
};

export type ComposedWorker = Awaited<ReturnType<typeof composeWorker>>;

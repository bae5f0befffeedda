import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SSMClient } from '@aws-sdk/client-ssm';
import {
  type CreateAccountAssignmentCommand,
  type CreateAccountAssignmentCommandInput,
  DeleteAccountAssignmentCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { seededRandom } from '../../../emulator/faults.js';
import { startEmulator } from '../../../emulator/index.js';
import type { EmulatorOptions, RunningEmulator } from '../../../emulator/types.js';
import { makeHandler as makeFanoutHandler } from '../../../functions/fanout/handler.js';
import { makeHandler as makeIntakeHandler } from '../../../functions/intake/handler.js';
import { makeHandler as makeWorkerHandler } from '../../../functions/worker/handler.js';
import { realSleep, type Sleep } from '../../../shared/adapters/backoff.js';
import { IdentityStoreAdapter } from '../../../shared/adapters/identity-store.js';
import { createAssignmentLimiter } from '../../../shared/adapters/limiter.js';
import { OrganizationsAdapter } from '../../../shared/adapters/organizations.js';
import { SqsWorkQueue } from '../../../shared/adapters/sqs-work-queue.js';
import { SsmRulesSource } from '../../../shared/adapters/ssm-rules-source.js';
import { SsoAdminAdapter } from '../../../shared/adapters/sso-admin.js';
import type { AccountAssignment } from '../../../shared/domain/model.js';
import { RulesCache } from '../../../shared/domain/reconcile/rules-cache.js';
import { loadRuleSet, parseRulesDocument } from '../../../shared/domain/rules/load.js';
import type { Snapshot } from '../../../shared/domain/snapshot.js';
import { withPrincipalReader } from '../../../shared/runtime/principal-reader.js';
import { RecordingLogger, RecordingMetrics, RecordingNotifier, RecordingPublisher } from '../../support/fakes/index.js';
import { InMemoryFifoQueue, MAX_RECEIVE_COUNT } from './fifo-queue.js';
import {
  IDENTITY_STORE_ID,
  INSTANCE_ARN,
  MANAGEMENT_ACCOUNT,
  RULES_DOCUMENTS,
  RULES_PATH,
  seedSnapshot,
} from './fixture.js';

/**
 * The whole system against the emulator: the real intake, fan-out and worker handlers
 * (`makeHandler`), composed the way `functions/<name>/index.ts` composes them, with the real
 * adapters and SDK clients pointed at the emulator by endpoint. What AWS offers beside Identity
 * Center is replaced by recordings (EventBridge, SNS, CloudWatch metrics) and by an in-memory SQS
 * FIFO queue behind the real `SqsWorkQueue` adapter.
 *
 * Emulated time runs `timeScale` times faster than wall time, and every pause on our side (SDK
 * retries, the adapter's backoff and status polls) is the production default divided by the same
 * factor, so that the ratio of our pauses to the service's latency and quotas is the production one.
 */

/** Emulated time speed-up; one emulated second of latency is 5 ms of wall time. */
export const TIME_SCALE = 1000;

export interface SystemOptions {
  readonly emulator?: Partial<Omit<EmulatorOptions, 'snapshot' | 'timeScale'>>;
  readonly snapshot?: Snapshot;
  readonly timeScale?: number;
  readonly maxReceiveCount?: number;
  /**
   * Start from the converged state: a sweep is run and delivered before the scenario, without
   * faults, and then the recordings and the emulator's statistics are cleared.
   */
  readonly converged?: boolean;
}

/** One accepted `Create/DeleteAccountAssignment` (the service answered IN_PROGRESS). */
export interface AcceptedWrite {
  readonly operation: 'create' | 'delete';
  readonly assignment: AccountAssignment;
  readonly worker: number;
}

export interface WorkerHooks {
  /** Called once the service accepted a write, before the worker polls its status. */
  readonly afterWrite?: (write: AcceptedWrite, worker: WorkerInstance) => void;
  /** Deterministic jitter for the adapter's backoff (default: a fixed seed). */
  readonly seed?: number;
}

/** One Lambda execution environment of the worker: its own rules cache, limiter and pauses. */
export interface WorkerInstance {
  readonly id: number;
  handle(records: readonly SQSRecord[]): Promise<SQSBatchResponse>;
  /** Stops the environment where it stands: no pause ends and no write is sent any more. */
  freeze(): void;
}

export interface Delivery {
  readonly records: readonly SQSRecord[];
  readonly failedIds: ReadonlySet<string>;
  /** Set when the handler threw (every record of the batch failed). */
  readonly thrown?: unknown;
}

export interface DrainOptions {
  readonly workers?: readonly WorkerInstance[];
  readonly batchSize?: number;
}

export interface ResilienceSystem {
  readonly emulator: RunningEmulator;
  readonly queue: InMemoryFifoQueue;
  readonly publisher: RecordingPublisher;
  readonly notifier: RecordingNotifier;
  readonly metrics: RecordingMetrics;
  readonly logger: RecordingLogger;
  /** Every write the service accepted, from every worker instance, in order. */
  readonly writes: AcceptedWrite[];
  /** The warm worker that {@link ResilienceSystem.drain} uses unless told otherwise. */
  readonly worker: WorkerInstance;
  intake(event: unknown): Promise<void>;
  fanout(event: unknown): Promise<void>;
  /**
   * An asynchronous invocation as Lambda makes it: on an error, two more attempts, then the
   * on-failure destination. Returns the errors of the attempts, in order.
   */
  invoke(
    fn: 'intake' | 'fanout',
    event: unknown,
  ): Promise<{ readonly errors: readonly unknown[]; readonly delivered: boolean }>;
  /** A fresh worker environment (a cold start). */
  startWorker(hooks?: WorkerHooks): WorkerInstance;
  /** Receives one batch (up to `batchSize`, default 10) and hands it to a worker, as the SQS event source does. */
  deliver(worker?: WorkerInstance, batchSize?: number): Promise<Delivery>;
  /**
   * Delivers until the queue is empty: every message handled, or moved to the DLQ. Several
   * workers poll at once, as Lambda scales out over the message groups. A batch with failures
   * makes its worker pause for the (compressed) visibility timeout before it polls again.
   */
  drain(options?: DrainOptions): Promise<Delivery[]>;
  /** Moves the dead letters back to the work queue (the runbook's `start-message-move-task`). */
  redrive(): number;
  snapshot(): Snapshot;
  /** Forgets what was recorded so far (writes, events, notifications, metrics, logs, statistics). */
  resetRecordings(): void;
  close(): Promise<void>;
}

const CONTEXT = {
  functionName: 'idc-lifecycle-worker',
  awsRequestId: 'resilience',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:idc-lifecycle-worker',
  getRemainingTimeInMillis: () => 900_000,
} as unknown as Context;

/** Lambda's asynchronous invocation: the first attempt and two retries (the stack's `retryAttempts`). */
const LAMBDA_ASYNC_ATTEMPTS = 3;

/**
 * How long a failed message stays invisible before SQS delivers it again, in emulated ms. The
 * stack's visibility timeout is six worker timeouts; compressed here to seconds so that five
 * receives fit in a test, while still giving a throttled quota time to refill.
 */
const REDELIVERY_PAUSE_MS = 5_000;

/** How long a warm worker keeps the rule set (`RULES_CACHE_SECONDS` default). */
const RULES_CACHE_MS = 60_000;

interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}

/**
 * The SDK's standard retry decision (throttles, transient and server errors; three attempts) with
 * its backoff (up to 2ⁿ × 100 ms, 500 ms for throttles) divided by the time scale. The SDK's own
 * strategy sleeps in wall-clock time, which would make a storm take minutes.
 */
const scaledRetryStrategy = (timeScale: number, maxAttempts = 3) => {
  const token = (count: number, delay: number): RetryToken => ({
    getRetryCount: () => count,
    getRetryDelay: () => delay,
  });
  return {
    acquireInitialRetryToken: async (): Promise<RetryToken> => token(0, 0),
    refreshRetryTokenForRetry: async (previous: RetryToken, info: { errorType: string }): Promise<RetryToken> => {
      const count = previous.getRetryCount() + 1;
      if (info.errorType === 'CLIENT_ERROR' || count >= maxAttempts) throw new Error('no retry left');
      const base = info.errorType === 'THROTTLING' ? 500 : 100;
      return token(count, Math.floor((Math.random() * base * 2 ** count) / timeScale));
    },
    recordSuccess: () => {},
  };
};

const toAssignment = (input: CreateAccountAssignmentCommandInput): AccountAssignment => ({
  accountId: input.TargetId ?? '',
  permissionSetArn: input.PermissionSetArn ?? '',
  principalType: input.PrincipalType === 'GROUP' ? 'GROUP' : 'USER',
  principalId: input.PrincipalId ?? '',
});

const never = <T>(): Promise<T> => new Promise<T>(() => {});

export const startSystem = async (options: SystemOptions = {}): Promise<ResilienceSystem> => {
  const timeScale = options.timeScale ?? TIME_SCALE;
  const { faults, ...emulatorOptions } = options.emulator ?? {};
  const emulator = await startEmulator({
    snapshot: options.snapshot ?? seedSnapshot(),
    timeScale,
    parameters: RULES_DOCUMENTS,
    ...emulatorOptions,
    // Faults wait for the scenario when it starts from the converged state.
    ...(faults === undefined || options.converged ? {} : { faults }),
  });
  const common = {
    endpoint: emulator.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'resilience', secretAccessKey: 'resilience' },
  };
  const retrying = { ...common, retryStrategy: scaledRetryStrategy(timeScale) };
  const clients = {
    organizations: new OrganizationsClient(retrying),
    identityStore: new IdentitystoreClient(retrying),
    ssoAdmin: new SSOAdminClient(retrying),
    // As `createClients().ssoAdminWrites`: the adapter retries assignment writes itself.
    ssoAdminWrites: new SSOAdminClient({ ...common, maxAttempts: 1 }),
    ssm: new SSMClient(retrying),
  };
  const queue = new InMemoryFifoQueue(options.maxReceiveCount ?? MAX_RECEIVE_COUNT);
  const workQueue = new SqsWorkQueue(queue.client, 'https://sqs.eu-west-1.amazonaws.com/111111111111/work.fifo');
  const publisher = new RecordingPublisher();
  const notifier = new RecordingNotifier();
  const metrics = new RecordingMetrics();
  const logger = new RecordingLogger();
  const clock = { now: () => Date.now() };
  const writes: AcceptedWrite[] = [];
  const rulesSource = () =>
    new SsmRulesSource(clients.ssm, { path: RULES_PATH, validate: loadRuleSet, checkDocument: parseRulesDocument });

  // Production pauses (see SsoAdminAdapterOptions defaults) at the emulator's speed.
  const timing = {
    backoffBaseMs: 250 / timeScale,
    backoffCapMs: 20_000 / timeScale,
    pollIntervalMs: 1_000 / timeScale,
    maxPollIntervalMs: 10_000 / timeScale,
    pollTimeoutMs: 600_000 / timeScale,
  };

  let workers = 0;
  const startWorker = (hooks: WorkerHooks = {}): WorkerInstance => {
    workers += 1;
    const id = workers;
    let frozen = false;
    const sleep: Sleep = (ms) => (frozen ? never() : realSleep(ms));
    const rules = new RulesCache(rulesSource(), clock, RULES_CACHE_MS);
    const limiter = createAssignmentLimiter(10);
    // Seeded, so that the backoff jitter repeats from run to run.
    const random = seededRandom(hooks.seed ?? 7 * id);
    const instance: WorkerInstance = {
      id,
      freeze: () => {
        frozen = true;
      },
      handle: async (records) =>
        (await handler({ Records: [...records] } as SQSEvent, CONTEXT)) ?? { batchItemFailures: [] },
    };
    const writeClient = {
      send: async (command: CreateAccountAssignmentCommand | DeleteAccountAssignmentCommand) => {
        if (frozen) return never();
        const output = await clients.ssoAdminWrites.send(command as CreateAccountAssignmentCommand);
        const write: AcceptedWrite = {
          operation: command instanceof DeleteAccountAssignmentCommand ? 'delete' : 'create',
          assignment: toAssignment(command.input),
          worker: id,
        };
        writes.push(write);
        hooks.afterWrite?.(write, instance);
        return output;
      },
    } as unknown as Pick<SSOAdminClient, 'send'>;
    const handler = makeWorkerHandler({
      reconcileDeps: () => ({
        organizations: new OrganizationsAdapter(clients.organizations),
        identityStore: new IdentityStoreAdapter(clients.identityStore, IDENTITY_STORE_ID),
        ssoAdmin: withPrincipalReader(
          new SsoAdminAdapter(clients.ssoAdmin, {
            instanceArn: INSTANCE_ARN,
            writeClient,
            limiter,
            sleep,
            random,
            ...timing,
          }),
          undefined,
        ),
        rules,
        publisher,
        notifier,
        clock,
        managementAccountId: MANAGEMENT_ACCOUNT,
      }),
      clock,
      logger,
      metrics,
    });
    return instance;
  };

  const intakeHandler = makeIntakeHandler({ queue: workQueue, rulesPath: RULES_PATH, logger });
  const worker = startWorker();

  const deliver = async (target: WorkerInstance = worker, batchSize = 10): Promise<Delivery> => {
    const records = queue.receive(batchSize);
    if (records.length === 0) return { records, failedIds: new Set() };
    try {
      const response = await target.handle(records);
      const failedIds = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      queue.complete(records, failedIds);
      return { records, failedIds };
    } catch (thrown) {
      // Powertools throws when every record failed: Lambda then retries the whole batch.
      const failedIds = new Set(records.map((r) => r.messageId));
      queue.complete(records, failedIds);
      return { records, failedIds, thrown };
    }
  };

  const fanout = (event: unknown) =>
    makeFanoutHandler({
      rules: rulesSource(),
      organizations: new OrganizationsAdapter(clients.organizations),
      identityStore: new IdentityStoreAdapter(clients.identityStore, IDENTITY_STORE_ID),
      queue: workQueue,
      publisher,
      notifier,
      managementAccountId: MANAGEMENT_ACCOUNT,
      rulesPath: RULES_PATH,
      logger,
      metrics,
    })(event);

  const system: ResilienceSystem = {
    emulator,
    queue,
    publisher,
    notifier,
    metrics,
    logger,
    writes,
    worker,
    intake: (event) => intakeHandler(event),
    fanout,
    invoke: async (fn, event) => {
      const errors: unknown[] = [];
      for (let attempt = 1; attempt <= LAMBDA_ASYNC_ATTEMPTS; attempt++) {
        try {
          await (fn === 'intake' ? intakeHandler(event) : fanout(event));
          return { errors, delivered: true };
        } catch (error) {
          errors.push(error);
        }
      }
      return { errors, delivered: false };
    },
    startWorker,
    deliver,
    drain: async ({ workers: pollers = [worker], batchSize = 10 } = {}) => {
      const deliveries: Delivery[] = [];
      const poll = async (target: WorkerInstance): Promise<void> => {
        for (;;) {
          const delivery = await deliver(target, batchSize);
          if (delivery.records.length > 0) deliveries.push(delivery);
          // Failed messages come back at different times, so that pollers do not retry in lockstep.
          if (delivery.failedIds.size > 0) await realSleep((REDELIVERY_PAUSE_MS * (0.5 + Math.random())) / timeScale);
          // Nothing visible: the queue is empty, or another poller holds what is left.
          else if (delivery.records.length === 0) return;
        }
      };
      // A poller that finds nothing visible stops; another may since have released messages.
      for (;;) {
        const before = deliveries.length;
        await Promise.all(pollers.map(poll));
        // Left over with nothing delivered: held by an abandoned invocation until it is released.
        if (queue.size === 0 || deliveries.length === before) return deliveries;
      }
    },
    redrive: () => queue.redrive(),
    snapshot: () => emulator.world.exportSnapshot(),
    resetRecordings: () => {
      writes.length = 0;
      publisher.events.length = 0;
      notifier.notifications.length = 0;
      metrics.values.length = 0;
      logger.entries.length = 0;
      emulator.resetStats();
    },
    close: async () => {
      for (const client of Object.values(clients)) client.destroy();
      await emulator.close();
    },
  };

  if (options.converged) {
    await system.fanout({ 'idc-lifecycle': 'sweep', executionId: 'converge-before-scenario' });
    await system.drain();
    await emulator.settle();
    if (queue.size + queue.deadLetters.length > 0) throw new Error('the fixture did not converge');
    system.resetRecordings();
    if (faults !== undefined) emulator.setFaults(faults);
  }
  return system;
};

import type { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import {
  type CreateAccountAssignmentCommand,
  type CreateAccountAssignmentCommandInput,
  DeleteAccountAssignmentCommand,
} from '@aws-sdk/client-sso-admin';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { emulatedTime } from '../../../bench/support/emulated-time.js';
import {
  type RecordedNotification,
  recordingEventBridgeClient,
  recordingSnsClient,
} from '../../../cli/local/recording-clients.js';
import { startEmulator } from '../../../emulator/index.js';
import type { EmulatorOptions, RunningEmulator } from '../../../emulator/types.js';
import { composeFanout, createFanoutClients } from '../../../functions/fanout/compose.js';
import { composeIntake } from '../../../functions/intake/compose.js';
import { composeWorker, createWorkerClients } from '../../../functions/worker/compose.js';
import { IDC_OUTSTANDING_CREATES_QUOTA, WORKER_MAX_CONCURRENCY } from '../../../infra/stacks/main-stack.js';
import { realSleep, type Sleep } from '../../../shared/adapters/backoff.js';
import type { AccountAssignment } from '../../../shared/domain/model.js';
import { DIRECTORY_STATE } from '../../../shared/domain/runs/run-directory.js';
import type { Snapshot } from '../../../shared/domain/snapshot.js';
import { loadConfig } from '../../../shared/runtime/config.js';
import { RecordingLogger, RecordingMetrics, RecordingPublisher } from '../../support/fakes/index.js';
import { InMemoryFifoQueue, MAX_RECEIVE_COUNT } from './fifo-queue.js';
import {
  IDENTITY_STORE_ID,
  INSTANCE_ARN,
  MANAGEMENT_ACCOUNT,
  RULES_DOCUMENTS,
  RULES_PATH,
  seedSnapshot,
} from './fixture.js';
import { countLost, trackSystem } from './tally.js';

/**
 * The whole system against the emulator: the intake, fan-out and worker as their
 * `functions/<name>/compose.ts` compose them for Lambda, with their SDK clients pointed at the
 * emulator by endpoint. What AWS offers beside Identity Center is replaced at the client level by
 * recordings (EventBridge, SNS) and by an in-memory SQS FIFO queue behind the SQS client; logs and
 * metrics go to recorders.
 *
 * Emulated time runs `timeScale` times faster than wall time; the functions' clock reads it and
 * every pause on our side (SDK retries, the adapter's backoff and status polls) runs in it, so that
 * the ratio of our pauses to the service's latency and quotas is the production one.
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
}

/** One Lambda execution environment of the worker (one `composeWorker` call): its own caches, limiter and pauses. */
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
  /** What the functions published to the summary topic. */
  readonly notifier: { readonly notifications: RecordedNotification[] };
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
   * Hands the read parts of organization-wide runs at the head of the queue to a worker until
   * none is left there, so that the runs the fan-out started are planned and their work queued.
   * With `directoryLast`, the directory part is read after the accounts parts, which then apply no
   * grant as they read: every change of the run goes in its items.
   */
  readRunParts(worker?: WorkerInstance, order?: { readonly directoryLast?: boolean }): Promise<Delivery[]>;
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

/**
 * Events and summaries go to the emulator's EventBridge and SNS first (where faults can be
 * injected, as for any other service), and are recorded once they were accepted.
 */
const throughEmulator = <C extends { send(command: never): Promise<unknown> }>(
  real: C,
  recording: { send(command: never): Promise<unknown> },
): C =>
  ({
    send: async (command: never) => {
      const output = await real.send(command);
      await recording.send(command);
      return output;
    },
  }) as unknown as C;

/**
 * Records of this delivery that the worker logged as failed but did not report in
 * `batchItemFailures`: acknowledged, so lost. Other environments log into the same recording at
 * the same time, so only this delivery's records count.
 */
const acknowledgedFailures = (
  entries: RecordingLogger['entries'],
  records: readonly SQSRecord[],
  failedIds: ReadonlySet<string>,
): number => {
  const delivered = new Set(records.map((r) => r.messageId));
  const lost = new Set<string>();
  for (const e of entries) {
    if (e.message !== 'Reconcile failed') continue;
    const messageId = (e.attributes[0] as { messageId?: unknown } | undefined)?.messageId;
    if (typeof messageId === 'string' && delivered.has(messageId) && !failedIds.has(messageId)) lost.add(messageId);
  }
  return lost.size;
};

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

const toAssignment = (input: CreateAccountAssignmentCommandInput): AccountAssignment => ({
  accountId: input.TargetId ?? '',
  permissionSetArn: input.PermissionSetArn ?? '',
  principalType: input.PrincipalType === 'GROUP' ? 'GROUP' : 'USER',
  principalId: input.PrincipalId ?? '',
});

const never = <T>(): Promise<T> => new Promise<T>(() => {});

/** How many messages at the head of the queue read parts of a run (their group names the run). */
const leadingReadParts = (queue: InMemoryFifoQueue): number => {
  const index = queue.messages.findIndex((m) => m.inFlight || !m.groupId.startsWith('run:'));
  return index === -1 ? queue.messages.length : index;
};

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
  const time = emulatedTime(timeScale);
  const connection = {
    endpoint: emulator.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'resilience', secretAccessKey: 'resilience' },
  };
  // The functions' environment as the stack sets it.
  const env = {
    RULES_PATH,
    WORK_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111111111111/work.fifo',
    EVENT_BUS_NAME: 'idc-lifecycle',
    SUMMARY_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:idc-lifecycle-summaries',
    INSTANCE_ARN,
    IDENTITY_STORE_ID,
    MANAGEMENT_ACCOUNT_ID: MANAGEMENT_ACCOUNT,
    // One account runs everything here, as in a single-account deployment.
    AUTOMATION_ACCOUNT_ID: MANAGEMENT_ACCOUNT,
    WORKER_ROLE_ARN: `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/idc-lifecycle-worker`,
    MAX_OUTSTANDING_CREATES: String(Math.floor(IDC_OUTSTANDING_CREATES_QUOTA / WORKER_MAX_CONCURRENCY)),
  };
  const workerConfig = loadConfig('worker', env);
  const fanoutConfig = loadConfig('fanout', env);
  const queue = new InMemoryFifoQueue(options.maxReceiveCount ?? MAX_RECEIVE_COUNT);
  const publisher = new RecordingPublisher();
  const notifier = { notifications: [] as RecordedNotification[] };
  const metrics = new RecordingMetrics();
  const logger = new RecordingLogger();
  const telemetry = { logger, metrics };
  const writes: AcceptedWrite[] = [];
  // What the emulator does not speak, at the client level: the work queue, the event bus, the topic.
  const standIns = {
    sqs: queue.client,
    eventBridge: recordingEventBridgeClient((events) => publisher.events.push(...events)),
    sns: recordingSnsClient((notification) => notifier.notifications.push(notification)),
  };
  const fanoutClients = createFanoutClients(fanoutConfig, connection, { sleep: time.sleep });
  const sdkClients: { destroy(): void }[] = [...Object.values(fanoutClients)];

  let workers = 0;
  const startWorker = (hooks: WorkerHooks = {}): WorkerInstance => {
    workers += 1;
    const id = workers;
    let frozen = false;
    const sleep: Sleep = (ms) => (frozen ? never() : time.sleep(ms));
    const clients = createWorkerClients(workerConfig, connection, { sleep });
    sdkClients.push(...Object.values(clients));
    // The write client as the environment has it, seen from outside: what the service accepted,
    // and nothing more once the environment is frozen.
    const ssoAdminWrites = {
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
    // Composed as the Lambda entry composes it; the config names the instance, so nothing is read here.
    const composed = composeWorker(
      {
        ...clients,
        ...standIns,
        eventBridge: throughEmulator(clients.eventBridge, standIns.eventBridge),
        sns: throughEmulator(clients.sns, standIns.sns),
        ssoAdminWrites,
      },
      workerConfig,
      { clock: time.clock, sleep },
      telemetry,
    );
    const instance: WorkerInstance = {
      id,
      freeze: () => {
        frozen = true;
      },
      handle: async (records) =>
        (await (await composed).handler({ Records: [...records] } as SQSEvent, CONTEXT)) ?? { batchItemFailures: [] },
    };
    return instance;
  };

  const intakeHandler = composeIntake(standIns, loadConfig('intake', env), telemetry).handler;
  const fanoutHandler = (
    await composeFanout(
      {
        ...fanoutClients,
        ...standIns,
        eventBridge: throughEmulator(fanoutClients.eventBridge, standIns.eventBridge),
        sns: throughEmulator(fanoutClients.sns, standIns.sns),
      },
      fanoutConfig,
      telemetry,
    )
  ).handler;
  const worker = startWorker();

  const deliver = async (target: WorkerInstance = worker, batchSize = 10): Promise<Delivery> => {
    const records = queue.receive(batchSize);
    if (records.length === 0) return { records, failedIds: new Set() };
    const logged = logger.entries.length;
    try {
      const response = await target.handle(records);
      const failedIds = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      countLost(system, acknowledgedFailures(logger.entries.slice(logged), records, failedIds));
      queue.complete(records, failedIds);
      return { records, failedIds };
    } catch (thrown) {
      // Powertools throws when every record failed: Lambda then retries the whole batch.
      const failedIds = new Set(records.map((r) => r.messageId));
      queue.complete(records, failedIds);
      return { records, failedIds, thrown };
    }
  };

  const fanout = (event: unknown) => fanoutHandler(event);

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
    readRunParts: async (target = worker, { directoryLast = false } = {}) => {
      const deliveries: Delivery[] = [];
      if (directoryLast) {
        // As when the directory part is slow: the accounts parts find no directory and grant
        // nothing while they read, so that the run's grants go in its items.
        const count = leadingReadParts(queue);
        const head = queue.messages.slice(0, count);
        const directory = head.filter((m) => m.groupId.endsWith(`:${DIRECTORY_STATE}`));
        const accounts = head.filter((m) => !directory.includes(m));
        queue.messages.splice(0, count, ...accounts, ...directory);
      }
      for (;;) {
        const head = leadingReadParts(queue);
        if (head === 0) return deliveries;
        deliveries.push(await deliver(target, head));
      }
    },
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
      for (const client of sdkClients) client.destroy();
      await emulator.close();
    },
  };

  trackSystem(system);
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

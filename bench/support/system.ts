import type { Context as LambdaContext, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { recordingEventBridgeClient, recordingSnsClient, workQueueClient } from '../../cli/local/recording-clients.js';
import { startEmulator } from '../../emulator/index.js';
import type { EmulatorOptions, RunningEmulator } from '../../emulator/types.js';
import { composeFanout, createFanoutClients } from '../../functions/fanout/compose.js';
import { composeIntake } from '../../functions/intake/compose.js';
import { composeWorker, createWorkerClients } from '../../functions/worker/compose.js';
import {
  DEFAULT_REQUEST_SHARE,
  EVENT_LANE_MAX_CONCURRENCY,
  splitRequestShare,
  workerRateEnvironment,
} from '../../infra/request-share.js';
import { IDC_OUTSTANDING_CREATES_QUOTA, WORKER_TIMEOUT } from '../../infra/stacks/main-stack.js';
import type { LifecycleEvent, WorkQueuePort } from '../../shared/domain/ports.js';
import { messageGroupId, type WorkItem } from '../../shared/domain/scope.js';
import type { Snapshot } from '../../shared/domain/snapshot.js';
import { loadConfig } from '../../shared/runtime/config.js';
import type { HandlerLogger } from '../../shared/runtime/logger.js';
import type { MetricName } from '../../shared/runtime/metrics.js';
import { type EmulatedTime, emulatedTime } from './emulated-time.js';
import { IDENTITY_STORE_ID, INSTANCE_ARN, MANAGEMENT_ACCOUNT_ID, RULES_PATH, type RulesDocument } from './orgs.js';

/**
 * The deployed system, in one process, against the emulator: the intake, fan-out and worker as
 * their `functions/<name>/compose.ts` compose them for Lambda, with their SDK clients pointed at the
 * emulator by endpoint. What AWS would provide around them is modelled:
 *
 * - the SQS FIFO work queue (message group = scope key; a group is never handed to two workers at
 *   once; a failed record becomes visible again after the visibility timeout), behind the SQS
 *   client the functions write to; EventBridge and SNS are recording clients;
 * - the Lambda event source mapping: `containers` worker containers (its `maxConcurrency`), each
 *   receiving batches of up to `batchSize` records. A container is one `composeWorker` call, as a
 *   Lambda process is: its own limiter (the stack's share of the create quota), rules cache and
 *   five-minute lookup caches;
 * - time: every pause the code takes runs in emulated time (see {@link emulatedTime}), through the
 *   compositions' clock and sleep overrides.
 */

export interface WorkerTopology {
  /** Worker containers working at once: the event source mapping's `maxConcurrency`. */
  readonly containers: number;
  /** Records per invocation: the event source mapping's `batchSize`. */
  readonly batchSize: number;
  /** How long a failed record stays invisible before SQS delivers it again, in emulated ms. */
  readonly visibilityTimeoutMs: number;
  /** Event-lane worker containers (the event queue's `maxConcurrency`); the stack's unless given. */
  readonly eventContainers?: number;
}

/** The organization lane (the fan-out's work queue) and the event lane (the intake's queue). */
export type Lane = 'org' | 'event';

export interface BenchSystemOptions {
  readonly snapshot: Snapshot;
  readonly rules: readonly RulesDocument[];
  readonly timeScale: number;
  readonly assignmentLatencyMs: number;
  readonly quotas: EmulatorOptions['quotas'];
  readonly pageSize: number;
  readonly topology: WorkerTopology;
  /** As `ListAccountAssignmentsForPrincipal` answers for a delegated administrator. */
  readonly delegatedAdministrator?: boolean;
  /** The deployment's Identity Center request share, requests per second; the default unless given. */
  readonly requestShare?: number;
  /** Emulator faults (throttle storms), as the emulator takes them. */
  readonly faults?: EmulatorOptions['faults'];
}

export interface DrainReport {
  /** Records processed (each delivery counts). */
  readonly records: number;
  /** Records that failed and were delivered again after the visibility timeout. */
  readonly redeliveries: number;
  readonly invocations: number;
  /** The longest a failed record waited before it could be delivered again, in emulated ms. */
  readonly longestRedeliveryWaitMs: number;
  readonly firstError?: string;
}

export interface BenchSystem {
  readonly emulator: RunningEmulator;
  readonly time: EmulatedTime;
  /** Lifecycle events the worker published ("Assignment Created", …), in order. */
  readonly published: LifecycleEvent[];
  /** The emulated time each of {@link BenchSystem.published} was published. */
  readonly publishedAt: number[];
  /** Sums of the metrics the handlers recorded. */
  readonly metrics: Map<MetricName, number>;
  /** Writes a new version of a rules document (as `publish` or the console would). */
  putRules(document: RulesDocument): void;
  /** Delivers one event to the intake or the fan-out function, as the EventBridge rules route it. */
  deliver(event: unknown): Promise<void>;
  /** Runs the worker containers of `lanes` (both unless given) until their queues are empty and nothing is in flight. */
  drain(lanes?: readonly Lane[]): Promise<DrainReport>;
  close(): Promise<void>;
}

const silentLogger = (errors: string[]): HandlerLogger => ({
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: (message, ...attributes) => {
    const error = attributes.find((a) => a.error !== undefined)?.error;
    errors.push(`${message}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  },
  appendKeys: () => {},
});

interface Message {
  readonly id: string;
  readonly body: string;
  readonly groupId: string;
  visibleAt: number;
  receiveCount: number;
}

/** An SQS FIFO queue, reduced to what the benchmark needs. */
class FifoQueue implements WorkQueuePort {
  readonly #messages: Message[] = [];
  readonly #busyGroups = new Set<string>();
  #nextId = 0;
  #waiters: (() => void)[] = [];
  /** How long each failed record waited before it could be delivered again, in emulated ms. */
  readonly #waits: number[] = [];

  constructor(private readonly now: () => number) {}

  async enqueue(items: readonly WorkItem[]): Promise<void> {
    for (const item of items) {
      this.#messages.push({
        id: `m-${this.#nextId++}`,
        body: JSON.stringify(item),
        groupId: messageGroupId(item),
        visibleAt: 0,
        receiveCount: 0,
      });
    }
    this.#wake();
  }

  /**
   * Up to `max` visible messages of groups that no other container holds, oldest first. Each one
   * stays invisible for `visibilityTimeoutMs` unless the worker changes that.
   */
  receive(max: number, visibilityTimeoutMs: number): Message[] {
    const now = this.now();
    const taken: Message[] = [];
    const blocked = new Set<string>();
    for (const message of this.#messages) {
      if (taken.length >= max) break;
      // FIFO: nothing of a group is delivered past a message of that group that is not deliverable.
      if (this.#busyGroups.has(message.groupId) || blocked.has(message.groupId)) continue;
      if (message.visibleAt > now) {
        blocked.add(message.groupId);
        continue;
      }
      taken.push(message);
    }
    for (const message of taken) {
      this.#busyGroups.add(message.groupId);
      message.receiveCount += 1;
      message.visibleAt = now + visibilityTimeoutMs;
    }
    return taken;
  }

  /** `ChangeMessageVisibility`: the message becomes visible `seconds` from now. */
  changeVisibility(receiptHandle: string, seconds: number): void {
    const message = this.#messages.find((m) => m.id === receiptHandle);
    if (message !== undefined) message.visibleAt = this.now() + seconds * 1000;
  }

  /** Deletes what succeeded; a failed message comes back when its visibility runs out. */
  settle(batch: readonly Message[], failedIds: ReadonlySet<string>): void {
    for (const message of batch) {
      this.#busyGroups.delete(message.groupId);
      if (failedIds.has(message.id)) {
        this.#waits.push(message.visibleAt - this.now());
      } else {
        const index = this.#messages.indexOf(message);
        if (index >= 0) this.#messages.splice(index, 1);
      }
    }
    this.#wake();
  }

  get size(): number {
    return this.#messages.length;
  }

  /** The longest a failed record has waited to come back, in emulated ms (0 when none failed). */
  get longestRedeliveryWaitMs(): number {
    return Math.max(0, ...this.#waits);
  }

  /** The emulated time the next invisible message becomes visible, if any. */
  nextVisibleAt(): number | undefined {
    const hidden = this.#messages.filter((m) => m.visibleAt > this.now()).map((m) => m.visibleAt);
    return hidden.length === 0 ? undefined : Math.min(...hidden);
  }

  waitForChange(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

/** The two queues, as the records' `eventSourceARN` names them. */
const QUEUE_ARNS: Record<Lane, string> = {
  org: 'arn:aws:sqs:us-east-1:111111111111:idc-lifecycle-work.fifo',
  event: 'arn:aws:sqs:us-east-1:111111111111:idc-lifecycle-events.fifo',
};

const sqsRecord =
  (lane: Lane) =>
  (message: Message): SQSRecord => ({
    messageId: message.id,
    receiptHandle: message.id,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: '0',
      SenderId: 'bench',
      ApproximateFirstReceiveTimestamp: '0',
      MessageGroupId: message.groupId,
      MessageDeduplicationId: message.id,
      SequenceNumber: message.id.replace(/\D/g, ''),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE_ARNS[lane],
    awsRegion: 'us-east-1',
  });

/** A Lambda context whose remaining time runs out `timeoutMs` of `now`'s time after the call. */
const lambdaContext = (name: string, now: () => number, timeoutMs: number): LambdaContext => {
  const invokedAt = now();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:111111111111:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: 'bench',
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (now() - invokedAt)),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  } as LambdaContext;
};

export const startBenchSystem = async (options: BenchSystemOptions): Promise<BenchSystem> => {
  const emulator = await startEmulator({
    snapshot: options.snapshot,
    timeScale: options.timeScale,
    assignmentLatencyMs: options.assignmentLatencyMs,
    quotas: options.quotas,
    pageSize: options.pageSize,
    parameters: options.rules,
    delegatedAdministrator: options.delegatedAdministrator ?? false,
    ...(options.faults === undefined ? {} : { faults: options.faults }),
  });
  const time = emulatedTime(options.timeScale);
  const connection = {
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  };
  // The functions' environment as the stack sets it, the worker's share of the create quota included.
  const env = {
    RULES_PATH,
    WORK_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111111111111/idc-lifecycle-work.fifo',
    EVENT_BUS_NAME: 'idc-lifecycle',
    SUMMARY_TOPIC_ARN: 'arn:aws:sns:us-east-1:111111111111:idc-lifecycle-summaries',
    INSTANCE_ARN,
    IDENTITY_STORE_ID,
    MANAGEMENT_ACCOUNT_ID,
    // One account runs everything here, as in a single-account deployment.
    AUTOMATION_ACCOUNT_ID: MANAGEMENT_ACCOUNT_ID,
    WORKER_ROLE_ARN: `arn:aws:iam::${MANAGEMENT_ACCOUNT_ID}:role/idc-lifecycle-worker`,
    MAX_OUTSTANDING_CREATES: String(
      Math.max(1, Math.floor(IDC_OUTSTANDING_CREATES_QUOTA / options.topology.containers)),
    ),
  };
  // Each environment's part of the request share, as the stack sets it (infra/request-share.ts).
  const eventContainers = options.topology.eventContainers ?? EVENT_LANE_MAX_CONCURRENCY;
  const split = splitRequestShare(options.requestShare ?? DEFAULT_REQUEST_SHARE, {
    workers: options.topology.containers,
    eventWorkers: eventContainers,
  });
  const workerConfig = loadConfig('worker', {
    ...env,
    ...workerRateEnvironment(split),
    EVENT_QUEUE_ARN: QUEUE_ARNS.event,
  });
  const fanoutConfig = loadConfig('fanout', env);
  // Every pause the functions take (the SDK's retries included) runs in emulated time.
  const workerClients = createWorkerClients(workerConfig, connection, { sleep: time.sleep });
  const fanoutClients = createFanoutClients(fanoutConfig, connection, { sleep: time.sleep });

  const published: LifecycleEvent[] = [];
  const publishedAt: number[] = [];
  const metrics = new Map<MetricName, number>();
  const errors: string[] = [];
  const telemetry = {
    logger: silentLogger(errors),
    metrics: {
      addMetric: (name: MetricName, _unit: unknown, value: number) => {
        metrics.set(name, (metrics.get(name) ?? 0) + value);
      },
    },
  };
  // The fan-out's work queue (organization-wide runs) and the intake's event queue: two lanes.
  const queues: Record<Lane, FifoQueue> = { org: new FifoQueue(time.clock.now), event: new FifoQueue(time.clock.now) };
  const queueClient = (queue: FifoQueue) =>
    workQueueClient(
      (items) => queue.enqueue(items),
      (receiptHandle, seconds) => queue.changeVisibility(receiptHandle, seconds),
    );
  // What the emulator does not speak, at the client level: the work queue, the event bus, the topic.
  const standIns = {
    eventBridge: recordingEventBridgeClient((events) => {
      published.push(...events);
      for (const _ of events) publishedAt.push(time.clock.now());
    }),
    sns: recordingSnsClient(() => {}),
  };

  const intake = composeIntake({ ...standIns, sqs: queueClient(queues.event) }, loadConfig('intake', env), telemetry);
  const fanout = await composeFanout(
    { ...fanoutClients, ...standIns, sqs: queueClient(queues.org) },
    fanoutConfig,
    telemetry,
    { clock: time.clock, sleep: time.sleep },
  );

  // One worker container: one composition of the worker, as Lambda makes one per container.
  const container = (lane: Lane) => async () =>
    (
      await composeWorker(
        { ...workerClients, ...standIns, sqs: queueClient(queues[lane]) },
        workerConfig,
        { clock: time.clock, sleep: time.sleep },
        telemetry,
      )
    ).handler;
  const containers: Record<Lane, Awaited<ReturnType<ReturnType<typeof container>>>[]> = {
    org: await Promise.all(Array.from({ length: options.topology.containers }, container('org'))),
    event: await Promise.all(Array.from({ length: eventContainers }, container('event'))),
  };

  const drain = async (lanes: readonly Lane[] = ['org', 'event']): Promise<DrainReport> => {
    let records = 0;
    let redeliveries = 0;
    let invocations = 0;
    const running: Record<Lane, number> = { org: 0, event: 0 };
    const firstErrorIndex = errors.length;
    const runContainer = async (lane: Lane, handler: (typeof containers)[Lane][number]): Promise<void> => {
      const queue = queues[lane];
      for (;;) {
        const batch = queue.receive(options.topology.batchSize, options.topology.visibilityTimeoutMs);
        if (batch.length === 0) {
          if (queue.size === 0 && running[lane] === 0) return;
          const next = queue.nextVisibleAt();
          // Wait for another container to finish a batch, or for a failed record to reappear.
          await Promise.race([
            queue.waitForChange(),
            ...(next === undefined || running[lane] > 0 ? [] : [time.sleep(next - time.clock.now())]),
          ]);
          continue;
        }
        running[lane] += 1;
        invocations += 1;
        records += batch.length;
        let failed: Set<string>;
        try {
          const event: SQSEvent = { Records: batch.map(sqsRecord(lane)) };
          // The deployed timeout, in emulated time: a read part that runs short continues in a new item.
          const context = lambdaContext('idc-lifecycle-worker', time.clock.now, WORKER_TIMEOUT.toMilliseconds());
          const response = (await handler(event, context)) as SQSBatchResponse;
          failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
        } catch (error) {
          // A thrown invocation (Powertools throws when every record failed) returns the whole
          // batch to the queue, as Lambda does.
          errors.push(`invocation failed: ${error instanceof Error ? error.message : String(error)}`);
          failed = new Set(batch.map((m) => m.id));
        }
        redeliveries += failed.size;
        running[lane] -= 1;
        queue.settle(batch, failed);
      }
    };
    await Promise.all(lanes.flatMap((lane) => containers[lane].map((handler) => runContainer(lane, handler))));
    const firstError = errors[firstErrorIndex];
    return {
      records,
      redeliveries,
      invocations,
      longestRedeliveryWaitMs: Math.max(...lanes.map((lane) => queues[lane].longestRedeliveryWaitMs)),
      ...(firstError === undefined ? {} : { firstError }),
    };
  };

  return {
    emulator,
    time,
    published,
    publishedAt,
    metrics,
    putRules: (document) => emulator.world.putParameter(document.name, document.value),
    deliver: async (event) => {
      const detailType = (event as { 'detail-type'?: string })['detail-type'];
      // EventBridge routes sweeps and rules changes to the fan-out function, the rest to intake.
      if (detailType === 'Parameter Store Change' || detailType === 'Scheduled Event') await fanout.handler(event);
      else await intake.handler(event);
    },
    drain,
    close: async () => {
      for (const client of [...Object.values(workerClients), ...Object.values(fanoutClients)]) client.destroy();
      await emulator.close();
    },
  };
};

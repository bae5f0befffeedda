import { startEmulator } from '../../emulator/index.js';
import type { EmulatorOptions, EmulatorStats, EmulatorWorld, RunningEmulator } from '../../emulator/types.js';
import { composeFanout } from '../../functions/fanout/compose.js';
import { composeIntake } from '../../functions/intake/compose.js';
import { type ComposedWorker, composeWorker, createWorkerClients } from '../../functions/worker/compose.js';
import { realSleep, type Sleep } from '../../shared/adapters/backoff.js';
import { mapConcurrent } from '../../shared/adapters/map-concurrent.js';
import { deduplicationId } from '../../shared/adapters/sqs-work-queue.js';
import { assertIsError } from '../../shared/domain/errors.js';
import type { Plan } from '../../shared/domain/plan-types.js';
import type { ClockPort, LifecycleEvent, RulesRejection } from '../../shared/domain/ports.js';
import type { ReconcileOutcome } from '../../shared/domain/reconcile/outcome.js';
import { ReconcileError } from '../../shared/domain/reconcile/reconcile-error.js';
import { reconcileScope } from '../../shared/domain/reconcile/reconcile-scope.js';
import { grantsBeforeFailure, type PartGrant, readRunPart } from '../../shared/domain/runs/read-part.js';
import { beginOrganizationRun } from '../../shared/domain/runs/run-organization.js';
import { messageGroupId, scopeKey, type WorkItem } from '../../shared/domain/scope.js';
import type { Snapshot } from '../../shared/domain/snapshot.js';
import { MalformedEventError, type ParseResult, parseEvent } from '../../shared/events/index.js';
import { checkOriginAccount } from '../../shared/events/origin.js';
import { parseRuleBoundaryCheck } from '../../shared/events/rule-boundary.js';
import { SSM_SOURCE } from '../../shared/events/ssm.js';
import { systemClock, type Telemetry } from '../../shared/runtime/composition.js';
import { loadConfig } from '../../shared/runtime/config.js';
import { changesOf, sumPlans } from './changes.js';
import { recordingEventBridgeClient, recordingSnsClient, workQueueClient } from './recording-clients.js';
import { InMemoryWorkQueue } from './work-queue.js';

/** Where rules documents live in SSM unless told otherwise (docs/design.md §3). */
export const DEFAULT_RULES_PATH = '/idc-lifecycle/rules/';
/** Emulated time runs this much faster than wall time, unless overridden. */
export const DEFAULT_TIME_SCALE = 200;
/** Emulated latency of one assignment create or delete, unless overridden. */
export const DEFAULT_ASSIGNMENT_LATENCY_MS = 200;
/** How long SQS FIFO remembers a deduplication id. */
const SQS_DEDUPLICATION_WINDOW_MS = 5 * 60_000;

/** One rules document: `name` is the parameter name below the rules path (e.g. `workloads`). */
export interface LocalRulesDocument {
  readonly name: string;
  readonly text: string;
}

export interface LocalSystemOptions {
  /** The organization the emulator starts from. */
  readonly snapshot: Snapshot;
  /** Seeded as SSM parameters `<rulesPath><name>`. Not validated here: the worker does that, as in AWS. */
  readonly rules: readonly LocalRulesDocument[];
  /** Default `/idc-lifecycle/rules/`. */
  readonly rulesPath?: string;
  /**
   * Emulator settings over the harness defaults (`timeScale` 200, `assignmentLatencyMs` 200).
   * `snapshot` is ignored; `parameters` are seeded in addition to the rules.
   */
  readonly emulator?: Partial<EmulatorOptions>;
  /**
   * How many times a failing work item is received before it is given up (the SQS redrive
   * policy's `maxReceiveCount`). Default 1: a failure is reported, not retried.
   */
  readonly maxReceives?: number;
  /** SQS FIFO deduplication window in wall-clock ms; 0 turns deduplication off. Default five minutes. */
  readonly deduplicationWindowMs?: number;
  /**
   * Worker invocations running at once. Default 10, the deployed worker's maximum concurrency.
   * The items of one message group (scope) always run one after the other, in order.
   */
  readonly concurrency?: number;
  /** Messages per invocation, sharing its directory caches. Default 1, the deployed batch size. */
  readonly batchSize?: number;
  /**
   * The time the worker and the fan-out read (time-bound rules, the minute check of their
   * windows). Default the wall clock. The queue's deduplication window stays in wall time.
   */
  readonly clock?: ClockPort;
}

/** What arrived, read loosely from the event so that it can be told even when it is malformed. */
export interface Arrival {
  readonly eventId?: string;
  readonly source?: string;
  /** CloudTrail `eventName`, or the EventBridge `detail-type` when there is none. */
  readonly eventName?: string;
}

/** One work item and what reconciling it did. */
export interface ReconcileRecord {
  readonly item: WorkItem;
  /** The scope key, e.g. `account:222233334444`. */
  readonly scope: string;
  readonly attempts: number;
  /** The last attempt's outcome; on a failure, what that attempt did carry out. */
  readonly outcome?: ReconcileOutcome;
  /** The changes made over every attempt (report mode: the changes the worker reported). */
  readonly changes: Plan;
  /** The last attempt's error, when every attempt failed. */
  readonly error?: Error;
}

export interface DeliveryResult {
  readonly arrival: Arrival;
  /** `processed`: the event named scopes and they were reconciled (some may have failed). */
  readonly status: 'processed' | 'ignored' | 'malformed';
  /** Why a recognised event needs nothing (status `ignored`). */
  readonly reason?: string;
  /** Why the event was refused (status `malformed`); the intake Lambda would fail and retry. */
  readonly error?: MalformedEventError;
  /** The scope keys the event named, `all` included. */
  readonly scopes: readonly string[];
  /** Every work item reconciled, the fan-out's included, in queue order. */
  readonly reconciles: readonly ReconcileRecord[];
  /** Scope keys of work items that the queue dropped as duplicates. */
  readonly deduplicated: readonly string[];
  /** Failures of the fan-out (scope `all`) and of work items. */
  readonly failures: readonly { readonly scope: string; readonly error: Error }[];
  /** Rules documents the fan-out found invalid (the last valid version stays in force). */
  readonly rejections: readonly RulesRejection[];
  /** The changes of every reconcile, added up (docs/design.md §6 shape). */
  readonly changes: Plan;
  /** Lifecycle events published while handling this event. */
  readonly events: readonly LifecycleEvent[];
}

export interface LocalSystemStats extends EmulatorStats {
  readonly deliveries: number;
  readonly reconciles: number;
  readonly deduplicated: number;
  readonly failedReconciles: number;
  readonly notifications: number;
}

export interface LocalSystem {
  /** The emulated organization: change it to make an event "happen" before delivering it. */
  readonly world: EmulatorWorld;
  /** The running emulator, for fault injection, `settle()` and call statistics. */
  readonly emulator: RunningEmulator;
  /** The SSM path the rules live under, with a trailing slash. */
  readonly rulesPath: string;
  /**
   * Hands one event to the system: the real intake parsing, then the in-memory FIFO queue, then
   * the real worker (and the real fan-out for the `all` scope). Deliveries are handled one at a
   * time, in call order; a second call waits for the first.
   */
  deliver(event: unknown): Promise<DeliveryResult>;
  /** Writes new versions of rules documents to SSM (no event is sent: deliver one to announce it). */
  publishRules(documents: readonly LocalRulesDocument[]): void;
  /** The emulated organization now, assignments included. */
  snapshot(): Snapshot;
  stats(): LocalSystemStats;
  close(): Promise<void>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** Reads id, source and name without trusting the shape: a malformed event is still told. */
export const describeArrival = (event: unknown): Arrival => {
  if (!isRecord(event)) return {};
  if (Object.hasOwn(event, 'idc-lifecycle')) {
    const eventId = text(event.executionId);
    return { ...(eventId === undefined ? {} : { eventId }), source: 'aws.scheduler', eventName: 'sweep' };
  }
  const detail = isRecord(event.detail) ? event.detail : {};
  const eventId = text(event.id);
  const source = text(event.source);
  const eventName = text(detail.eventName) ?? text(event['detail-type']);
  return {
    ...(eventId === undefined ? {} : { eventId }),
    ...(source === undefined ? {} : { source }),
    ...(eventName === undefined ? {} : { eventName }),
  };
};

const withSlash = (path: string): string => (path.endsWith('/') ? path : `${path}/`);

/** Where the local functions' queue and topic would be; nothing is sent there. */
const LOCAL_QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/000000000000/idc-lifecycle-work.fifo';
const LOCAL_TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:idc-lifecycle-summaries';

/**
 * The execution role the local worker stands for, named as the deployed one is. Event files whose
 * caller is this role are the worker's own writes and are ignored, as the deployed intake does.
 */
export const localWorkerRoleArn = (accountId: string): string => `arn:aws:iam::${accountId}:role/idc-lifecycle-worker`;
/** Identity Center's quota of outstanding creates, shared among the worker's environments. */
const IDC_OUTSTANDING_CREATES = 10;

/** One worker environment: its composition, and where its event bus puts the item in hand's events. */
interface Environment {
  readonly worker: ComposedWorker;
  readonly target: { events: LifecycleEvent[] };
}

/** The local functions log nothing: what they did is in the delivery results. */
const silentTelemetry = (): Telemetry => ({
  logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, appendKeys: () => {} },
  metrics: { addMetric: () => {} },
});

const positiveInteger = (name: string, value: number): number => {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
};

/**
 * Starts the whole system locally: the emulator seeded with a snapshot and rules, and the
 * intake, fan-out and worker composed by their own `functions/<name>/compose.ts`, as Lambda
 * composes them, with their SDK clients pointed at the emulator by endpoint. Each of the
 * `concurrency` worker environments is one `composeWorker` call: its own rules cache,
 * outstanding-create share and five-minute lookup caches, as a warm container has. Only what the
 * emulator does not speak is replaced, at the SDK client level: the SQS FIFO queue by an
 * in-memory one with the same deduplication id, EventBridge and SNS by recorders.
 *
 * Every pause of the functions (status polls, backoff, the SDK's retries) is divided by the
 * emulator's time scale, so that their waits and the emulated latency keep the proportions they
 * have against AWS.
 *
 * Nothing here makes an event *happen*: change `world` first (or use `applyEventEffect`), then
 * deliver, as CloudTrail reports a change after it is made.
 *
 * @example
 * const system = await createLocalSystem({ snapshot, rules: [{ name: 'workloads', text: yaml }] });
 * try {
 *   system.world.moveAccount('444455550001', 'ou-ab12-8a2f3e41'); // it happens…
 *   const result = await system.deliver(moveAccountEvent); // …then the event arrives
 *   console.log(result.scopes, result.changes.create.length);
 *   console.log(system.snapshot().assignments.length);
 * } finally {
 *   await system.close();
 * }
 */
export const createLocalSystem = async (options: LocalSystemOptions): Promise<LocalSystem> => {
  const rulesPath = withSlash(options.rulesPath ?? DEFAULT_RULES_PATH);
  const maxReceives = positiveInteger('maxReceives', options.maxReceives ?? 1);
  const { snapshot: _seedIsOurs, parameters = [], ...emulatorOverrides } = options.emulator ?? {};
  const timeScale = emulatorOverrides.timeScale ?? DEFAULT_TIME_SCALE;
  const emulator = await startEmulator({
    assignmentLatencyMs: DEFAULT_ASSIGNMENT_LATENCY_MS,
    ...emulatorOverrides,
    timeScale,
    snapshot: options.snapshot,
    parameters: [...options.rules.map((r) => ({ name: `${rulesPath}${r.name}`, value: r.text })), ...parameters],
  });

  // The functions' own compositions, pointed at the emulator. The clock stays the wall clock (the
  // queue's deduplication window is in wall time); every pause is divided by the time scale, so that
  // the functions' waits and the emulated latency keep the proportions they have against AWS.
  const clock = systemClock;
  const functionClock = options.clock ?? systemClock;
  const sleep: Sleep = (ms) => realSleep(Math.max(0, ms / timeScale));
  const connection = {
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const concurrency = positiveInteger('concurrency', options.concurrency ?? 10);
  const env = {
    RULES_PATH: rulesPath,
    WORK_QUEUE_URL: LOCAL_QUEUE_URL,
    EVENT_BUS_NAME: 'idc-lifecycle-local',
    SUMMARY_TOPIC_ARN: LOCAL_TOPIC_ARN,
    INSTANCE_ARN: options.snapshot.instanceArn,
    IDENTITY_STORE_ID: options.snapshot.identityStoreId,
    MANAGEMENT_ACCOUNT_ID: options.snapshot.managementAccountId,
    // The snapshot's organization runs the automation in its management account.
    AUTOMATION_ACCOUNT_ID: options.snapshot.managementAccountId,
    // The role the local worker stands for: records of its calls are its own writes, not drift.
    WORKER_ROLE_ARN: localWorkerRoleArn(options.snapshot.managementAccountId),
    // As the stack shares Identity Center's outstanding creates among the worker's environments.
    MAX_OUTSTANDING_CREATES: String(Math.max(1, Math.floor(IDC_OUTSTANDING_CREATES / concurrency))),
  };
  const workerConfig = loadConfig('worker', env);
  const clients = createWorkerClients(workerConfig, connection, { sleep });
  const windowMs = options.deduplicationWindowMs ?? SQS_DEDUPLICATION_WINDOW_MS;
  const queue = new InMemoryWorkQueue(deduplicationId, windowMs, clock.now);
  let notifications = 0;
  // Stands in for SNS: the summaries say nothing the outcomes do not.
  const sns = recordingSnsClient(() => {
    notifications++;
  });
  const sqs = workQueueClient((items) => queue.enqueue(items));
  const telemetry = silentTelemetry();
  const intake = composeIntake({ sqs }, loadConfig('intake', env), telemetry);
  const fanoutEvents = { target: [] as LifecycleEvent[] };
  const fanout = await composeFanout(
    { ...clients, sqs, sns, eventBridge: recordingEventBridgeClient((events) => fanoutEvents.target.push(...events)) },
    loadConfig('fanout', env),
    telemetry,
    { clock: functionClock },
  );

  /**
   * Worker environments (warm containers), each composed as Lambda composes one, up to
   * `concurrency`. Each one's event bus hands the events of the item in hand to `target`.
   */
  const idle: Environment[] = [];
  const newEnvironment = async (): Promise<Environment> => {
    const target = { events: [] as LifecycleEvent[] };
    const eventBridge = recordingEventBridgeClient((events) => target.events.push(...events));
    // The worker queues a run's work when it plans the run (the last of its read parts).
    const worker = await composeWorker(
      { ...clients, sqs, sns, eventBridge },
      workerConfig,
      { clock: functionClock, sleep },
      telemetry,
    );
    return { worker, target };
  };
  const withEnvironment = async <T>(work: (environment: Environment) => Promise<T>): Promise<T> => {
    const environment = idle.pop() ?? (await newEnvironment());
    try {
      return await work(environment);
    } finally {
      idle.push(environment);
    }
  };

  const counters = { deliveries: 0, reconciles: 0, deduplicated: 0, failedReconciles: 0 };
  // The plans of the organization-wide runs of the event in hand: their holds and rule errors are
  // the run's, not any one reconcile's.
  const runPlans: Plan[] = [];
  const batchSize = positiveInteger('batchSize', options.batchSize ?? 1);

  /**
   * One item, retried up to `maxReceives` times; a retry is a new invocation, as after an SQS
   * redelivery (here in the same environment, as a warm container may receive it).
   */
  const reconcileItem = async (
    item: WorkItem,
    environment: Environment,
  ): Promise<{ record: ReconcileRecord; events: LifecycleEvent[] }> => {
    const scope = scopeKey(item.scope);
    const made: Plan[] = [];
    const published: LifecycleEvent[] = [];
    let outcome: ReconcileOutcome | undefined;
    let error: Error | undefined;
    let attempts = 0;
    while (attempts < maxReceives) {
      attempts++;
      counters.reconciles++;
      const events: LifecycleEvent[] = [];
      environment.target.events = events;
      // The grants a read part applies as it reads are changes this item made, whether the part ends well or not.
      const grantOutcomes: ReconcileOutcome[] = [];
      try {
        const read = item.run?.read;
        if (item.run !== undefined && read !== undefined) {
          // A read part of an organization-wide run; the part that completes the read plans the
          // run, and its plan's holds are the run's.
          const part = await readRunPart(environment.worker.readPartDeps(), { ...item.run, read }, NO_DEADLINE);
          if (part.plan !== undefined) runPlans.push(part.plan);
          // The grants the part applied as it read are changes this item made.
          grantOutcomes.push(...outcomesOf(part.grants));
          outcome = undefined;
        } else {
          // The ports the composed handler reconciles with; the handler itself only logs outcomes.
          outcome = await reconcileScope(environment.worker.reconcileDeps(), item);
        }
        error = undefined;
      } catch (caught) {
        assertIsError(caught);
        error = caught;
        // A failed reconcile still carried out what it could; its outcome says what.
        outcome = caught instanceof ReconcileError ? caught.outcome : undefined;
        grantOutcomes.push(...outcomesOf(grantsBeforeFailure(caught)));
      }
      published.push(...events);
      for (const granted of grantOutcomes) made.push(changesOf(granted, events));
      if (outcome !== undefined) made.push(changesOf(outcome, events));
      if (error === undefined) break;
    }
    if (error !== undefined) counters.failedReconciles++;
    const last = made.at(-1);
    const total = sumPlans(made);
    // Blocks and rule errors describe the last attempt; earlier attempts' copies would repeat them.
    const changes: Plan = { ...total, blocked: last?.blocked ?? [], errors: last?.errors ?? [] };
    const record: ReconcileRecord = {
      item,
      scope,
      attempts,
      changes,
      ...(outcome === undefined ? {} : { outcome }),
      ...(error === undefined ? {} : { error }),
    };
    return { record, events: published };
  };

  /**
   * Drains the queue as the deployed worker does: batches of up to `batchSize` messages, each
   * handled in order by one invocation, `concurrency` invocations at once, until what they queue
   * in turn (a run's work, once its read parts are done) is drained too. A message group never
   * spans two batches, so one scope is never reconciled twice at the same time.
   */
  const drain = async (): Promise<{ records: ReconcileRecord[]; events: LifecycleEvent[] }> => {
    const records: ReconcileRecord[] = [];
    const events: LifecycleEvent[] = [];
    for (;;) {
      const round = await drainRound();
      if (round.records.length === 0) return { records, events };
      records.push(...round.records);
      events.push(...round.events);
    }
  };

  /** One pass over what the queue holds now. */
  const drainRound = async (): Promise<{ records: ReconcileRecord[]; events: LifecycleEvent[] }> => {
    const groups = new Map<string, WorkItem[]>();
    for (let item = queue.take(); item !== undefined; item = queue.take()) {
      const key = messageGroupId(item);
      groups.set(key, [...(groups.get(key) ?? []), item]);
    }
    const batches: WorkItem[][] = [];
    let batch: WorkItem[] = [];
    for (const group of groups.values()) {
      if (batch.length > 0 && batch.length + group.length > batchSize) {
        batches.push(batch);
        batch = [];
      }
      batch.push(...group);
    }
    if (batch.length > 0) batches.push(batch);
    const handled = await mapConcurrent(batches, concurrency, (items) =>
      withEnvironment(async (environment) => {
        const done: { record: ReconcileRecord; events: LifecycleEvent[] }[] = [];
        for (const item of items) done.push(await reconcileItem(item, environment));
        return done;
      }),
    );
    const flat = handled.flat();
    return { records: flat.map((d) => d.record), events: flat.flatMap((d) => d.events) };
  };

  const deliverRuleBoundaryCheck = async (
    event: unknown,
    nothing: Omit<DeliveryResult, 'status'>,
  ): Promise<DeliveryResult> => {
    const published: LifecycleEvent[] = [];
    const failures: { scope: string; error: Error }[] = [];
    fanoutEvents.target = published;
    try {
      await fanout.handler(event);
    } catch (caught) {
      assertIsError(caught);
      failures.push({ scope: 'all', error: caught });
    }
    const drained = await drain();
    if (drained.records.length === 0 && failures.length === 0) {
      return { ...nothing, status: 'ignored', reason: 'no rule window boundary passed in the minute checked' };
    }
    published.push(...drained.events);
    for (const r of drained.records) if (r.error !== undefined) failures.push({ scope: r.scope, error: r.error });
    return {
      ...nothing,
      status: 'processed',
      scopes: ['all'],
      reconciles: drained.records,
      failures,
      changes: sumPlans(drained.records.map((r) => r.changes)),
      events: published,
    };
  };

  const deliverNow = async (event: unknown): Promise<DeliveryResult> => {
    counters.deliveries++;
    const arrival = describeArrival(event);
    const nothing = {
      arrival,
      scopes: [],
      reconciles: [],
      deduplicated: [],
      failures: [],
      rejections: [],
      changes: sumPlans([]),
      events: [],
    };
    // As the deployed intake does: an event from an account its kind cannot come from is dropped.
    const origin = checkOriginAccount(event, {
      management: env.MANAGEMENT_ACCOUNT_ID,
      automation: env.AUTOMATION_ACCOUNT_ID,
    });
    if (origin.kind === 'refused') return { ...nothing, status: 'ignored', reason: origin.reason };
    let parsed: ParseResult;
    try {
      // The minute check of time-bound rules goes to the fan-out function itself, as its schedule does.
      if (parseRuleBoundaryCheck(event) !== undefined) return await deliverRuleBoundaryCheck(event, nothing);
      parsed = parseEvent(event, { rulesPath, workerRoleArn: env.WORKER_ROLE_ARN });
    } catch (caught) {
      if (caught instanceof MalformedEventError) return { ...nothing, status: 'malformed', error: caught };
      throw caught;
    }
    if (parsed.kind === 'ignored') return { ...nothing, status: 'ignored', reason: parsed.reason };

    const published: LifecycleEvent[] = [];
    const failures: { scope: string; error: Error }[] = [];
    const rejections: RulesRejection[] = [];
    // The intake enqueues every scope but `all`, which the fan-out function expands.
    await intake.handler(event);
    const sweep = parsed.items.find((item) => item.scope.kind === 'all');
    if (sweep !== undefined) {
      fanoutEvents.target = published;
      try {
        // The fan-out's own ports; its handler logs the rejected documents, which simulate reports.
        const trigger = sweep.origin.source === SSM_SOURCE ? 'rules-change' : 'schedule';
        const started = await beginOrganizationRun(fanout.organizationRunDeps(), trigger, sweep.origin);
        rejections.push(...started.rejections);
      } catch (caught) {
        assertIsError(caught);
        failures.push({ scope: 'all', error: caught });
      }
    }
    const deduplicated = queue.takeDropped().map((item) => scopeKey(item.scope));
    counters.deduplicated += deduplicated.length;

    const drained = await drain();
    const reconciles = drained.records;
    published.push(...drained.events);
    for (const r of reconciles) if (r.error !== undefined) failures.push({ scope: r.scope, error: r.error });
    return {
      arrival: { ...arrival, eventId: sweep?.origin.eventId ?? parsed.items[0]?.origin.eventId ?? arrival.eventId },
      status: 'processed',
      scopes: parsed.items.map((item) => scopeKey(item.scope)),
      reconciles,
      deduplicated,
      failures,
      rejections,
      changes: withRunHolds(sumPlans(reconciles.map((r) => r.changes)), runPlans.splice(0)),
      events: published,
    };
  };

  let queueTail: Promise<unknown> = Promise.resolve();
  let closed = false;
  return {
    world: emulator.world,
    emulator,
    rulesPath,
    deliver: (event) => {
      if (closed) return Promise.reject(new Error('the local system is closed'));
      const run = queueTail.then(() => deliverNow(event));
      queueTail = run.catch(() => undefined);
      return run;
    },
    publishRules: (documents) => {
      for (const document of documents) emulator.world.putParameter(`${rulesPath}${document.name}`, document.text);
    },
    snapshot: () => emulator.world.exportSnapshot(),
    stats: () => ({ ...emulator.stats(), ...counters, notifications }),
    close: async () => {
      if (closed) return;
      closed = true;
      await queueTail;
      for (const client of Object.values(clients)) client.destroy();
      await emulator.close();
    },
  };
};

/** The local harness has no Lambda deadline: each read part of an organization-wide run reads in one go. */
const NO_DEADLINE = { remainingMs: () => Number.POSITIVE_INFINITY };

const outcomesOf = (grants: readonly PartGrant[]): ReconcileOutcome[] =>
  grants.flatMap((g) => (g.outcome === undefined ? [] : [g.outcome]));

/** The changes the reconciles made, with the holds and rule errors of the runs that planned them. */
const withRunHolds = (changes: Plan, runPlans: readonly Plan[]): Plan => {
  if (runPlans.length === 0) return changes;
  const errors = new Map(changes.errors.map((e) => [`${e.ruleId}\u0000${e.message}`, e]));
  for (const p of runPlans) for (const e of p.errors) errors.set(`${e.ruleId}\u0000${e.message}`, e);
  return {
    ...changes,
    blocked: [...runPlans.flatMap((p) => p.blocked), ...changes.blocked],
    errors: [...errors.values()],
  };
};

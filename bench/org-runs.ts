import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { DEFAULT_REQUEST_SHARE } from '../infra/request-share.js';
import { assignmentKey } from '../shared/domain/model.js';
import type { Snapshot } from '../shared/domain/snapshot.js';
import { createAccountResultEvent, parameterChangeEvent, scheduledSweepEvent } from './support/events.js';
import { floor, IDENTITY_CENTER_OPERATIONS, sumCalls } from './support/floor.js';
import { accountMinimum, type Counts, directoryMinimum, needsOf, PAGE_SIZE, writesMinimum } from './support/minimum.js';
import {
  desiredAssignments,
  type LargeWorld,
  largeWorld,
  MANAGEMENT_ACCOUNT_ID,
  type RulesDocument,
} from './support/orgs.js';
import { type BenchSystem, type DrainReport, startBenchSystem } from './support/system.js';
import { printTable } from './support/table.js';
import { DEPLOYED_TOPOLOGY, LATENCY_MS } from './throughput.js';

/**
 * Organization-wide runs through the deployed composition with the emulator's throttling on
 * (docs/benchmarks.md, "Organization-wide runs"): each run's Identity Center calls against the
 * minimum it needs, and its elapsed time against the floor whose request-rate term is that minimum
 * at the deployment's request share (not the calls the run happened to make).
 *
 * Run directly with `npx tsx bench/org-runs.ts` (`--only=<name part>` runs the matching ones).
 */

/** Emulated seconds per wall second. Read-bound runs make many short calls; ×20 keeps Node's CPU small against them. */
export const ORG_RUNS_TIME_SCALE = 20;

export interface OrgRun {
  readonly name: string;
  /** Active member accounts in the organization. */
  readonly accounts: number;
  /** Assignments created and deleted. */
  readonly writes: number;
  /** Identity Center calls that drew from the budget (refused throttles left out). */
  readonly identityCenterCalls: number;
  /** The fewest Identity Center calls the run needs (docs/benchmarks.md, "The minimum"). */
  readonly minimumCalls: number;
  readonly callsRatio: number;
  /** Emulated time from the event to the last item done. */
  readonly elapsedMs: number;
  readonly floorMs: number;
  readonly boundBy: string;
  readonly ratioToFloor: number;
  /** Calls Identity Center refused with ThrottlingException (rate or outstanding creates). */
  readonly throttled: number;
  /** Deletions of assignments that the rules in force want. */
  readonly wrongRevocations: number;
  readonly redeliveries: number;
  /** The longest a failed item waited to be delivered again, emulated ms (0 when none failed). */
  readonly longestRedeliveryWaitMs: number;
  readonly requestShare: number;
  readonly timeScale: number;
  readonly wallMs: number;
  readonly firstError?: string;
}

interface RunSpec {
  readonly name: string;
  readonly world: LargeWorld;
  /** The rules in force when the run ends (what wrong revocations are judged by). */
  readonly rulesAfter: RulesDocument;
  readonly start: (system: BenchSystem) => Promise<void>;
}

const activeAccounts = (snapshot: Snapshot) =>
  snapshot.accounts.filter((a) => a.id !== MANAGEMENT_ACCOUNT_ID && a.status === 'ACTIVE');

/**
 * The fewest Identity Center calls of an organization-wide run: the permission sets and the
 * names the rules use once per run, one listing per account and provisioned permission set, and
 * each write with one status poll.
 */
export const orgRunMinimum = (
  before: Snapshot,
  rules: RulesDocument,
  writes: { readonly created: number; readonly deleted: number },
): number => {
  const counts: Counts = {};
  const usesTags = needsOf(rules).usesAccountTags;
  directoryMinimum(counts, before, rules, false);
  for (const account of activeAccounts(before)) accountMinimum(counts, before, account.id, usesTags);
  writesMinimum(counts, writes.created, writes.deleted);
  return sumCalls(counts, IDENTITY_CENTER_OPERATIONS);
};

const measure = async (spec: RunSpec, timeScale: number, requestShare: number): Promise<OrgRun> => {
  const before = spec.world.snapshot;
  const system = await startBenchSystem({
    snapshot: before,
    rules: [spec.world.rules],
    timeScale,
    assignmentLatencyMs: LATENCY_MS,
    quotas: {},
    pageSize: PAGE_SIZE,
    topology: DEPLOYED_TOPOLOGY,
    requestShare,
  });
  try {
    system.emulator.resetStats();
    const wallStart = performance.now();
    const start = system.time.clock.now();
    await spec.start(system);
    const report: DrainReport = await system.drain();
    const elapsedMs = system.time.since(start);
    const wallMs = performance.now() - wallStart;
    const stats = system.emulator.stats();

    const wanted = new Set(desiredAssignments(before, spec.rulesAfter).map(assignmentKey));
    const perAccount = new Map<string, number>();
    let created = 0;
    let deleted = 0;
    let wrongRevocations = 0;
    for (const event of system.published) {
      const { accountId, permissionSetArn, principalType, principalId } = event.detail as Record<string, string>;
      if (event.detailType !== 'Assignment Created' && event.detailType !== 'Assignment Deleted') continue;
      if (accountId !== undefined) perAccount.set(accountId, (perAccount.get(accountId) ?? 0) + 1);
      if (event.detailType === 'Assignment Created') created += 1;
      else {
        deleted += 1;
        const key = assignmentKey({
          accountId: accountId ?? '',
          permissionSetArn: permissionSetArn ?? '',
          principalType: principalType === 'GROUP' ? 'GROUP' : 'USER',
          principalId: principalId ?? '',
        });
        if (wanted.has(key)) wrongRevocations += 1;
      }
    }
    const identityCenterCalls = Math.max(0, sumCalls(stats.calls, IDENTITY_CENTER_OPERATIONS) - stats.throttled);
    const minimumCalls = orgRunMinimum(before, spec.rulesAfter, { created, deleted });
    const bound = floor({
      operations: created + deleted,
      maxPerAccount: Math.max(0, ...perAccount.values()),
      calls: minimumCalls,
      latencyMs: LATENCY_MS,
      tps: requestShare,
    });
    return {
      name: spec.name,
      accounts: activeAccounts(before).length,
      writes: created + deleted,
      identityCenterCalls,
      minimumCalls,
      callsRatio: Math.round((identityCenterCalls / minimumCalls) * 1000) / 1000,
      elapsedMs: Math.round(elapsedMs),
      floorMs: Math.round(bound.ms),
      boundBy: bound.boundBy,
      ratioToFloor: Math.round((elapsedMs / bound.ms) * 1000) / 1000,
      throttled: stats.throttled,
      wrongRevocations,
      redeliveries: report.redeliveries,
      longestRedeliveryWaitMs: Math.round(report.longestRedeliveryWaitMs),
      requestShare,
      timeScale,
      wallMs: Math.round(wallMs),
      ...(report.firstError === undefined ? {} : { firstError: report.firstError }),
    };
  } finally {
    await system.close();
  }
};

const sweep = async (system: BenchSystem) => {
  await system.deliver(scheduledSweepEvent());
};

/** The runs the issue asks for, smallest first. */
export const orgRunSpecs = (): (() => RunSpec)[] => [
  () => {
    const world = largeWorld({ withAssignments: true });
    return { name: 'converged sweep, 1,000 accounts', world, rulesAfter: world.rules, start: sweep };
  },
  () => {
    const world = largeWorld({ withAssignments: true });
    return {
      name: 'rules change touching 400 of 1,000 accounts',
      world,
      rulesAfter: world.changedRules,
      start: async (system) => {
        system.putRules(world.changedRules);
        await system.deliver(parameterChangeEvent(world.changedRules.name));
      },
    };
  },
  () => {
    const world = largeWorld({ withAssignments: false });
    return { name: 'first sweep, 1,000 accounts', world, rulesAfter: world.rules, start: sweep };
  },
  () => {
    const world = largeWorld({ withAssignments: true, scale: 10 });
    return { name: 'converged sweep, 10,000 accounts', world, rulesAfter: world.rules, start: sweep };
  },
];

export interface OrgRunsOptions {
  readonly timeScale?: number;
  readonly requestShare?: number;
  /** Runs whose name contains this, only. */
  readonly only?: string;
}

export async function benchOrgRuns(options: OrgRunsOptions = {}): Promise<OrgRun[]> {
  const runs: OrgRun[] = [];
  for (const spec of orgRunSpecs()) {
    const built = spec();
    if (options.only !== undefined && !built.name.includes(options.only)) continue;
    runs.push(
      await measure(built, options.timeScale ?? ORG_RUNS_TIME_SCALE, options.requestShare ?? DEFAULT_REQUEST_SHARE),
    );
  }
  return runs;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(1);

export const printOrgRuns = (runs: readonly OrgRun[]): void => {
  printTable(
    [
      'run',
      'accounts',
      'writes',
      'IdC calls',
      'minimum',
      'calls ratio',
      'elapsed s',
      'floor s',
      'bound',
      'ratio',
      'throttled',
      'wrong revocations',
      'longest retry wait s',
      'wall s',
    ],
    runs.map((r) => [
      r.name,
      String(r.accounts),
      String(r.writes),
      String(r.identityCenterCalls),
      String(r.minimumCalls),
      r.callsRatio.toFixed(2),
      seconds(r.elapsedMs),
      seconds(r.floorMs),
      r.boundBy,
      r.ratioToFloor.toFixed(2),
      String(r.throttled),
      String(r.wrongRevocations),
      seconds(r.longestRedeliveryWaitMs),
      seconds(r.wallMs),
    ]),
  );
};

/** The time from a CreateAccountResult event to its account's last assignment SUCCEEDED. */
export interface EventLatencyRun {
  readonly elapsedMs: number;
  readonly assignments: number;
  /** The least it can take: one account's assignments change one after another (nₐ·L). */
  readonly floorMs: number;
  /** During a run: assignments the run had created when the account was vended. */
  readonly runCreatesAtVend?: number;
}

export interface EventLatency {
  readonly latencyMs: number;
  /** L + 10 s, the target. */
  readonly targetMs: number;
  readonly timeScale: number;
  readonly alone: EventLatencyRun;
  /** While the 1,000-account rules change (400 accounts touched) runs in the organization lane. */
  readonly duringRulesChange: EventLatencyRun;
}

const VENDED_ACCOUNT = '299999999990';
/** Assignments the rules change has created when the account is vended: its writes are under way. */
const RUN_WRITES_BEFORE_VEND = 20;
/** Wall-clock cap on waiting for them, so that a run that never writes still yields a figure. */
const MAX_WAIT_FOR_WRITES_MS = 120_000;

const createdCount = (system: BenchSystem): number =>
  system.published.filter((e) => e.detailType === 'Assignment Created').length;

/** Vends an account into /Workloads/NonProd (three rules apply) and times its assignments. */
const vend = async (system: BenchSystem, world: LargeWorld): Promise<EventLatencyRun> => {
  system.emulator.world.createAccount({
    id: VENDED_ACCOUNT,
    name: 'vended',
    email: 'vended@example.com',
    parentId: world.ous.nonProd,
    tags: { env: 'dev' },
  });
  const from = system.published.length;
  const start = system.time.clock.now();
  await system.deliver(createAccountResultEvent(VENDED_ACCOUNT));
  await system.drain(['event']);
  let last = start;
  let assignments = 0;
  for (let i = from; i < system.published.length; i++) {
    const event = system.published[i];
    if (event?.detailType !== 'Assignment Created' || event.detail.accountId !== VENDED_ACCOUNT) continue;
    assignments += 1;
    last = Math.max(last, system.publishedAt[i] ?? last);
  }
  return { elapsedMs: Math.round(last - start), assignments, floorMs: assignments * LATENCY_MS };
};

/**
 * Emulated seconds per wall second for the event latency. The figure is a few seconds long, and a
 * fresh environment spends real CPU time on its first requests (each SDK client's first call sets
 * up its middleware and endpoint rules, tens of milliseconds of wall time); at ×20 every such
 * millisecond counts 20 emulated ones, which added about 3 s to a 10 s figure. ×5 keeps that
 * distortion within about a second while the 1,000-account run beside it still fits the machine.
 */
export const EVENT_LATENCY_TIME_SCALE = 5;

export async function benchEventLatency(timeScale = EVENT_LATENCY_TIME_SCALE): Promise<EventLatency> {
  const run = async (during: boolean): Promise<EventLatencyRun> => {
    const world = largeWorld({ withAssignments: true });
    const system = await startBenchSystem({
      snapshot: world.snapshot,
      rules: [world.rules],
      timeScale,
      assignmentLatencyMs: LATENCY_MS,
      quotas: {},
      pageSize: PAGE_SIZE,
      topology: DEPLOYED_TOPOLOGY,
    });
    try {
      if (!during) return await vend(system, world);
      system.putRules(world.changedRules);
      await system.deliver(parameterChangeEvent(world.changedRules.name));
      const organization = system.drain(['org']);
      // Vend once the run is writing, so that its creates hold Identity Center's outstanding
      // slots and its reads draw on the organization lane: the case that tests the event lane.
      const writing = Date.now();
      while (createdCount(system) < RUN_WRITES_BEFORE_VEND && Date.now() - writing < MAX_WAIT_FOR_WRITES_MS) {
        await system.time.sleep(1_000);
      }
      const runCreatesAtVend = createdCount(system);
      const latency = await vend(system, world);
      await organization;
      return { ...latency, runCreatesAtVend };
    } finally {
      await system.close();
    }
  };
  return {
    latencyMs: LATENCY_MS,
    targetMs: LATENCY_MS + 10_000,
    timeScale,
    alone: await run(false),
    duringRulesChange: await run(true),
  };
}

export const printEventLatency = (latency: EventLatency): void => {
  printTable(
    ['CreateAccountResult → last assignment SUCCEEDED', 'assignments', 'elapsed s', 'nₐ·L s', 'target s'],
    [
      ['alone', latency.alone],
      ['during a 1,000-account rules change', latency.duringRulesChange],
    ].map(([name, r]) => {
      const run = r as EventLatencyRun;
      return [
        name as string,
        String(run.assignments),
        seconds(run.elapsedMs),
        seconds(run.floorMs),
        seconds(latency.targetMs),
      ];
    }),
  );
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const scale = process.argv.find((a) => a.startsWith('--scale='))?.slice('--scale='.length);
  if (process.argv.includes('--events')) {
    const latency = await benchEventLatency(scale === undefined ? undefined : Number(scale));
    printEventLatency(latency);
  } else {
    const runs = await benchOrgRuns({
      ...(only === undefined ? {} : { only }),
      ...(scale === undefined ? {} : { timeScale: Number(scale) }),
    });
    printOrgRuns(runs);
    for (const run of runs) if (run.firstError) console.log(`${run.name}: ${run.firstError}`);
  }
}

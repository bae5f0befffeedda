import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { type ApiCallsRow, benchApiCalls, printApiCalls } from './api-calls.js';
import { benchCliStart, type CliStartResult, formatCliStartTable } from './cli-start.js';
import { benchColdStart, type ColdStartResult, formatColdStartTable } from './cold-start.js';
import { benchConcurrentCreates, type ConcurrentCreatesResult, printConcurrentCreates } from './concurrent-creates.js';
import { benchMemory, MEMORY_ACCOUNTS, type MemoryRow, printMemory } from './memory.js';
import {
  benchEventLatency,
  benchOrgRuns,
  type EventLatency,
  type OrgRun,
  printEventLatency,
  printOrgRuns,
} from './org-runs.js';
import { benchPlanning, type PlanningBenchResult } from './planning.js';
import { printTable } from './support/table.js';
import { benchThroughput, printThroughput, type ThroughputResult } from './throughput.js';

/**
 * `npm run bench`: planning CPU time, cold start, CLI start-up, API calls per event, throughput against the
 * Identity Center floor, and heap at 10,000 accounts. Prints one table per section and writes `bench/results.json`.
 */

export interface BenchResults {
  readonly date: string;
  readonly machine: { readonly node: string; readonly cpus: number; readonly platform: string };
  readonly planning: readonly PlanningBenchResult[];
  readonly apiCalls: readonly ApiCallsRow[];
  readonly throughput: ThroughputResult;
  /** Organization-wide runs against their minimum calls and their floor (docs/benchmarks.md). */
  readonly orgRuns: readonly OrgRun[];
  readonly eventLatency: EventLatency;
  readonly concurrentCreates: ConcurrentCreatesResult;
  readonly coldStart: readonly ColdStartResult[];
  readonly cliStart: CliStartResult;
  readonly memory: readonly MemoryRow[];
  /** Wall-clock seconds each section took. */
  readonly durationsSeconds: Readonly<Record<string, number>>;
}

const RESULTS_FILE = fileURLToPath(new URL('./results.json', import.meta.url));

const section = (title: string): void => {
  console.log(`\n== ${title} ==\n`);
};

const timed = async <T>(durations: Record<string, number>, name: string, work: () => Promise<T>): Promise<T> => {
  const start = performance.now();
  try {
    return await work();
  } finally {
    durations[name] = Math.round((performance.now() - start) / 100) / 10;
  }
};

const durations: Record<string, number> = {};

section('Planning CPU time (whole-organization plan, median of 7)');
const planning = await timed(durations, 'planning', benchPlanning);
printTable(
  ['benchmark', 'accounts', 'rules', 'users', 'median ms'],
  planning.map((r) => [r.name, String(r.accounts), String(r.rules), String(r.users), r.ms.toFixed(1)]),
);

// Cold start measures fresh processes: it runs before the long emulator runs load the machine.
section('Cold start (bundled as deployed; module initialisation, fresh processes)');
const coldStart = await timed(durations, 'coldStart', () => benchColdStart());
console.log(formatColdStartTable(coldStart));

section('CLI start-up (idc-lifecycle --version from the packed tarball, installed; fresh processes)');
const cliStart = await timed(durations, 'cliStart', () => benchCliStart());
console.log(formatCliStartTable(cliStart));

section('API calls per event (1,000-account organization, deployed worker, throttling off)');
const apiCalls = await timed(durations, 'apiCalls', benchApiCalls);
printApiCalls(apiCalls);
console.log('\nminimum: see bench/api-calls.ts or docs/benchmarks.md for how it is counted');

section('50 concurrent creates through one adapter (emulated time, quotas on)');
const concurrentCreates = await timed(durations, 'concurrentCreates', benchConcurrentCreates);
printConcurrentCreates(concurrentCreates);

section('Throughput under the Identity Center quota model (emulated time)');
const throughput = await timed(durations, 'throughput', benchThroughput);
printThroughput([throughput.anchor, throughput.anchorTimeScaleCheck]);
console.log(
  `\nL = ${throughput.latencyMs} ms per assignment operation; floor = max(N·L/10, max nₐ·L, calls/20) (docs/design.md §8)` +
    `\nanchor ratios to floor, ${throughput.anchorRatios.length} runs: ${throughput.anchorRatios.map((r) => r.toFixed(2)).join(', ')} (target: worst ≤ 1.3)`,
);

section('Organization-wide runs (deployed composition, throttling on, request share as deployed)');
const orgRuns = await timed(durations, 'orgRuns', () => benchOrgRuns());
printOrgRuns(orgRuns);
console.log(
  '\nfloor = max(N·L/10, max nₐ·L, minimumCalls/share); targets: calls ratio ≤ 1.2, ratio ≤ 1.25, no wrong revocation',
);

section('Event latency (CreateAccountResult → last assignment SUCCEEDED, event lane)');
const eventLatency = await timed(durations, 'eventLatency', () => benchEventLatency());
printEventLatency(eventLatency);

section(`Heap of the fan-out and the worker (${MEMORY_ACCOUNTS.toLocaleString('en')} accounts, in-process emulator)`);
const memory = await timed(durations, 'memory', benchMemory);
printMemory(memory);

const results: BenchResults = {
  date: new Date().toISOString(),
  machine: { node: process.version, cpus: cpus().length, platform: `${process.platform}-${process.arch}` },
  planning,
  apiCalls,
  throughput,
  orgRuns,
  eventLatency,
  concurrentCreates,
  coldStart,
  cliStart,
  memory,
  durationsSeconds: durations,
};
await writeFile(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${RESULTS_FILE}`);

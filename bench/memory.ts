import { performance } from 'node:perf_hooks';
import type { Snapshot } from '../shared/domain/snapshot.js';
import { disableUserEvent, scheduledSweepEvent } from './support/events.js';
import {
  IDENTITY_STORE_ID,
  INSTANCE_ARN,
  MANAGEMENT_ACCOUNT_ID,
  ROOT_ID,
  RULES_PATH,
  type RulesDocument,
} from './support/orgs.js';
import { type BenchSystem, startBenchSystem } from './support/system.js';
import { printTable } from './support/table.js';

/**
 * Heap of the fan-out and the worker in a 10,000-account organization. A memory figure is a
 * benchmark figure: it depends on the machine and the Node version, so it is printed here and
 * never asserted by a test.
 *
 * The functions run in one process with the emulator, as everywhere in the benchmarks, so the
 * figure is the growth of the process's heap over its level before the step (emulator state
 * included in the level; the emulator's answers to the step included in the growth), sampled
 * every few milliseconds; run with `node --expose-gc` for a level taken after a collection.
 */

export const MEMORY_ACCOUNTS = 10_000;
/** The leaver's direct assignments in the offboarding step. */
const LEAVER_ASSIGNMENTS = 1_000;

export interface MemoryRow {
  readonly step: string;
  readonly accounts: number;
  /** Heap in use before the step, MB. */
  readonly baseMb: number;
  /** Largest growth of the heap during the step, MB. */
  readonly peakGrowthMb: number;
  readonly seconds: number;
}

const permissionSet = 'arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-00000000000000a1';
const auditors = '9b000001-0000-4000-8000-000000000001';
const oncall = { id: '7a000001-0000-4000-8000-000000000001', userName: 'oncall@example.com' };
const leaver = { id: '7a000002-0000-4000-8000-000000000002', userName: 'leaver@example.com' };

/** 10,000 accounts under ten OUs; Auditors and the on-call user read every one, as the rules say. */
const wideWorld = (): { snapshot: Snapshot; rules: RulesDocument } => {
  const ous = Array.from({ length: 10 }, (_, i) => `ou-ab12-${(100 + i).toString(16).padStart(8, '0')}`);
  const accounts = Array.from({ length: MEMORY_ACCOUNTS }, (_, i) => ({
    id: String(300_000_000_000 + i),
    name: `account-${i}`,
    email: `aws+${i}@example.com`,
    status: 'ACTIVE' as const,
    parentId: ous[i % ous.length] ?? ROOT_ID,
    tags: {},
  }));
  const everywhere = (principalType: 'USER' | 'GROUP', principalId: string, count = accounts.length) =>
    accounts
      .slice(0, count)
      .map((a) => ({ accountId: a.id, permissionSetArn: permissionSet, principalType, principalId }));
  const snapshot: Snapshot = {
    instanceArn: INSTANCE_ARN,
    identityStoreId: IDENTITY_STORE_ID,
    managementAccountId: MANAGEMENT_ACCOUNT_ID,
    organizationalUnits: [
      { id: ROOT_ID, name: 'Root', parentId: null },
      ...ous.map((id, i) => ({ id, name: `Unit${i}`, parentId: ROOT_ID })),
    ],
    accounts: [
      {
        id: MANAGEMENT_ACCOUNT_ID,
        name: 'management',
        email: 'm@example.com',
        status: 'ACTIVE',
        parentId: ROOT_ID,
        tags: {},
      },
      ...accounts,
    ],
    permissionSets: [{ arn: permissionSet, name: 'ReadOnlyAccess' }],
    groups: [{ id: auditors, displayName: 'Auditors' }],
    users: [
      { id: oncall.id, userName: oncall.userName, active: true },
      { id: leaver.id, userName: leaver.userName, active: false },
    ],
    groupMemberships: [],
    assignments: [
      ...everywhere('GROUP', auditors),
      ...everywhere('USER', oncall.id),
      ...everywhere('USER', leaver.id, LEAVER_ASSIGNMENTS),
    ],
  };
  const rules = {
    version: 1,
    settings: { managedPermissionSets: ['ReadOnlyAccess'], revocationGuard: { maxPerRun: 100 } },
    assignments: [
      {
        id: 'auditors',
        principals: [{ group: 'Auditors' }, { user: oncall.userName }],
        permissionSets: ['ReadOnlyAccess'],
        targets: { organizationalUnits: ['/'] },
      },
    ],
  };
  return { snapshot, rules: { name: `${RULES_PATH}org`, value: JSON.stringify(rules) } };
};

const MB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;

/** Runs `step` while sampling the heap; returns its level before and its largest growth. */
const measure = async (name: string, step: () => Promise<unknown>): Promise<MemoryRow> => {
  gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 5);
  const start = performance.now();
  try {
    await step();
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return {
    step: name,
    accounts: MEMORY_ACCOUNTS,
    baseMb: Math.round(base / MB),
    peakGrowthMb: Math.round((peak - base) / MB),
    seconds: Math.round((performance.now() - start) / 100) / 10,
  };
};

const start = (): Promise<BenchSystem> => {
  const { snapshot, rules } = wideWorld();
  return startBenchSystem({
    snapshot,
    rules: [rules],
    timeScale: 1000,
    assignmentLatencyMs: 1000,
    // Memory, not time, is measured: no throttling, and pages as large as AWS allows.
    quotas: false,
    pageSize: 100,
    topology: { containers: 1, batchSize: 10, visibilityTimeoutMs: 60_000 },
  });
};

export const benchMemory = async (): Promise<MemoryRow[]> => {
  const rows: MemoryRow[] = [];
  const system = await start();
  try {
    // The fan-out queues the read parts; the worker that reads the last part holds the whole
    // organization to plan it. One environment reads them all here, so the growth is an upper bound.
    rows.push(
      await measure('sweep: fan-out, read parts and the plan (one worker)', async () => {
        await system.deliver(scheduledSweepEvent());
        await system.drain();
      }),
    );
  } finally {
    await system.close();
  }
  const worker = await start();
  try {
    // A user scope reads every account and every assignment of the user: the worker's widest read.
    rows.push(
      await measure('worker: user with an assignment on every account (reads all, changes nothing)', async () => {
        await worker.deliver(disableUserEvent(IDENTITY_STORE_ID, oncall.id));
        await worker.drain();
      }),
    );
    rows.push(
      await measure(
        `worker: offboarding a leaver with ${LEAVER_ASSIGNMENTS.toLocaleString('en')} assignments`,
        async () => {
          await worker.deliver(disableUserEvent(IDENTITY_STORE_ID, leaver.id));
          await worker.drain();
        },
      ),
    );
  } finally {
    await worker.close();
  }
  return rows;
};

export const printMemory = (rows: readonly MemoryRow[]): void => {
  printTable(
    ['step', 'accounts', 'heap before MB', 'peak growth MB', 'wall s'],
    rows.map((r) => [
      r.step,
      r.accounts.toLocaleString('en'),
      String(r.baseMb),
      String(r.peakGrowthMb),
      String(r.seconds),
    ]),
  );
};

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'))) {
  printMemory(await benchMemory());
}

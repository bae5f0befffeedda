import { pathToFileURL } from 'node:url';
import { startEmulator } from '../emulator/index.js';
import { createClients } from '../shared/adapters/clients.js';
import { createAssignmentLimiter } from '../shared/adapters/limiter.js';
import { SsoAdminAdapter } from '../shared/adapters/sso-admin.js';
import type { AccountAssignment } from '../shared/domain/model.js';
import { emulatedTime } from './support/emulated-time.js';
import { budgetedCalls, floor } from './support/floor.js';
import { anchorWorld, INSTANCE_ARN } from './support/orgs.js';
import { printTable } from './support/table.js';

/** Emulated latency of one assignment operation, as in the throughput benchmark. */
const LATENCY_MS = 3_000;
const TIME_SCALE = 20;
const CREATES = 50;

export interface ConcurrentCreatesResult {
  readonly creates: number;
  readonly accounts: number;
  readonly failed: number;
  readonly elapsedMs: number;
  readonly floorMs: number;
  readonly boundBy: string;
  readonly ratioToFloor: number;
  readonly identityCenterCalls: number;
  readonly throttled: number;
  readonly conflicts: number;
}

/**
 * The contract suite's check of 50 concurrent creates (test/contract/sso-admin.contract.test.ts)
 * as a measurement: 50 creates started at once through one `SsoAdminAdapter` (two per account
 * over 25 accounts) against the emulator's Identity Center quotas, timed in emulated time against
 * the floor of docs/design.md §8.
 */
export async function benchConcurrentCreates(): Promise<ConcurrentCreatesResult> {
  const { snapshot } = anchorWorld();
  const accounts = snapshot.accounts.slice(0, CREATES / 2).map((a) => a.id);
  const [first, second] = snapshot.permissionSets;
  const principal = snapshot.groups[0]?.id;
  if (first === undefined || second === undefined || principal === undefined) throw new Error('anchor world is empty');
  const wanted: AccountAssignment[] = accounts.flatMap((accountId) =>
    [first, second].map((set) => ({
      accountId,
      permissionSetArn: set.arn,
      principalType: 'GROUP' as const,
      principalId: principal,
    })),
  );
  const emulator = await startEmulator({
    snapshot: { ...snapshot, assignments: [] },
    assignmentLatencyMs: LATENCY_MS,
    timeScale: TIME_SCALE,
    pageSize: 20,
  });
  try {
    const time = emulatedTime(TIME_SCALE);
    const clients = createClients({
      endpoint: emulator.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    });
    const adapter = new SsoAdminAdapter(clients.ssoAdmin, {
      instanceArn: INSTANCE_ARN,
      writeClient: clients.ssoAdminWrites,
      limiter: createAssignmentLimiter(10),
      sleep: time.sleep,
    });
    const started = time.clock.now();
    const outcomes = await Promise.allSettled(wanted.map((a) => adapter.createAccountAssignment(a)));
    const elapsedMs = time.since(started);
    const stats = emulator.stats();
    const calls = budgetedCalls(stats);
    const bound = floor({ operations: wanted.length, maxPerAccount: 2, calls, latencyMs: LATENCY_MS });
    return {
      creates: wanted.length,
      accounts: accounts.length,
      failed: outcomes.filter((o) => o.status === 'rejected').length,
      elapsedMs,
      floorMs: bound.ms,
      boundBy: bound.boundBy,
      ratioToFloor: Math.round((elapsedMs / bound.ms) * 1000) / 1000,
      identityCenterCalls: calls,
      throttled: stats.throttled,
      conflicts: stats.conflicts,
    };
  } finally {
    await emulator.close();
  }
}

export const printConcurrentCreates = (r: ConcurrentCreatesResult): void =>
  printTable(
    ['creates', 'accounts', 'failed', 'elapsed s', 'floor s', 'bound', 'ratio', 'IdC calls', 'throttled', 'conflicts'],
    [
      [
        String(r.creates),
        String(r.accounts),
        String(r.failed),
        (r.elapsedMs / 1000).toFixed(1),
        (r.floorMs / 1000).toFixed(1),
        r.boundBy,
        r.ratioToFloor.toFixed(2),
        String(r.identityCenterCalls),
        String(r.throttled),
        String(r.conflicts),
      ],
    ],
  );

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printConcurrentCreates(await benchConcurrentCreates());
}

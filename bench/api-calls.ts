import { pathToFileURL } from 'node:url';
import type { Snapshot } from '../shared/domain/snapshot.js';
import {
  createAccountResultEvent,
  disableUserEvent,
  moveAccountEvent,
  parameterChangeEvent,
} from './support/events.js';
import { IDENTITY_CENTER_OPERATIONS, ORGANIZATIONS_OPERATIONS } from './support/floor.js';
import {
  accountMinimum,
  add,
  type Counts,
  directoryMinimum,
  needsOf,
  pages,
  writesMinimum,
} from './support/minimum.js';
import { IDENTITY_STORE_ID, largeWorld, MANAGEMENT_ACCOUNT_ID, ROOT_ID } from './support/orgs.js';
import { type BenchSystem, startBenchSystem } from './support/system.js';
import { printTable } from './support/table.js';
import { DEPLOYED_TOPOLOGY, LATENCY_MS, PAGE_SIZE } from './throughput.js';

/**
 * API calls per event kind on a 1,000-account organization in steady state, each event delivered
 * through the deployed path (intake or fan-out handler → queue → worker handler → adapters →
 * emulator), counted by the emulator per operation and set against the minimum the rules need.
 *
 * Throttling is off here, so that the counts are those of the code path and not of contention
 * (retries under the quota model show up in the throughput benchmark instead).
 *
 * The minimum is counted by formula, from the state before the event (page size p = 20):
 *
 * - once per event (cacheable for the life of a worker): `ListRoots` 1 and
 *   `ListOrganizationalUnitsForParent` 1 per OU (the tree, only when an account scope needs the
 *   OU path), `ListPermissionSets` ⌈k/p⌉ and `DescribePermissionSet` k (k permission sets in the
 *   instance: names map rules to ARNs and tell managed from unmanaged), `GetGroupId` 1 per group
 *   the rules name (the id is all a plan needs), `GetUserId` + `DescribeUser` 1 each per user the
 *   rules name (activity and attributes matter). A warm worker environment keeps the permission
 *   sets and the name lookups for five minutes, so an event handled by an environment that read
 *   them for an earlier step can come in under this minimum (a negative excess);
 * - per reconciled account: `DescribeAccount` 1 + `ListParents` 1, `ListTagsForResource` 1 only
 *   when a rule filters on tags, `ListPermissionSetsProvisionedToAccount` ⌈max(1,s)/p⌉ for s
 *   provisioned sets, `ListAccountAssignments` ⌈max(1,aᵢ)/p⌉ per provisioned set i;
 * - per offboarded user: `DescribeUser` 1, `ListAccountAssignmentsForPrincipal` ⌈max(1,a)/p⌉,
 *   `ListGroupMembershipsForMember` 1 when memberships are removed, no account or tree read (every
 *   direct assignment goes, wherever it is);
 * - per sweep: `ListAccounts` ⌈N/p⌉ (ids and status are all the fan-out needs);
 * - per assignment written: the write 1 + its status poll 1 (the answer is always IN_PROGRESS).
 */

export interface ApiCallsRow {
  readonly event: string;
  /** Work items the worker reconciled. */
  readonly scopes: number;
  /** Assignments created and deleted. */
  readonly writes: number;
  readonly identityCenter: { readonly actual: number; readonly minimum: number };
  readonly organizations: { readonly actual: number; readonly minimum: number };
  /** Calls per operation, actual and minimum, for every operation that was called or needed. */
  readonly operations: Readonly<Record<string, { readonly actual: number; readonly minimum: number }>>;
  /** The operations with the most excess calls and why they are made. */
  readonly excess: readonly { readonly operation: string; readonly calls: number; readonly cause: string }[];
}

const CAUSES: Readonly<Record<string, string>> = {
  DescribeGroup:
    'withPrincipalsOf describes the unnamed groups of an event reconcile’s revocations, and a run part describes the group of each rules revocation and of each grant that failed',
  GetGroupId:
    'group ids are cached per worker environment for five minutes (functions/worker/compose.ts): each environment that reconciles an event reads them once',
  DescribePermissionSet: 'permission-set names are cached per worker environment: each environment reads them once',
  ListPermissionSets: 'permission sets are cached per worker environment: each environment reads them once',
  GetUserId: 'user ids are cached per worker environment: each environment reads them once',
  DescribeUser:
    'event reconciles describe the named users; a run part describes each user it grants to or revokes from; offboarding describes the user again before announcing it',
  ListUsers: 'an organization-wide run lists the whole directory where the minimum counts one lookup per name',
  ListGroups: 'an organization-wide run lists the whole directory where the minimum counts one lookup per name',
  ListRoots: 'the OU tree is read per invocation: every run part places its account live',
  ListOrganizationalUnitsForParent: 'the OU tree is read per invocation: every run part places its account live',
  ListAccountsForParent:
    'listAccounts places every account under its parent (one call per OU), which neither the fan-out nor offboarding needs',
  ListAccounts:
    'a principal scope loads every account (loadScopeView) although offboarding removes every direct assignment wherever it is',
  ListTagsForResource: 'a run part reads its account’s tags live after the run’s read parts read them',
  DescribeAccountAssignmentCreationStatus: 'status polls that found the request still in progress',
  DescribeAccountAssignmentDeletionStatus: 'status polls that found the request still in progress',
  ListAccountAssignments:
    'a run part re-reads its account’s assignments in the permission sets its item changes, after the run read them all',
  ListPermissionSetsProvisionedToAccount: 'reads beyond one per reconciled account',
  DescribeAccount: 'reads beyond one per reconciled account',
  ListParents: 'reads beyond one per reconciled account',
};

interface Step {
  readonly event: string;
  /** Changes the world, delivers the event, drains; returns the minimum it needs. */
  readonly run: (
    system: BenchSystem,
    before: Snapshot,
  ) => Promise<{ scopes: number; minimum: (writes: { created: number; deleted: number }) => Counts }>;
}

/** Steps that follow one another in one organization (a vended account is created, then moved). */
type Scenario = readonly Step[];

const countWrites = (system: BenchSystem, from: number) => {
  const events = system.published.slice(from);
  return {
    created: events.filter((e) => e.detailType === 'Assignment Created').length,
    deleted: events.filter((e) => e.detailType === 'Assignment Deleted').length,
  };
};

const sumOf = (counts: Readonly<Record<string, number>>, operations: ReadonlySet<string>): number =>
  Object.entries(counts).reduce((total, [op, n]) => total + (operations.has(op) ? n : 0), 0);

const row = (
  event: string,
  scopes: number,
  actual: Readonly<Record<string, number>>,
  minimum: Counts,
  writes: number,
): ApiCallsRow => {
  const operations: Record<string, { actual: number; minimum: number }> = {};
  for (const op of new Set([...Object.keys(actual), ...Object.keys(minimum)])) {
    if (!IDENTITY_CENTER_OPERATIONS.has(op) && !ORGANIZATIONS_OPERATIONS.has(op)) continue;
    operations[op] = { actual: actual[op] ?? 0, minimum: minimum[op] ?? 0 };
  }
  const excess = Object.entries(operations)
    .map(([operation, c]) => ({ operation, calls: c.actual - c.minimum, cause: CAUSES[operation] ?? '' }))
    .filter((e) => e.calls > 0)
    .sort((a, b) => b.calls - a.calls);
  return {
    event,
    scopes,
    writes,
    identityCenter: {
      actual: sumOf(actual, IDENTITY_CENTER_OPERATIONS),
      minimum: sumOf(minimum, IDENTITY_CENTER_OPERATIONS),
    },
    organizations: {
      actual: sumOf(actual, ORGANIZATIONS_OPERATIONS),
      minimum: sumOf(minimum, ORGANIZATIONS_OPERATIONS),
    },
    operations,
    excess,
  };
};

/** Runs every event kind against its own fresh 1,000-account organization. */
export async function benchApiCalls(): Promise<ApiCallsRow[]> {
  const world = largeWorld({ withAssignments: true });
  const usesTags = needsOf(world.rules).usesAccountTags;
  const newAccount = '299999999990';
  /** The minimum for one account reconcile: the directory reads, the account's own reads, its writes. */
  const accountReconcileMinimum =
    (before: Snapshot, accountId: string) =>
    (w: { created: number; deleted: number }): Counts => {
      const counts: Counts = {};
      directoryMinimum(counts, before, world.rules, true);
      accountMinimum(counts, before, accountId, usesTags);
      writesMinimum(counts, w.created, w.deleted);
      return counts;
    };
  const scenarios: Scenario[] = [
    [
      {
        event: 'account vended: CreateAccountResult (into the root)',
        run: async (system, before) => {
          system.emulator.world.createAccount({ id: newAccount, name: 'vended', email: 'vended@example.com' });
          await system.deliver(createAccountResultEvent(newAccount));
          const drained = await system.drain();
          return {
            scopes: drained.records,
            minimum: accountReconcileMinimum(before, newAccount),
          };
        },
      },
      {
        event: 'account vended: then MoveAccount to /Workloads/Prod',
        run: async (system, before) => {
          system.emulator.world.moveAccount(newAccount, world.ous.prod);
          await system.deliver(moveAccountEvent(newAccount, ROOT_ID, world.ous.prod));
          const drained = await system.drain();
          return {
            scopes: drained.records,
            minimum: accountReconcileMinimum(before, newAccount),
          };
        },
      },
    ],
    [
      {
        event: 'account moved: /Workloads/NonProd to /Workloads/Prod',
        run: async (system, before) => {
          system.emulator.world.moveAccount(world.movableAccountId, world.ous.prod);
          await system.deliver(moveAccountEvent(world.movableAccountId, world.ous.nonProd, world.ous.prod));
          const drained = await system.drain();
          return {
            scopes: drained.records,
            minimum: accountReconcileMinimum(before, world.movableAccountId),
          };
        },
      },
    ],
    [
      {
        event: 'user disabled: DisableUser (offboarding)',
        run: async (system, before) => {
          system.emulator.world.updateUser(world.alice.id, { active: false });
          await system.deliver(disableUserEvent(IDENTITY_STORE_ID, world.alice.id));
          const drained = await system.drain();
          return {
            scopes: drained.records,
            minimum: (w) => {
              const counts: Counts = {};
              const direct = before.assignments.filter((a) => a.principalId === world.alice.id).length;
              add(counts, 'DescribeUser', 1);
              add(counts, 'ListAccountAssignmentsForPrincipal', pages(direct));
              add(counts, 'ListGroupMembershipsForMember', 1);
              // Protection is checked by name: the permission-set names and the protected groups' ids.
              add(counts, 'ListPermissionSets', pages(before.permissionSets.length));
              add(counts, 'DescribePermissionSet', before.permissionSets.length);
              add(counts, 'GetGroupId', 1);
              writesMinimum(counts, w.created, w.deleted);
              return counts;
            },
          };
        },
      },
    ],
    [
      {
        event: 'rules changed: one rule added, 1,000 accounts',
        run: async (system, before) => {
          system.putRules(world.changedRules);
          await system.deliver(parameterChangeEvent(world.changedRules.name));
          const drained = await system.drain();
          return {
            scopes: drained.records,
            minimum: (w) => {
              const counts: Counts = {};
              add(counts, 'ListAccounts', pages(before.accounts.length));
              directoryMinimum(counts, before, world.changedRules, true);
              for (const a of before.accounts) {
                if (a.id !== MANAGEMENT_ACCOUNT_ID && a.status === 'ACTIVE')
                  accountMinimum(counts, before, a.id, usesTags);
              }
              writesMinimum(counts, w.created, w.deleted);
              return counts;
            },
          };
        },
      },
    ],
  ];

  const rows: ApiCallsRow[] = [];
  for (const scenario of scenarios) {
    const system = await startBenchSystem({
      snapshot: world.snapshot,
      rules: [world.rules],
      timeScale: 200,
      assignmentLatencyMs: LATENCY_MS,
      quotas: false,
      pageSize: PAGE_SIZE,
      topology: DEPLOYED_TOPOLOGY,
    });
    try {
      for (const step of scenario) {
        const before = system.emulator.world.exportSnapshot();
        system.emulator.resetStats();
        const from = system.published.length;
        const { scopes, minimum } = await step.run(system, before);
        const writes = countWrites(system, from);
        const actual = system.emulator.stats().calls;
        rows.push(row(step.event, scopes, actual, minimum(writes), writes.created + writes.deleted));
      }
    } finally {
      await system.close();
    }
  }
  return rows;
}

export const printApiCalls = (rows: readonly ApiCallsRow[]): void => {
  printTable(
    ['event', 'scopes', 'writes', 'IdC calls', 'IdC min', 'IdC excess', 'Orgs calls', 'Orgs min', 'largest excess'],
    rows.map((r) => [
      r.event,
      String(r.scopes),
      String(r.writes),
      String(r.identityCenter.actual),
      String(r.identityCenter.minimum),
      `${r.identityCenter.actual - r.identityCenter.minimum}`,
      String(r.organizations.actual),
      String(r.organizations.minimum),
      r.excess
        .slice(0, 2)
        .map((e) => `${e.operation} +${e.calls}`)
        .join(', '),
    ]),
  );
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchApiCalls();
  printApiCalls(rows);
  for (const r of rows) console.log(r.event, JSON.stringify(r.operations));
}

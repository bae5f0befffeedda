import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { evaluate } from '../shared/domain/evaluate.js';
import type {
  Account,
  AccountAssignment,
  Group,
  OrganizationalUnit,
  OrganizationView,
  PermissionSet,
  User,
} from '../shared/domain/model.js';
import { assignmentKey } from '../shared/domain/model.js';
import { plan } from '../shared/domain/plan.js';
import type { AssignmentRule, RuleSet } from '../shared/domain/rules/schema.js';

/**
 * Planning benchmark: generates organizations of realistic shape (OU trees up to five levels,
 * OU-, tag-, user- and attribute-targeted rules, actual assignments that are mostly in line with
 * small drift and unmanaged extras) and times a whole-organization `plan`, evaluation included.
 *
 * Run directly with `npx tsx bench/planning.ts`.
 */

export interface PlanningBenchResult {
  readonly name: string;
  readonly accounts: number;
  readonly rules: number;
  readonly users: number;
  readonly ms: number;
}

export interface Shape {
  readonly name: string;
  readonly accounts: number;
  readonly ous: number;
  readonly rules: number;
  readonly users: number;
  readonly groups: number;
  readonly seed: number;
}

export const SHAPES: readonly Shape[] = [
  { name: '1k accounts', accounts: 1_000, ous: 40, rules: 100, users: 500, groups: 60, seed: 1 },
  { name: '10k accounts', accounts: 10_000, ous: 200, rules: 500, users: 2_000, groups: 300, seed: 2 },
];
const RUNS = 7;
const ENVS = ['prod', 'staging', 'dev', 'sandbox'];
const TEAMS = ['payments', 'search', 'data', 'platform', 'identity', 'mobile', 'web', 'ml'];
const TITLES = ['SRE', 'SWE', 'Analyst', 'Manager', 'Architect', 'Designer', 'Data Scientist', 'Support'];
const DEPARTMENTS = ['Engineering', 'Finance', 'Security', 'Operations', 'Sales', 'Research'];
const PERMISSION_SETS = [
  'AdministratorAccess',
  'PowerUserAccess',
  'ReadOnlyAccess',
  'ViewOnlyAccess',
  'BillingView',
  'SecurityAudit',
  'DatabaseAdmin',
  'NetworkAdmin',
  'DataScientist',
  'BreakGlassAdmin',
];

/** Deterministic PRNG (mulberry32), so that every run plans the same organization. */
const prng = (seed: number) => {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick };
};

export interface World {
  readonly view: OrganizationView;
  readonly ruleSet: RuleSet;
  readonly actualAssignments: readonly AccountAssignment[];
}

export const generatePlanningWorld = (shape: Shape): World => {
  const rnd = prng(shape.seed);
  const root: OrganizationalUnit = { id: 'r-ab12', name: 'Root', parentId: null };
  const ous: OrganizationalUnit[] = [root];
  const depth = new Map<string, number>([[root.id, 0]]);
  const paths = new Map<string, string>([[root.id, '/']]);
  for (let i = 1; i <= shape.ous; i++) {
    // A few top-level OUs, then growth under random existing OUs, never deeper than five levels.
    let parent = i <= 8 ? root : rnd.pick(ous);
    while ((depth.get(parent.id) ?? 0) >= 5) parent = rnd.pick(ous);
    const ou = { id: `ou-ab12-${i.toString(16).padStart(8, '0')}`, name: `OU${i}`, parentId: parent.id };
    ous.push(ou);
    depth.set(ou.id, (depth.get(parent.id) ?? 0) + 1);
    const parentPath = paths.get(parent.id) ?? '/';
    paths.set(ou.id, parentPath === '/' ? `/${ou.name}` : `${parentPath}/${ou.name}`);
  }
  const nonRoot = ous.slice(1);
  const accounts: Account[] = [];
  for (let i = 0; i < shape.accounts; i++) {
    const roll = rnd.next();
    accounts.push({
      id: String(100_000_000_000 + i),
      name: `account-${i}`,
      email: `aws+${i}@example.com`,
      status: roll < 0.97 ? 'ACTIVE' : roll < 0.99 ? 'SUSPENDED' : 'PENDING_CLOSURE',
      parentId: i === 0 ? root.id : rnd.pick(nonRoot).id,
      tags: { env: rnd.pick(ENVS), team: rnd.pick(TEAMS) },
    });
  }
  const permissionSets: PermissionSet[] = PERMISSION_SETS.map((name, i) => ({
    arn: `arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-${i.toString(16).padStart(16, '0')}`,
    name,
  }));
  const groups: Group[] = [];
  for (let i = 0; i < shape.groups; i++) groups.push({ id: `group-${i}`, displayName: `Team ${i}` });
  const users: User[] = [];
  for (let i = 0; i < shape.users; i++) {
    users.push({
      id: `user-${i}`,
      userName: `user${i}@example.com`,
      active: rnd.next() < 0.97,
      title: rnd.pick(TITLES),
      department: rnd.pick(DEPARTMENTS),
      costCenter: `CC${rnd.int(50)}`,
    });
  }

  const grantable = PERMISSION_SETS.slice(0, -1);
  const somePermissionSets = () =>
    rnd.next() < 0.7 ? [rnd.pick(grantable)] : [rnd.pick(grantable), rnd.pick(grantable)];
  const ouRef = (ou: OrganizationalUnit) => (rnd.next() < 0.5 ? (paths.get(ou.id) ?? ou.id) : ou.id);
  const assignments: AssignmentRule[] = [];
  for (let i = 0; i < shape.rules; i++) {
    const roll = rnd.next();
    const id = `rule-${i}`;
    const permissionSets = [...new Set(somePermissionSets())];
    if (roll < 0.55) {
      assignments.push({
        id,
        principals: [{ group: rnd.pick(groups).displayName }],
        permissionSets,
        targets: { organizationalUnits: [ouRef(rnd.pick(nonRoot))] },
      });
    } else if (roll < 0.56) {
      assignments.push({
        id,
        principals: [{ group: rnd.pick(groups).displayName }],
        permissionSets: ['ReadOnlyAccess'],
        targets: { organizationalUnits: ['/'], exclude: { organizationalUnits: [ouRef(rnd.pick(nonRoot))] } },
      });
    } else if (roll < 0.77) {
      assignments.push({
        id,
        principals: [{ group: rnd.pick(groups).displayName }, { group: rnd.pick(groups).displayName }],
        permissionSets,
        targets: { organizationalUnits: [ouRef(rnd.pick(nonRoot))], accountTags: { env: ['prod', 'staging'] } },
      });
    } else if (roll < 0.9) {
      assignments.push({
        id,
        principals: [{ user: rnd.pick(users).userName }],
        permissionSets,
        targets: { accounts: Array.from({ length: 1 + rnd.int(5) }, () => rnd.pick(accounts).id) },
      });
    } else {
      assignments.push({
        id,
        principals: [
          {
            users: {
              where: { title: rnd.pick(TITLES), department: rnd.pick(DEPARTMENTS), costCenter: `CC${rnd.int(50)}` },
            },
          },
        ],
        permissionSets,
        targets: { organizationalUnits: [ouRef(rnd.pick(nonRoot))] },
      });
    }
  }
  const ruleSet: RuleSet = {
    settings: {
      managedPermissionSets: grantable,
      protected: { permissionSets: ['BreakGlassAdmin'], principals: [{ group: 'Team 0' }], accounts: [] },
      // Out of reach, so that the benchmark times the whole delete path rather than a guard trip.
      revocationGuard: { maxPerRun: Number.MAX_SAFE_INTEGER },
      mode: 'enforce',
      offboarding: { onUserDisabled: true, removeGroupMemberships: true },
      includeManagementAccount: false,
    },
    assignments,
    memberships: [
      { id: 'eng', where: { department: 'Engineering' }, groups: ['Team 1'], policy: 'authoritative' },
      { id: 'sre', where: { title: 'SRE' }, groups: ['Team 2'], policy: 'additive' },
    ],
    sources: {},
  };

  const view: OrganizationView = {
    managementAccountId: accounts[0]?.id ?? '100000000000',
    organizationalUnits: ous,
    accounts,
    permissionSets,
    groups,
    users,
    groupMemberships: [],
  };

  // Actual state: most of what the rules want, some drift, and unmanaged extras.
  const desired = evaluate(ruleSet, view).assignments;
  const actual = new Map<string, AccountAssignment>();
  for (const d of desired) {
    if (rnd.next() < 0.97) {
      const { accountId, permissionSetArn, principalType, principalId } = d;
      actual.set(assignmentKey(d), { accountId, permissionSetArn, principalType, principalId });
    }
  }
  const extras = Math.round(shape.accounts * 0.3);
  for (let i = 0; i < extras; i++) {
    const a: AccountAssignment = {
      accountId: rnd.pick(accounts).id,
      permissionSetArn: rnd.pick(permissionSets).arn,
      principalType: 'GROUP',
      principalId: rnd.pick(groups).id,
    };
    actual.set(assignmentKey(a), a);
  }
  return { view, ruleSet, actualAssignments: [...actual.values()] };
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const time = (run: () => unknown): number => {
  run();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return Math.round(median(samples) * 10) / 10;
};

/**
 * Times whole-organization planning for each shape (median of several runs after a warm-up),
 * plus one account-scope plan of the largest shape, which is what a worker reconcile costs.
 */
export async function benchPlanning(): Promise<PlanningBenchResult[]> {
  const results: PlanningBenchResult[] = [];
  let largest: World | undefined;
  for (const shape of SHAPES) {
    const world = generatePlanningWorld(shape);
    largest = world;
    const ms = time(() =>
      plan({
        ruleSet: world.ruleSet,
        view: world.view,
        actualAssignments: world.actualAssignments,
        actualMemberships: [],
      }),
    );
    results.push({ name: `plan, ${shape.name}`, accounts: shape.accounts, rules: shape.rules, users: shape.users, ms });
  }
  if (largest !== undefined) {
    const world = largest;
    const accountId = world.view.accounts[1]?.id ?? '';
    const shape = SHAPES[SHAPES.length - 1] as Shape;
    const ms = time(() =>
      plan({
        ruleSet: world.ruleSet,
        view: world.view,
        actualAssignments: world.actualAssignments.filter((a) => a.accountId === accountId),
        actualMemberships: [],
        accountIds: new Set([accountId]),
      }),
    );
    results.push({
      name: `plan, one account of ${shape.name}`,
      accounts: shape.accounts,
      rules: shape.rules,
      users: shape.users,
      ms,
    });
  }
  return results;
}

const printTable = (rows: readonly PlanningBenchResult[]): void => {
  const header = ['benchmark', 'accounts', 'rules', 'users', 'median ms'];
  const cells = rows.map((r) => [r.name, String(r.accounts), String(r.rules), String(r.users), r.ms.toFixed(1)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]) =>
    c.map((v, i) => (i === 0 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizes = SHAPES.map((shape) => {
    const world = generatePlanningWorld(shape);
    return `${shape.name}: ${world.view.organizationalUnits.length - 1} OUs, ${world.actualAssignments.length} actual assignments`;
  });
  console.log(sizes.join('\n'));
  printTable(await benchPlanning());
}

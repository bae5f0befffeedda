import { evaluate } from '../../shared/domain/evaluate.js';
import { loadRuleSet } from '../../shared/domain/rules/load.js';
import { type Snapshot, snapshotView } from '../../shared/domain/snapshot.js';

/**
 * The organizations the throughput and API-call benchmarks run against. Ids follow AWS's shapes
 * (12-digit accounts, `ou-` ids, UUID principal ids) because the event parsers check them.
 */

export const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-0123456789abcdef';
export const IDENTITY_STORE_ID = 'd-0123456789';
export const MANAGEMENT_ACCOUNT_ID = '111111111111';
export const ROOT_ID = 'r-ab12';
export const RULES_PATH = '/idc-lifecycle/rules/';

/** A rules document as stored in SSM: its full parameter name and its JSON text. */
export interface RulesDocument {
  readonly name: string;
  readonly value: string;
}

const uuid = (prefix: string, n: number): string =>
  `${prefix}${n.toString(16).padStart(4, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const permissionSetArn = (n: number): string =>
  `arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-${n.toString(16).padStart(16, '0')}`;
const ouId = (n: number): string => `ou-ab12-${n.toString(16).padStart(8, '0')}`;
const accountId = (n: number): string => String(200_000_000_000 + n);

const emptySnapshot = (): Snapshot => ({
  instanceArn: INSTANCE_ARN,
  identityStoreId: IDENTITY_STORE_ID,
  managementAccountId: MANAGEMENT_ACCOUNT_ID,
  organizationalUnits: [{ id: ROOT_ID, name: 'Root', parentId: null }],
  accounts: [
    {
      id: MANAGEMENT_ACCOUNT_ID,
      name: 'management',
      email: 'management@example.com',
      status: 'ACTIVE',
      parentId: ROOT_ID,
      tags: {},
    },
  ],
  permissionSets: [],
  groups: [],
  users: [],
  groupMemberships: [],
  assignments: [],
});

const account = (n: number, parentId: string, tags: Record<string, string> = {}): Snapshot['accounts'][number] => ({
  id: accountId(n),
  name: `account-${n}`,
  email: `aws+${n}@example.com`,
  status: 'ACTIVE',
  parentId,
  tags,
});

const document = (name: string, body: unknown): RulesDocument => ({
  name: `${RULES_PATH}${name}`,
  value: JSON.stringify(body, null, 1),
});

/**
 * The published anchor (aws-samples/aws-iam-identity-center-extensions, docs/documentation/Scaling.md):
 * one OU of 60 accounts, five OU-scope assignments created and then deleted, "1200 account
 * assignment operations (600 create, 600 delete)". 600 creates over 60 accounts is ten per
 * account, so each of the five rules grants its permission set to two groups.
 */
export const ANCHOR = { accounts: 60, rules: 5, principalsPerRule: 2 } as const;

export interface AnchorWorld {
  readonly snapshot: Snapshot;
  /** Phase A: the five rules. */
  readonly createRules: RulesDocument;
  /** Phase B: no rule left, the five permission sets still managed, so every assignment is drift. */
  readonly deleteRules: RulesDocument;
  /** Phase 0: the rules in force before the run (managed sets, no assignment rule). */
  readonly initialRules: RulesDocument;
  readonly operations: number;
}

export const anchorWorld = (): AnchorWorld => {
  const snapshot = emptySnapshot();
  const ou = ouId(1);
  // An empty OU: the engine refuses a rule set without rules (never "revoke everything"), so the
  // phases without anchor rules keep one rule that selects no account.
  snapshot.organizationalUnits.push(
    { id: ou, name: 'Anchor', parentId: ROOT_ID },
    { id: ouId(2), name: 'Parked', parentId: ROOT_ID },
  );
  for (let i = 0; i < ANCHOR.accounts; i++) snapshot.accounts.push(account(i, ou));
  const names: string[] = [];
  for (let p = 0; p < ANCHOR.rules; p++) {
    names.push(`AnchorSet${p + 1}`);
    snapshot.permissionSets.push({ arn: permissionSetArn(p + 1), name: `AnchorSet${p + 1}` });
    for (let g = 0; g < ANCHOR.principalsPerRule; g++) {
      const n = p * ANCHOR.principalsPerRule + g + 1;
      snapshot.groups.push({ id: uuid('9a00', n), displayName: `Anchor Team ${n}` });
    }
  }
  const settings = {
    managedPermissionSets: names,
    // The guard counts a run's revocations as a whole (docs/design.md §1): phase B's 600 deletions
    // are one run, intended, so the guard is set to let them through rather than hold them.
    revocationGuard: { maxPerRun: 2 * ANCHOR.accounts * ANCHOR.rules * ANCHOR.principalsPerRule },
    mode: 'enforce',
  };
  const rules = names.map((name, p) => ({
    id: `anchor-${p + 1}`,
    principals: Array.from({ length: ANCHOR.principalsPerRule }, (_, g) => ({
      group: `Anchor Team ${p * ANCHOR.principalsPerRule + g + 1}`,
    })),
    permissionSets: [name],
    targets: { organizationalUnits: ['/Anchor'] },
  }));
  const keepAlive = {
    id: 'parked',
    principals: [{ group: 'Anchor Team 1' }],
    permissionSets: [names[0]],
    targets: { organizationalUnits: ['/Parked'] },
  };
  const doc = (assignments: unknown[]) =>
    document('anchor', { version: 1, settings, assignments: [keepAlive, ...assignments] });
  return {
    snapshot,
    initialRules: doc([]),
    createRules: doc(rules),
    deleteRules: doc([]),
    operations: 2 * ANCHOR.accounts * ANCHOR.rules * ANCHOR.principalsPerRule,
  };
};

/**
 * A 1,000-account organization: /Workloads/Prod (400), /Workloads/NonProd (400), /Sandbox (150),
 * /Security (50), with about three assignments per account from six group rules, one tag rule and
 * one user rule (the user `alice@example.com`, for the offboarding event).
 */
export interface LargeWorld {
  readonly snapshot: Snapshot;
  readonly rules: RulesDocument;
  /** `rules` plus one rule granting DataScientist to a group on /Workloads/Prod (400 accounts). */
  readonly changedRules: RulesDocument;
  readonly ous: {
    readonly prod: string;
    readonly nonProd: string;
    readonly sandbox: string;
    readonly security: string;
  };
  readonly alice: { readonly id: string; readonly userName: string };
  /** A NonProd account, for the "account moved" event. */
  readonly movableAccountId: string;
}

const LARGE_PERMISSION_SETS = [
  'AdministratorAccess',
  'PowerUserAccess',
  'ReadOnlyAccess',
  'ViewOnlyAccess',
  'SecurityAudit',
  'DataScientist',
  'BreakGlassAdmin',
];

/**
 * A 1,000-account organization (times `scale`): 400 Prod, 400 NonProd, 150 Sandbox, 50 Security
 * accounts, seven group and user rules; `changedRules` adds a rule on /Workloads/Prod (40% of
 * the accounts).
 */
export const largeWorld = (options: { readonly withAssignments: boolean; readonly scale?: number }): LargeWorld => {
  const scale = options.scale ?? 1;
  const snapshot = emptySnapshot();
  const workloads = ouId(10);
  const ous = { prod: ouId(11), nonProd: ouId(12), sandbox: ouId(13), security: ouId(14) };
  snapshot.organizationalUnits.push(
    { id: workloads, name: 'Workloads', parentId: ROOT_ID },
    { id: ous.prod, name: 'Prod', parentId: workloads },
    { id: ous.nonProd, name: 'NonProd', parentId: workloads },
    { id: ous.sandbox, name: 'Sandbox', parentId: ROOT_ID },
    { id: ous.security, name: 'Security', parentId: ROOT_ID },
  );
  let n = 1000;
  const add = (count: number, parentId: string, tags: (i: number) => Record<string, string>) => {
    for (let i = 0; i < count; i++) snapshot.accounts.push(account(n++, parentId, tags(i)));
  };
  add(400 * scale, ous.prod, (i) => ({ env: 'prod', tier: i % 10 === 0 ? 'critical' : 'standard' }));
  add(400 * scale, ous.nonProd, () => ({ env: 'dev' }));
  add(150 * scale, ous.sandbox, () => ({ env: 'sandbox' }));
  add(50 * scale, ous.security, () => ({ env: 'prod' }));
  LARGE_PERMISSION_SETS.forEach((name, i) => {
    snapshot.permissionSets.push({ arn: permissionSetArn(100 + i), name });
  });
  const groupNames = ['Auditors', 'Platform Admins', 'Developers', 'Prod Support', 'Security Team', 'Sandbox Owners'];
  groupNames.forEach((displayName, i) => {
    snapshot.groups.push({ id: uuid('9b00', i + 1), displayName });
  });
  snapshot.groups.push(
    { id: uuid('9b00', 50), displayName: 'Data Scientists' },
    { id: uuid('9b00', 51), displayName: 'BreakGlass' },
  );
  const alice = { id: uuid('7a00', 1), userName: 'alice@example.com' };
  snapshot.users.push(
    { id: alice.id, userName: alice.userName, displayName: 'Alice', active: true, title: 'SRE' },
    { id: uuid('7a00', 2), userName: 'bob@example.com', displayName: 'Bob', active: true, title: 'SWE' },
  );
  const aliceAccounts = snapshot.accounts
    .filter((a) => a.parentId === ous.prod)
    .slice(0, 5)
    .map((a) => a.id);

  const settings = {
    managedPermissionSets: LARGE_PERMISSION_SETS.filter((p) => p !== 'BreakGlassAdmin'),
    protected: { permissionSets: ['BreakGlassAdmin'], principals: [{ group: 'BreakGlass' }] },
    revocationGuard: { maxPerRun: 25 },
    mode: 'enforce',
    offboarding: { onUserDisabled: true, removeGroupMemberships: true },
  };
  const assignments = [
    {
      id: 'auditors',
      principals: [{ group: 'Auditors' }],
      permissionSets: ['ReadOnlyAccess'],
      targets: { organizationalUnits: ['/'] },
    },
    {
      id: 'platform',
      principals: [{ group: 'Platform Admins' }],
      permissionSets: ['AdministratorAccess'],
      targets: { organizationalUnits: ['/Workloads'] },
    },
    {
      id: 'developers',
      principals: [{ group: 'Developers' }],
      permissionSets: ['PowerUserAccess'],
      targets: { organizationalUnits: ['/Workloads/NonProd', '/Sandbox'] },
    },
    {
      id: 'prod-support',
      principals: [{ group: 'Prod Support' }],
      permissionSets: ['ViewOnlyAccess'],
      targets: { organizationalUnits: ['/Workloads/Prod'] },
    },
    {
      id: 'security',
      principals: [{ group: 'Security Team' }],
      permissionSets: ['SecurityAudit'],
      targets: { accountTags: { env: ['prod'] } },
    },
    {
      id: 'sandbox-owners',
      principals: [{ group: 'Sandbox Owners' }],
      permissionSets: ['AdministratorAccess'],
      targets: { organizationalUnits: ['/Sandbox'] },
    },
    {
      id: 'alice-oncall',
      principals: [{ user: alice.userName }],
      permissionSets: ['AdministratorAccess'],
      targets: { accounts: aliceAccounts },
    },
  ];
  const changed = [
    ...assignments,
    {
      id: 'data',
      principals: [{ group: 'Data Scientists' }],
      permissionSets: ['DataScientist'],
      targets: { organizationalUnits: ['/Workloads/Prod'] },
    },
  ];
  const rules = document('org', { version: 1, settings, assignments });
  const changedRules = document('org', { version: 1, settings, assignments: changed });
  if (options.withAssignments) snapshot.assignments.push(...desiredAssignments(snapshot, rules));
  const movable = snapshot.accounts.find((a) => a.parentId === ous.nonProd);
  return { snapshot, rules, changedRules, ous, alice, movableAccountId: movable?.id ?? '' };
};

/** What the rules want in `snapshot`, by the project's own evaluation: a steady state to start from. */
export const desiredAssignments = (snapshot: Snapshot, rules: RulesDocument): Snapshot['assignments'] => {
  const loaded = loadRuleSet([{ name: rules.name, text: rules.value }]);
  if (!loaded.ok) throw new Error(`bench rules do not load: ${loaded.issues.map((i) => i.message).join('; ')}`);
  return evaluate(loaded.ruleSet, snapshotView(snapshot)).assignments.map((a) => ({
    accountId: a.accountId,
    permissionSetArn: a.permissionSetArn,
    principalType: a.principalType,
    principalId: a.principalId,
  }));
};

import fc from 'fast-check';
import type {
  Account,
  AccountAssignment,
  AccountStatus,
  Group,
  GroupMembership,
  OrganizationalUnit,
  OrganizationView,
  PermissionSet,
  User,
} from '../../shared/domain/model.js';
import { assignmentKey, membershipKey } from '../../shared/domain/model.js';
import type { Plan } from '../../shared/domain/plan-types.js';
import type {
  AssignmentRule,
  AttributeSelector,
  MembershipRule,
  PrincipalRef,
  RuleSet,
  Targets,
} from '../../shared/domain/rules/schema.js';
import { defaultSettings } from './org-builder.js';

/**
 * fast-check arbitraries for whole worlds (organization, rules, actual assignments and
 * memberships) small enough to shrink well and varied enough to hit every policy branch:
 * nested OUs, suspended accounts, unread tags, disabled users, deleted principals, unknown names
 * in rules, protected things and the management account.
 */
export interface GeneratedWorld {
  readonly view: OrganizationView;
  readonly ruleSet: RuleSet;
  readonly actualAssignments: readonly AccountAssignment[];
  readonly actualMemberships: readonly GroupMembership[];
}

export const PERMISSION_SET_NAMES = ['AdministratorAccess', 'ReadOnlyAccess', 'BillingView', 'BreakGlassAdmin'];
export const GROUP_NAMES = ['Platform', 'Auditors', 'Developers', 'BreakGlass'];
/** Names that never exist, so that rules can hold unresolved references. */
export const GHOSTS = {
  ou: '/Ghost',
  ouId: 'ou-ab12-deadbeef',
  account: '999999999999',
  group: 'GhostGroup',
  user: 'ghost@example.com',
  permissionSet: 'GhostAccess',
} as const;
/** Ids of principals that hold assignments but no longer exist. */
export const DELETED_PRINCIPAL_IDS = { group: 'group-deleted', user: 'user-deleted' } as const;

const TITLES = ['SRE', 'SWE', 'Analyst'];
const DEPARTMENTS = ['Engineering', 'Finance'];
const ENVS = ['prod', 'staging', 'dev'];
const ROOT_ID = 'r-ab12';
const PS_PREFIX = 'arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-';

/** About one draw in ten: unresolved references are rare enough that most rules resolve. */
const rarely = fc.constantFrom(false, false, false, false, false, false, false, false, false, true);

const pick = <T>(items: readonly T[], n: number): T => items[n % items.length] as T;

const rawOu = fc.nat();
const rawAccount = fc.record({
  parent: fc.nat(),
  status: fc.constantFrom<AccountStatus>(
    'ACTIVE',
    'ACTIVE',
    'ACTIVE',
    'ACTIVE',
    'ACTIVE',
    'SUSPENDED',
    'PENDING_CLOSURE',
  ),
  env: fc.option(fc.constantFrom(...ENVS), { nil: undefined }),
  tagsRead: fc.constantFrom(true, true, true, true, true, true, true, true, true, false),
});
const rawUser = fc.record({
  title: fc.constantFrom(...TITLES),
  department: fc.constantFrom(...DEPARTMENTS),
  active: fc.constantFrom(true, true, true, false),
});
const selector: fc.Arbitrary<AttributeSelector> = fc.oneof(
  fc.record({ title: fc.constantFrom(...TITLES) }),
  fc.record({ department: fc.subarray(DEPARTMENTS, { minLength: 1 }) }),
  fc.record({ title: fc.subarray(TITLES, { minLength: 1 }), department: fc.constantFrom(...DEPARTMENTS) }),
);
/** A reference by index, resolved against the generated organization at build time. */
const rawPrincipal = fc.oneof(
  fc.record({ kind: fc.constant('group' as const), n: fc.nat(), ghost: rarely }),
  fc.record({ kind: fc.constant('user' as const), n: fc.nat(), ghost: rarely }),
  fc.record({ kind: fc.constant('users' as const), where: selector }),
);
const rawOuRef = fc.record({
  form: fc.oneof(
    { weight: 18, arbitrary: fc.constantFrom('path', 'id', 'root') },
    { weight: 1, arbitrary: fc.constantFrom('ghost-path', 'ghost-id') },
  ),
  n: fc.nat(),
});
const rawAccountRef = fc.record({ n: fc.nat(), ghost: rarely });
/** `undefined` `absent` times out of `absent + 1`, otherwise a value. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, absent: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: absent, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
const rawTargets = fc.record({
  organizationalUnits: sometimes(fc.array(rawOuRef, { maxLength: 2 }), 1),
  accounts: sometimes(fc.array(rawAccountRef, { maxLength: 2 }), 2),
  accountTags: sometimes(fc.subarray(ENVS, { minLength: 1 }), 3),
  excludeOus: sometimes(fc.array(rawOuRef, { maxLength: 1 }), 3),
  excludeAccounts: sometimes(fc.array(rawAccountRef, { maxLength: 1 }), 3),
});
const rawAssignmentRule = fc.record({
  principals: fc.array(rawPrincipal, { minLength: 1, maxLength: 2 }),
  permissionSets: fc.subarray(PERMISSION_SET_NAMES.slice(0, 3), { minLength: 1, maxLength: 2 }),
  ghostPermissionSet: rarely,
  targets: rawTargets,
});
const rawMembershipRule = fc.record({
  where: selector,
  groups: fc.subarray(GROUP_NAMES.slice(0, 3), { minLength: 1, maxLength: 2 }),
  ghostGroup: rarely,
  policy: fc.constantFrom<'additive' | 'authoritative'>('additive', 'authoritative'),
});
const rawSettings = fc.record({
  managed: fc.oneof(
    fc.constant(undefined),
    fc.constant('all' as const),
    fc.constant(['AdministratorAccess', 'ReadOnlyAccess', 'BillingView', GHOSTS.permissionSet]),
    fc.subarray([...PERMISSION_SET_NAMES, GHOSTS.permissionSet], { minLength: 2 }),
  ),
  protectedPermissionSets: fc.oneof(
    fc.constant<string[]>(['BreakGlassAdmin']),
    fc.constant<string[]>([]),
    fc.subarray(PERMISSION_SET_NAMES, { maxLength: 1 }),
  ),
  protectedGroups: fc.oneof(
    fc.constant<string[]>(['BreakGlass']),
    fc.constant<string[]>([]),
    fc.subarray([...GROUP_NAMES, GHOSTS.group], { maxLength: 1 }),
  ),
  protectedUsers: fc.array(fc.nat(), { maxLength: 1 }),
  protectedAccounts: fc.array(fc.nat(), { maxLength: 1 }),
  includeManagementAccount: fc.boolean(),
  maxPerRun: fc.nat({ max: 6 }),
  maxFraction: fc.option(fc.double({ min: 0.05, max: 1, noNaN: true }), { nil: undefined }),
});

export interface WorldOptions {
  /** `false` sets the revocation guard out of reach, for convergence properties. Default true. */
  readonly guard?: boolean;
}

/**
 * @example
 * fc.assert(fc.property(worldArbitrary({ guard: false }), (world) => { … }));
 */
export const worldArbitrary = (options: WorldOptions = {}): fc.Arbitrary<GeneratedWorld> =>
  fc
    .record({
      ous: fc.array(rawOu, { maxLength: 6 }),
      accounts: fc.array(rawAccount, { minLength: 2, maxLength: 10 }),
      users: fc.array(rawUser, { minLength: 1, maxLength: 5 }),
      assignmentRules: fc.array(rawAssignmentRule, { maxLength: 4 }),
      membershipRules: fc.array(rawMembershipRule, { maxLength: 2 }),
      settings: rawSettings,
      assignments: fc.array(fc.record({ account: fc.nat(), ps: fc.nat(), principal: fc.nat() }), { maxLength: 25 }),
      memberships: fc.array(fc.record({ group: fc.nat(), user: fc.nat() }), { maxLength: 10 }),
    })
    .map((raw) => {
      const organizationalUnits: OrganizationalUnit[] = [{ id: ROOT_ID, name: 'Root', parentId: null }];
      raw.ous.forEach((parent, i) => {
        organizationalUnits.push({
          id: `ou-ab12-${String(i + 1).padStart(8, '0')}`,
          name: `OU${i + 1}`,
          parentId: pick(organizationalUnits, parent).id,
        });
      });
      const accounts: Account[] = raw.accounts.map((a, i) => {
        const tags: Record<string, string> | undefined = a.tagsRead
          ? a.env === undefined
            ? {}
            : { env: a.env }
          : undefined;
        return {
          id: `2000000000${String(i).padStart(2, '0')}`,
          name: `account-${i}`,
          email: `aws+${i}@example.com`,
          status: a.status,
          parentId: pick(organizationalUnits, a.parent).id,
          ...(tags === undefined ? {} : { tags }),
        };
      });
      const permissionSets: PermissionSet[] = PERMISSION_SET_NAMES.map((name, i) => ({
        arn: `${PS_PREFIX}${String(i).padStart(16, '0')}`,
        name,
      }));
      const groups: Group[] = GROUP_NAMES.map((displayName, i) => ({ id: `group-${i}`, displayName }));
      const users: User[] = raw.users.map((u, i) => ({ id: `user-${i}`, userName: `user${i}@example.com`, ...u }));
      const managementAccountId = (accounts[0] as Account).id;

      const ouRef = (r: { form: string; n: number }): string => {
        if (r.form === 'root') return '/';
        if (r.form === 'ghost-path') return GHOSTS.ou;
        if (r.form === 'ghost-id') return GHOSTS.ouId;
        const ou = pick(organizationalUnits, r.n);
        return r.form === 'id' ? ou.id : ouPath(organizationalUnits, ou.id);
      };
      const accountRef = (r: { n: number; ghost: boolean }): string =>
        r.ghost ? GHOSTS.account : pick(accounts, r.n).id;

      const assignments: AssignmentRule[] = raw.assignmentRules.map((r, i) => {
        const principals: PrincipalRef[] = r.principals.map((p) => {
          if (p.kind === 'group') return { group: p.ghost ? GHOSTS.group : pick(GROUP_NAMES, p.n) };
          if (p.kind === 'user') return { user: p.ghost ? GHOSTS.user : pick(users, p.n).userName };
          return { users: { where: p.where } };
        });
        const t = r.targets;
        const exclude =
          t.excludeOus === undefined && t.excludeAccounts === undefined
            ? undefined
            : {
                ...(t.excludeOus === undefined ? {} : { organizationalUnits: t.excludeOus.map(ouRef) }),
                ...(t.excludeAccounts === undefined ? {} : { accounts: t.excludeAccounts.map(accountRef) }),
              };
        const targets: Targets = {
          ...(t.organizationalUnits === undefined ? {} : { organizationalUnits: t.organizationalUnits.map(ouRef) }),
          ...(t.accounts === undefined ? {} : { accounts: t.accounts.map(accountRef) }),
          ...(t.accountTags === undefined ? {} : { accountTags: { env: t.accountTags } }),
          ...(exclude === undefined ? {} : { exclude }),
        };
        const permissionSets = r.ghostPermissionSet ? [...r.permissionSets, GHOSTS.permissionSet] : r.permissionSets;
        return { id: `rule${i}`, principals, permissionSets, targets };
      });
      const memberships: MembershipRule[] = raw.membershipRules.map((r, i) => ({
        id: `membership${i}`,
        where: r.where,
        groups: r.ghostGroup ? [...r.groups, GHOSTS.group] : r.groups,
        policy: r.policy,
      }));

      const s = raw.settings;
      const settings = defaultSettings({
        managedPermissionSets: s.managed,
        protected: {
          permissionSets: s.protectedPermissionSets,
          principals: [
            ...s.protectedGroups.map((group) => ({ group })),
            ...s.protectedUsers.map((n) => ({ user: pick(users, n).userName })),
          ],
          accounts: s.protectedAccounts.map((n) => pick(accounts, n).id),
        },
        revocationGuard:
          options.guard === false
            ? { maxPerRun: Number.MAX_SAFE_INTEGER }
            : { maxPerRun: s.maxPerRun, ...(s.maxFraction === undefined ? {} : { maxFraction: s.maxFraction }) },
        includeManagementAccount: s.includeManagementAccount,
      });
      const sources: Record<string, string> = {};
      for (const r of [...assignments, ...memberships]) sources[r.id] = 'generated.yaml';

      const principalIds: { principalType: 'GROUP' | 'USER'; principalId: string }[] = [
        ...groups.map((g) => ({ principalType: 'GROUP' as const, principalId: g.id })),
        ...users.map((u) => ({ principalType: 'USER' as const, principalId: u.id })),
        { principalType: 'GROUP', principalId: DELETED_PRINCIPAL_IDS.group },
        { principalType: 'USER', principalId: DELETED_PRINCIPAL_IDS.user },
      ];
      const actualAssignments: AccountAssignment[] = raw.assignments.map((a) => ({
        accountId: pick(accounts, a.account).id,
        permissionSetArn: pick(permissionSets, a.ps).arn,
        ...pick(principalIds, a.principal),
      }));
      const actualMemberships: GroupMembership[] = raw.memberships.map((m) => ({
        groupId: pick(groups, m.group).id,
        userId: pick(users, m.user).id,
      }));

      const view: OrganizationView = {
        managementAccountId,
        organizationalUnits,
        accounts,
        permissionSets,
        groups,
        users,
        groupMemberships: actualMemberships,
      };
      return {
        view,
        ruleSet: { settings, assignments, memberships, sources },
        actualAssignments,
        actualMemberships,
      };
    });

/** The path of an OU from the root, computed by walking parents (independently of the domain code). */
export const ouPath = (ous: readonly OrganizationalUnit[], ouId: string): string => {
  const names: string[] = [];
  let current = ous.find((o) => o.id === ouId);
  while (current !== undefined && current.parentId !== null) {
    names.unshift(current.name);
    const parentId: string = current.parentId;
    current = ous.find((o) => o.id === parentId);
  }
  return `/${names.join('/')}`;
};

/** The state after applying a plan: creates added, deletes removed, memberships changed. */
export const applyPlanToWorld = (world: GeneratedWorld, plan: Plan): GeneratedWorld => {
  const assignments = new Map(world.actualAssignments.map((a) => [assignmentKey(a), a]));
  for (const d of plan.delete) assignments.delete(assignmentKey(d));
  for (const c of plan.create) {
    const { accountId, permissionSetArn, principalType, principalId } = c;
    assignments.set(assignmentKey(c), { accountId, permissionSetArn, principalType, principalId });
  }
  const memberships = new Map(world.actualMemberships.map((m) => [membershipKey(m), m]));
  for (const r of plan.memberships.remove) memberships.delete(membershipKey(r));
  for (const a of plan.memberships.add) memberships.set(membershipKey(a), { groupId: a.groupId, userId: a.userId });
  const actualMemberships = [...memberships.values()];
  return {
    ...world,
    view: { ...world.view, groupMemberships: actualMemberships },
    actualAssignments: [...assignments.values()],
    actualMemberships,
  };
};

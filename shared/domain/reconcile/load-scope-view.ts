import type { Account, Group, GroupMembership, OrganizationView, User } from '../model.js';
import type { IdentityStorePort, OrganizationsPort, SsoAdminPort } from '../ports.js';
import type { RuleSet } from '../rules/schema.js';
import type { Scope } from '../scope.js';
import { ruleNeeds } from './rule-needs.js';

export interface ScopeViewDeps {
  readonly organizations: Pick<OrganizationsPort, 'listOrganizationalUnits' | 'listAccounts' | 'describeAccount'>;
  readonly identityStore: Pick<
    IdentityStorePort,
    'getGroupIdByDisplayName' | 'getUserIdByUserName' | 'describeUser' | 'listUsers'
  >;
  readonly ssoAdmin: Pick<SsoAdminPort, 'listPermissionSets'>;
  readonly managementAccountId: string;
}

export interface ScopeViewRequest {
  readonly ruleSet: RuleSet;
  readonly scope: Exclude<Scope, { kind: 'all' }>;
  /** Principals the caller has already described (the principal of a principal scope). */
  readonly users?: readonly User[];
  readonly groups?: readonly Group[];
  /** Memberships the caller has already read for this scope. */
  readonly memberships?: readonly GroupMembership[];
  /**
   * A group scope plans the group's memberships: every user is a candidate member, so every
   * user is read when some membership rule selects by attribute.
   */
  readonly membershipCandidates?: boolean;
}

/**
 * Builds the {@link OrganizationView} one scope needs, reading as little as the rules allow: the
 * OU tree, the scope's accounts (one for an account scope, every account for a principal scope),
 * the permission sets, the groups and users the rules name (absent when they do not exist), every
 * user only when an attribute selector can pick one for this scope, and tags only when a rule
 * filters on them.
 *
 * Every read failure propagates: a view that is missing something it should hold could make the
 * planner revoke access that the rules still grant.
 *
 * @example
 * const view = await loadScopeView(deps, { ruleSet, scope: { kind: 'account', accountId: '222233334444' } });
 */
export const loadScopeView = async (deps: ScopeViewDeps, request: ScopeViewRequest): Promise<OrganizationView> => {
  const { ruleSet, scope } = request;
  const needs = ruleNeeds(ruleSet);
  const withTags = needs.usesAccountTags;
  const listEveryUser =
    (scope.kind === 'account' && needs.usesAttributeSelectors) ||
    (scope.kind === 'principal' && scope.principalType === 'GROUP' && request.membershipCandidates === true);

  const [organizationalUnits, accounts, permissionSets, allUsers, namedGroups] = await Promise.all([
    deps.organizations.listOrganizationalUnits(),
    readAccounts(deps, scope, withTags),
    deps.ssoAdmin.listPermissionSets(),
    listEveryUser ? deps.identityStore.listUsers() : undefined,
    readGroupsByName(deps, needs.groupNames),
  ]);
  const namedUsers = await readUsersByName(deps, needs.userNames, allUsers);

  return {
    managementAccountId: deps.managementAccountId,
    organizationalUnits,
    accounts,
    permissionSets,
    groups: uniqueById([...namedGroups, ...(request.groups ?? [])]),
    users: uniqueById([...(allUsers ?? []), ...namedUsers, ...(request.users ?? [])]),
    groupMemberships: request.memberships ?? [],
  };
};

export interface PrincipalRemovalViewRequest {
  readonly ruleSet: RuleSet;
  /** The principal being removed, when the directory still holds it (a disabled user). */
  readonly users?: readonly User[];
  readonly groups?: readonly Group[];
  readonly memberships?: readonly GroupMembership[];
}

/**
 * The view an offboarding (or the purge of a deleted group) plans with: the permission sets, for
 * their names and the managed and protected ones, and the protected principals, to leave them
 * alone. No account, no OU and no tag is read: which access a leaver loses is decided by the
 * leaver's own assignments, so the cost follows them (one listing, one delete each), never the
 * size of the organization.
 *
 * @example
 * const view = await loadPrincipalRemovalView(deps, { ruleSet, users: [user], memberships });
 */
export const loadPrincipalRemovalView = async (
  deps: Pick<ScopeViewDeps, 'identityStore' | 'ssoAdmin' | 'managementAccountId'>,
  request: PrincipalRemovalViewRequest,
): Promise<OrganizationView> => {
  const { protected: protections } = request.ruleSet.settings;
  const groupNames = protections.principals.flatMap((p) => ('group' in p ? [p.group] : []));
  const userNames = protections.principals.flatMap((p) => ('user' in p ? [p.user] : []));
  const [permissionSets, protectedGroups, protectedUsers] = await Promise.all([
    deps.ssoAdmin.listPermissionSets(),
    readGroupsByName(deps, groupNames),
    readUsersByName(deps, userNames, undefined),
  ]);
  return {
    managementAccountId: deps.managementAccountId,
    organizationalUnits: [],
    accounts: [],
    permissionSets,
    groups: uniqueById([...protectedGroups, ...(request.groups ?? [])]),
    users: uniqueById([...protectedUsers, ...(request.users ?? [])]),
    groupMemberships: request.memberships ?? [],
  };
};

const readAccounts = async (
  deps: ScopeViewDeps,
  scope: ScopeViewRequest['scope'],
  withTags: boolean,
): Promise<Account[]> => {
  if (scope.kind === 'principal') return deps.organizations.listAccounts({ withTags });
  const account = await deps.organizations.describeAccount(scope.accountId, { withTags });
  return account === undefined ? [] : [account];
};

/**
 * Named groups, from `GetGroupId` alone: a group's display name is unique in its identity store and
 * a group is only its id and that name here, so describing it would add a call and nothing else
 * (docs/aws-facts.md §3.2).
 */
const readGroupsByName = async (
  deps: Pick<ScopeViewDeps, 'identityStore'>,
  names: readonly string[],
): Promise<Group[]> => {
  const groups = await Promise.all(
    names.map(async (displayName): Promise<Group | undefined> => {
      const id = await deps.identityStore.getGroupIdByDisplayName(displayName);
      return id === undefined ? undefined : { id, displayName };
    }),
  );
  return groups.filter((g): g is Group => g !== undefined);
};

/** Named users; when every user was listed anyway, they are taken from that list. */
const readUsersByName = async (
  deps: Pick<ScopeViewDeps, 'identityStore'>,
  names: readonly string[],
  allUsers: readonly User[] | undefined,
): Promise<User[]> => {
  if (allUsers !== undefined) return [];
  const users = await Promise.all(
    names.map(async (name) => {
      const id = await deps.identityStore.getUserIdByUserName(name);
      return id === undefined ? undefined : deps.identityStore.describeUser(id);
    }),
  );
  return users.filter((u): u is User => u !== undefined);
};

const uniqueById = <T extends { readonly id: string }>(items: readonly T[]): T[] => [
  ...new Map(items.map((item) => [item.id, item])).values(),
];

/**
 * Adds to the view the principals of the given assignments that it does not hold yet (users and
 * groups that no rule names), so that a revocation carries the principal's name and the right
 * reason ("user is disabled" rather than "principal no longer exists"). Returns the same view when
 * nothing was missing; a principal that is really gone stays absent.
 *
 * @example
 * const named = await withPrincipalsOf(deps, view, draft.delete);
 * if (named !== view) finalPlan = plan({ ...input, view: named });
 */
export const withPrincipalsOf = async (
  deps: { readonly identityStore: Pick<IdentityStorePort, 'describeGroup' | 'describeUser'> },
  view: OrganizationView,
  assignments: readonly { readonly principalType: 'USER' | 'GROUP'; readonly principalId: string }[],
): Promise<OrganizationView> => {
  const users = new Set(view.users.map((u) => u.id));
  const groups = new Set(view.groups.map((g) => g.id));
  const missingUsers = new Set<string>();
  const missingGroups = new Set<string>();
  for (const a of assignments) {
    if (a.principalType === 'USER' && !users.has(a.principalId)) missingUsers.add(a.principalId);
    if (a.principalType === 'GROUP' && !groups.has(a.principalId)) missingGroups.add(a.principalId);
  }
  if (missingUsers.size + missingGroups.size === 0) return view;
  const [foundUsers, foundGroups] = await Promise.all([
    Promise.all([...missingUsers].map((id) => deps.identityStore.describeUser(id))),
    Promise.all([...missingGroups].map((id) => deps.identityStore.describeGroup(id))),
  ]);
  const addedUsers = foundUsers.filter((u): u is User => u !== undefined);
  const addedGroups = foundGroups.filter((g): g is Group => g !== undefined);
  if (addedUsers.length + addedGroups.length === 0) return view;
  return { ...view, users: [...view.users, ...addedUsers], groups: [...view.groups, ...addedGroups] };
};

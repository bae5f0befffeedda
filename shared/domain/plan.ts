import { assignmentKeys } from './assignment-keys.js';
import { type Authority, principalKey, resolveAuthority, SETTINGS_RULE_ID } from './authority.js';
import { type DesiredAssignment, type Evaluation, evaluate } from './evaluate.js';
import { checkRevocationGuard } from './guard.js';
import {
  type AccountAssignment,
  assignmentKey,
  type GroupMembership,
  membershipKey,
  type OrganizationView,
  type PrincipalType,
} from './model.js';
import type {
  HeldChange,
  Plan,
  PlanBlock,
  PlannedCreate,
  PlannedDelete,
  PlannedMembershipAdd,
  PlannedMembershipRemove,
} from './plan-types.js';
import {
  compareHeld,
  compareMemberships,
  comparePlanned,
  describeAssignment,
  toPlannedDelete,
} from './planned-items.js';
import type { RuleSet } from './rules/schema.js';
import { indexView, principalNameOf, type ViewIndex } from './view-index.js';

// Callers reach every planner through this module.
export {
  type OffboardingInput,
  type PrincipalRemovalInput,
  planOffboarding,
  planPrincipalRemoval,
} from './offboarding.js';

export interface PlanInput {
  readonly ruleSet: RuleSet;
  readonly view: OrganizationView;
  readonly actualAssignments: readonly AccountAssignment[];
  readonly actualMemberships: readonly GroupMembership[];
  /** Only plan these accounts (worker account scope, `plan --account`). Default: every account in the view. */
  readonly accountIds?: ReadonlySet<string>;
  /** Only plan this principal's assignments (and, for a USER, its memberships). */
  readonly principal?: { readonly principalType: PrincipalType; readonly principalId: string };
  /** Plan membership changes too (default true when neither accountIds nor principal is given, or for a USER principal). */
  readonly includeMemberships?: boolean;
  /** Extra reason the caller knows revocations are unsafe (an input could not be read): grants only. */
  readonly grantsOnly?: boolean;
  /** The moment to plan at (epoch ms), for time-bound rules; see `EvaluateOptions.now`. */
  readonly now?: number;
  /**
   * Pre-computed evaluation, so a caller planning many scopes evaluates once. It must cover the
   * planned accounts (evaluated without `accountIds`, or with a superset of this input's).
   */
  readonly evaluation?: Evaluation;
  /**
   * The revocation guard: `organization` (the default) checks this plan's revocations against
   * `settings.revocationGuard`, taking `maxFraction` of `organizationTotals`; `off` leaves the
   * guard to the caller, which plans a larger run (shared/domain/runs) and guards it once.
   */
  readonly guard?: 'organization' | 'off';
  /**
   * The organization's managed assignments and authoritative group members, as the latest
   * organization-wide run counted them. Without it, `maxFraction` is not applied: a fraction of
   * one scope's own count would block nearly every change to a small scope.
   */
  readonly organizationTotals?: OrganizationTotals;
}

/** What `maxFraction` is a fraction of (docs/design.md §3). */
export interface OrganizationTotals {
  /** Assignments of managed permission sets across the organization. */
  readonly managedAssignments: number;
  /** Members of groups under authoritative membership rules. */
  readonly authoritativeMembers: number;
}

/**
 * Plans the changes that bring a scope in line with the rules (docs/design.md §3, §4).
 *
 * Creates are the desired assignments that do not exist. Deletes are the existing assignments of a
 * managed permission set that no rule wants, except where the engine has no authority (protected
 * accounts, permission sets and principals, the management account unless included, accounts that
 * are not ACTIVE) and where revoking is unsafe (accounts selected by a rule that failed to
 * resolve, `grantsOnly`). Held revocations are counted in `blocked`. The revocation guard then
 * counts the deletes; when it trips, `delete` is empty and creates stand.
 *
 * Membership removals are guarded separately, with the same thresholds taken of the members of
 * authoritative groups in scope: a broken selector empties a group as surely as a broken target
 * empties an account, but the two counts are of different things and one should not use up the
 * other's budget.
 *
 * @example
 * const p = plan({ ruleSet, view, actualAssignments, actualMemberships, accountIds: new Set(['222233334444']) });
 */
export const plan = (input: PlanInput): Plan => {
  const { ruleSet, view, accountIds, principal } = input;
  const index = indexView(view);
  const authority = resolveAuthority(ruleSet, index);
  const evaluation =
    input.evaluation ??
    evaluate(ruleSet, view, {
      ...(accountIds === undefined ? {} : { accountIds }),
      ...(input.now === undefined ? {} : { now: input.now }),
    });
  const grantsOnly = input.grantsOnly === true;
  // A whole-organization plan holds the organization's totals itself.
  const organizationTotals =
    input.organizationTotals ??
    (accountIds === undefined && principal === undefined
      ? countOrganizationTotals(evaluation, input.actualAssignments, input.actualMemberships)
      : undefined);
  const includeMemberships =
    input.includeMemberships ??
    ((accountIds === undefined && principal === undefined) || principal?.principalType === 'USER');

  const inScope = (a: AccountAssignment): boolean =>
    (accountIds === undefined || accountIds.has(a.accountId)) &&
    (principal === undefined ||
      (a.principalType === principal.principalType && a.principalId === principal.principalId));

  // Numeric keys where the view knows every part (nearly always), strings otherwise.
  const keys = assignmentKeys(view);
  const keyFor = (a: AccountAssignment): number | string =>
    keys.keyOf(a.accountId, a.permissionSetArn, a.principalType, a.principalId) ?? assignmentKey(a);

  const desired = new Map<number | string, DesiredAssignment>();
  for (const d of evaluation.assignments) if (inScope(d)) desired.set(keyFor(d), d);

  const blocked: PlanBlock[] = [];
  const held = {
    unsafe: [] as PlannedDelete[],
    grantsOnly: [] as PlannedDelete[],
    unknownPrincipal: [] as PlannedDelete[],
  };
  let deletes: PlannedDelete[] = [];
  const seen = new Set<number | string>();
  for (const a of input.actualAssignments) {
    if (!inScope(a)) continue;
    const key = keyFor(a);
    if (seen.has(key)) continue;
    seen.add(key);
    if (!evaluation.managedPermissionSetArns.has(a.permissionSetArn)) continue;
    if (desired.has(key) || !mayChange(a, index, authority, ruleSet)) continue;
    const known = principalNameOf(index, a.principalType, a.principalId) !== undefined;
    const change = toPlannedDelete(index, a, deleteReason(a, index));
    if (evaluation.unsafeAccountIds.has(a.accountId)) held.unsafe.push(change);
    else if (grantsOnly) held.grantsOnly.push(change);
    else if (!known && authority.unresolvedProtectedPrincipals.length > 0) held.unknownPrincipal.push(change);
    else deletes.push(change);
  }

  const create: PlannedCreate[] = [];
  for (const [key, d] of desired) {
    if (!seen.has(key)) create.push({ ...describeAssignment(index, d), ruleIds: d.ruleIds });
  }

  const failedRules = [...new Set(evaluation.errors.map((e) => e.ruleId))].filter((id) => id !== SETTINGS_RULE_ID);
  pushHeld(
    blocked,
    `revocations held on accounts selected by rules that failed to resolve (${failedRules.join(', ')})`,
    held.unsafe,
  );
  pushHeld(blocked, 'revocations held: an input could not be read, so this run only grants', held.grantsOnly);
  pushHeld(
    blocked,
    `revocations held for principals not in the directory view, because protected principal(s) ${authority.unresolvedProtectedPrincipals.join(', ')} could not be resolved`,
    held.unknownPrincipal,
  );
  if (input.guard !== 'off') {
    const assignmentBlock = checkRevocationGuard({
      changes: deletes.sort(comparePlanned),
      total: organizationTotals?.managedAssignments,
      limits: ruleSet.settings.revocationGuard,
      what: 'assignment deletions',
    });
    if (assignmentBlock !== undefined) {
      blocked.push(assignmentBlock);
      deletes = [];
    }
  }

  const memberships = includeMemberships
    ? planMemberships(input, evaluation, index, authority, grantsOnly, blocked, organizationTotals)
    : { add: [], remove: [] };

  return {
    create: create.sort(comparePlanned),
    delete: deletes.sort(comparePlanned),
    memberships,
    blocked,
    errors: evaluation.errors,
  };
};

/** Adds a block for changes held for one reason, when there are any. */
export const pushHeld = (blocked: PlanBlock[], reason: string, changes: readonly HeldChange[]): void => {
  if (changes.length > 0)
    blocked.push({ reason, wouldDelete: changes.length, changes: [...changes].sort(compareHeld) });
};

/**
 * The organization's totals that `maxFraction` is taken of, counted from one organization-wide
 * read: assignments of managed permission sets, and members of authoritative groups.
 */
export const countOrganizationTotals = (
  evaluation: Pick<Evaluation, 'managedPermissionSetArns' | 'authoritativeGroups'>,
  actualAssignments: readonly AccountAssignment[],
  actualMemberships: readonly GroupMembership[],
): OrganizationTotals => {
  const managed = new Set<string>();
  for (const a of actualAssignments) {
    if (evaluation.managedPermissionSetArns.has(a.permissionSetArn)) managed.add(assignmentKey(a));
  }
  const members = new Set<string>();
  for (const m of actualMemberships) {
    if (evaluation.authoritativeGroups.has(m.groupId)) members.add(membershipKey(m));
  }
  return { managedAssignments: managed.size, authoritativeMembers: members.size };
};

/** Whether the engine has authority over this assignment at all (permission set aside). */
const mayChange = (a: AccountAssignment, index: ViewIndex, authority: Authority, ruleSet: RuleSet): boolean => {
  const account = index.accountById.get(a.accountId);
  if (account === undefined || account.status !== 'ACTIVE') return false;
  if (a.accountId === index.view.managementAccountId && !ruleSet.settings.includeManagementAccount) return false;
  if (authority.protectedAccountIds.has(a.accountId)) return false;
  if (authority.protectedPermissionSetArns.has(a.permissionSetArn)) return false;
  return !authority.protectedPrincipalKeys.has(principalKey(a.principalType, a.principalId));
};

// The view may be partial (a worker reads only the principals the rules name), so a principal it
// lacks is reported as such rather than declared deleted.
const deleteReason = (a: AccountAssignment, index: ViewIndex): string => {
  const d = describeAssignment(index, a);
  const grantsNothing = `no rule grants ${d.permissionSetName} to ${a.principalType} ${d.principalName} on this account`;
  if (a.principalType === 'USER') {
    const user = index.userById.get(a.principalId);
    if (user === undefined) return `${grantsNothing} (principal not in the directory view: deleted, or not read)`;
    if (!user.active) return 'user is disabled';
  } else if (!index.groupById.has(a.principalId)) {
    return `${grantsNothing} (principal not in the directory view: deleted, or not read)`;
  }
  return grantsNothing;
};

const planMemberships = (
  input: PlanInput,
  evaluation: Evaluation,
  index: ViewIndex,
  authority: Authority,
  grantsOnly: boolean,
  blocked: PlanBlock[],
  organizationTotals: OrganizationTotals | undefined,
): Plan['memberships'] => {
  const { principal } = input;
  const inScope = (m: { readonly groupId: string; readonly userId: string }): boolean =>
    principal === undefined ||
    (principal.principalType === 'USER' ? m.userId === principal.principalId : m.groupId === principal.principalId);
  const isProtected = (m: { readonly groupId: string; readonly userId: string }): boolean =>
    authority.protectedPrincipalKeys.has(principalKey('GROUP', m.groupId)) ||
    authority.protectedPrincipalKeys.has(principalKey('USER', m.userId));

  const desired = new Map<string, (typeof evaluation.memberships)[number]>();
  for (const m of evaluation.memberships) if (inScope(m)) desired.set(membershipKey(m), m);
  const actual = new Map<string, GroupMembership>();
  for (const m of input.actualMemberships) if (inScope(m)) actual.set(membershipKey(m), m);

  const add: PlannedMembershipAdd[] = [];
  for (const [key, m] of desired) {
    if (!actual.has(key)) add.push({ groupId: m.groupId, userId: m.userId, ruleIds: m.ruleIds });
  }

  let remove: PlannedMembershipRemove[] = [];
  const heldUnsafe: PlannedMembershipRemove[] = [];
  const heldGrantsOnly: PlannedMembershipRemove[] = [];
  for (const [key, m] of actual) {
    const ruleIds = evaluation.authoritativeGroups.get(m.groupId);
    if (ruleIds === undefined) continue;
    if (desired.has(key) || isProtected(m)) continue;
    // A member the view does not hold was either deleted (offboarding handles its memberships) or
    // not read: in neither case may the rules' silence about it count as a removal.
    if (!index.userById.has(m.userId)) continue;
    const change = { groupId: m.groupId, userId: m.userId, reason: removalReason(m.userId, ruleIds, index) };
    if (evaluation.unsafeGroupIds.has(m.groupId)) heldUnsafe.push(change);
    else if (grantsOnly) heldGrantsOnly.push(change);
    else remove.push(change);
  }
  pushHeld(blocked, 'membership removals held on groups of membership rules that failed to resolve', heldUnsafe);
  pushHeld(blocked, 'membership removals held: an input could not be read, so this run only grants', heldGrantsOnly);
  if (input.guard !== 'off') {
    const block = checkRevocationGuard({
      changes: remove.sort(compareMemberships),
      total: organizationTotals?.authoritativeMembers,
      limits: input.ruleSet.settings.revocationGuard,
      what: 'membership removals',
    });
    if (block !== undefined) {
      blocked.push(block);
      remove = [];
    }
  }
  return { add: add.sort(compareMemberships), remove: remove.sort(compareMemberships) };
};

const removalReason = (userId: string, ruleIds: readonly string[], index: ViewIndex): string => {
  const user = index.userById.get(userId);
  const rules = `authoritative membership rule(s) ${ruleIds.join(', ')}`;
  if (user !== undefined && !user.active) return `user is disabled; the group is managed by ${rules}`;
  return `user no longer matches ${rules}`;
};

export interface AccountRemovalInput {
  readonly ruleSet: RuleSet;
  readonly view: OrganizationView;
  readonly accountId: string;
  readonly actualAssignments: readonly AccountAssignment[];
  /** The moment to plan at (epoch ms), when the account turns out to be ACTIVE and is planned as usual. */
  readonly now?: number;
}

/**
 * Plans the cleanup of an account that left the organization or is closing (the
 * `account-removed` scope): every assignment of a managed permission set on it is deleted, except
 * protected ones (account, permission set, principal). Unmanaged assignments stay, as everywhere.
 *
 * The event may be stale: when the view shows the account ACTIVE again (re-invited, or the closure
 * was reversed), this is an ordinary reconcile of that account instead, so that replaying the
 * event can never strip a live account.
 *
 * The revocation guard does not apply: the count is bounded by one account, and the decision rests
 * on the account's departure, not on rules that might be wrong.
 *
 * @example
 * planAccountRemoval({ ruleSet, view, accountId: '222233334444', actualAssignments })
 */
export const planAccountRemoval = (input: AccountRemovalInput): Plan => {
  const { ruleSet, view, accountId } = input;
  const index = indexView(view);
  const account = index.accountById.get(accountId);
  if (account?.status === 'ACTIVE') {
    return plan({
      ruleSet,
      view,
      actualAssignments: input.actualAssignments,
      actualMemberships: [],
      accountIds: new Set([accountId]),
      includeMemberships: false,
      ...(input.now === undefined ? {} : { now: input.now }),
    });
  }

  const authority = resolveAuthority(ruleSet, index);
  const reason =
    account === undefined
      ? 'account left the organization'
      : `account is ${account.status.toLowerCase().replace('_', ' ')}`;
  const blocked: PlanBlock[] = [];
  const managed = new Map<string, AccountAssignment>();
  for (const a of input.actualAssignments) {
    if (a.accountId === accountId && authority.managedPermissionSetArns.has(a.permissionSetArn)) {
      managed.set(assignmentKey(a), a);
    }
  }
  const outOfBounds =
    authority.protectedAccountIds.has(accountId) ||
    (accountId === view.managementAccountId && !ruleSet.settings.includeManagementAccount);
  if (outOfBounds) {
    pushHeld(
      blocked,
      `account ${accountId} is protected or the management account; its assignments stay`,
      [...managed.values()].map((a) => toPlannedDelete(index, a, reason)).sort(comparePlanned),
    );
    return { create: [], delete: [], memberships: { add: [], remove: [] }, blocked, errors: [] };
  }
  const deletes: PlannedDelete[] = [];
  const heldUnknown: PlannedDelete[] = [];
  for (const a of managed.values()) {
    if (authority.protectedPrincipalKeys.has(principalKey(a.principalType, a.principalId))) continue;
    // As in plan: with a protected name unresolved, a principal the view does not know might be it.
    const known = principalNameOf(index, a.principalType, a.principalId) !== undefined;
    if (!known && authority.unresolvedProtectedPrincipals.length > 0)
      heldUnknown.push(toPlannedDelete(index, a, reason));
    else deletes.push(toPlannedDelete(index, a, reason));
  }
  pushHeld(
    blocked,
    `revocations held for principals not in the directory view, because protected principal(s) ${authority.unresolvedProtectedPrincipals.join(', ')} could not be resolved`,
    heldUnknown.sort(comparePlanned),
  );
  return {
    create: [],
    delete: deletes.sort(comparePlanned),
    memberships: { add: [], remove: [] },
    blocked,
    errors: [],
  };
};

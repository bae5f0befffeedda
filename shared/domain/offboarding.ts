import { type Authority, principalKey, resolveAuthority } from './authority.js';
import {
  type AccountAssignment,
  assignmentKey,
  type GroupMembership,
  membershipKey,
  type OrganizationView,
  type PrincipalType,
} from './model.js';
import type { Plan, PlanBlock, PlannedDelete, PlannedMembershipRemove } from './plan-types.js';
import { compareMemberships, comparePlanned, toPlannedDelete } from './planned-items.js';
import type { RuleSet } from './rules/schema.js';
import { indexView, principalNameOf, type ViewIndex } from './view-index.js';

export interface OffboardingInput {
  readonly ruleSet: RuleSet;
  readonly view: OrganizationView;
  /** The leaver. `userName` matters when the view no longer holds the user (deleted). */
  readonly user: { readonly id: string; readonly userName?: string };
  /** Why, for every planned change: "user deleted", "user disabled". */
  readonly reason: string;
  readonly actualAssignments: readonly AccountAssignment[];
  /** The user's group memberships. */
  readonly memberships: readonly GroupMembership[];
}

export interface PrincipalRemovalInput {
  readonly ruleSet: RuleSet;
  readonly view: OrganizationView;
  /** `name` (group display name, user name) when known; events mask it, the view may not hold it. */
  readonly principal: { readonly principalType: PrincipalType; readonly principalId: string; readonly name?: string };
  readonly reason: string;
  readonly actualAssignments: readonly AccountAssignment[];
}

/**
 * Plans the offboarding of a user (docs/design.md §4 invariant 5): every direct assignment of the user, in
 * every permission set, managed or not, and, when `settings.offboarding.removeGroupMemberships`,
 * every group membership. Protected accounts, permission sets and groups are left alone, and so is
 * the management account unless included; what stays is reported in `blocked` so that a leaver's
 * remaining access is never silent. A protected user is not touched at all.
 *
 * The revocation guard does not apply: it exists to stop a wrong rule from revoking broadly, while
 * offboarding is driven by a fact about one principal, so its count is bounded by that principal's
 * assignments, and holding it back would leave a leaver with access.
 *
 * Accounts that are not ACTIVE are included, unlike in {@link plan}: a closed account can be
 * reopened within 90 days, and the leaver must not come back with it.
 *
 * @example
 * planOffboarding({ ruleSet, view, user: { id: 'u-1' }, reason: 'user deleted', actualAssignments, memberships })
 */
export const planOffboarding = (input: OffboardingInput): Plan => {
  const { ruleSet, view, user } = input;
  const index = indexView(view);
  const authority = resolveAuthority(ruleSet, index);
  const principal = { principalType: 'USER' as const, principalId: user.id, name: user.userName };
  const assignments = purgeAssignments(index, authority, ruleSet, principal, input.reason, input.actualAssignments);
  if (assignments.protectedPrincipal) return assignments.plan;

  const remove: PlannedMembershipRemove[] = [];
  const blocked = [...assignments.plan.blocked];
  if (ruleSet.settings.offboarding.removeGroupMemberships) {
    const seen = new Set<string>();
    const kept: PlannedMembershipRemove[] = [];
    for (const m of input.memberships) {
      if (m.userId !== user.id || seen.has(membershipKey(m))) continue;
      seen.add(membershipKey(m));
      const change = { groupId: m.groupId, userId: m.userId, reason: input.reason };
      if (authority.protectedPrincipalKeys.has(principalKey('GROUP', m.groupId))) kept.push(change);
      else remove.push(change);
    }
    if (kept.length > 0) {
      blocked.push({
        reason: 'offboarding leaves memberships of protected groups in place',
        wouldDelete: kept.length,
        changes: kept.sort(compareMemberships),
      });
    }
  }
  return {
    ...assignments.plan,
    memberships: { add: [], remove: remove.sort(compareMemberships) },
    blocked,
  };
};

/**
 * Plans the purge of a principal that was deleted from the identity store, typically a GROUP
 * (a deleted user goes through {@link planOffboarding}): every direct assignment, with the same
 * protections and the same reasons for not applying the revocation guard.
 *
 * @example
 * planPrincipalRemoval({ ruleSet, view, principal: { principalType: 'GROUP', principalId: 'g-1' }, reason: 'group deleted', actualAssignments })
 */
export const planPrincipalRemoval = (input: PrincipalRemovalInput): Plan => {
  const index = indexView(input.view);
  const authority = resolveAuthority(input.ruleSet, index);
  return purgeAssignments(index, authority, input.ruleSet, input.principal, input.reason, input.actualAssignments).plan;
};

/** Whether a principal is protected: `undefined` when the view cannot tell. */
const isProtectedPrincipal = (
  authority: Authority,
  principalType: PrincipalType,
  principalId: string,
  name: string | undefined,
): boolean | undefined => {
  if (authority.protectedPrincipalKeys.has(principalKey(principalType, principalId))) return true;
  const names = principalType === 'GROUP' ? authority.protectedGroupNames : authority.protectedUserNames;
  if (name !== undefined) return names.has(name);
  // Nameless and not in the view: it can only be a protected principal whose name did not
  // resolve, so we can tell when every protected name of this type did resolve.
  const kind = principalType === 'GROUP' ? 'group ' : 'user ';
  return authority.unresolvedProtectedPrincipals.some((p) => p.startsWith(kind)) ? undefined : false;
};

/**
 * The assignment part of offboarding one principal against an index and authority built once, so
 * that an organization-wide run can offboard many principals without re-indexing the view.
 */
export const purgeAssignments = (
  index: ViewIndex,
  authority: Authority,
  ruleSet: RuleSet,
  principal: {
    readonly principalType: PrincipalType;
    readonly principalId: string;
    readonly name?: string | undefined;
  },
  reason: string,
  actualAssignments: readonly AccountAssignment[],
): { plan: Plan; protectedPrincipal: boolean } => {
  const { principalType, principalId } = principal;
  const mine = new Map<string, AccountAssignment>();
  for (const a of actualAssignments) {
    if (a.principalType === principalType && a.principalId === principalId) mine.set(assignmentKey(a), a);
  }
  const name = principal.name ?? principalNameOf(index, principalType, principalId);
  const isProtected = isProtectedPrincipal(authority, principalType, principalId, name);
  const label = `${principalType} ${name ?? principalId}`;
  if (isProtected !== false) {
    const why =
      isProtected === true
        ? `${label} is a protected principal; its assignments are left in place`
        : `cannot tell whether ${label} is protected: protected principal(s) ${authority.unresolvedProtectedPrincipals.join(', ')} are not in the directory view; its assignments are left in place`;
    const changes = [...mine.values()].map((a) => toPlannedDelete(index, a, reason)).sort(comparePlanned);
    const blocked: PlanBlock[] =
      mine.size > 0 || isProtected === undefined ? [{ reason: why, wouldDelete: mine.size, changes }] : [];
    return {
      plan: { create: [], delete: [], memberships: { add: [], remove: [] }, blocked, errors: [] },
      protectedPrincipal: true,
    };
  }

  const deletes: PlannedDelete[] = [];
  const kept: PlannedDelete[] = [];
  for (const a of mine.values()) {
    const outOfBounds =
      authority.protectedAccountIds.has(a.accountId) ||
      authority.protectedPermissionSetArns.has(a.permissionSetArn) ||
      (a.accountId === index.view.managementAccountId && !ruleSet.settings.includeManagementAccount);
    if (outOfBounds) kept.push(toPlannedDelete(index, a, reason));
    else deletes.push(toPlannedDelete(index, a, reason));
  }
  const blocked: PlanBlock[] =
    kept.length > 0
      ? [
          {
            reason: `${label} keeps assignment(s) on protected accounts or permission sets, or on the management account`,
            wouldDelete: kept.length,
            changes: kept.sort(comparePlanned),
          },
        ]
      : [];
  return {
    plan: {
      create: [],
      delete: deletes.sort(comparePlanned),
      memberships: { add: [], remove: [] },
      blocked,
      errors: [],
    },
    protectedPrincipal: false,
  };
};

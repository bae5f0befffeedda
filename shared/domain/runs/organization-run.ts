import { resolveAuthority } from '../authority.js';
import { evaluate } from '../evaluate.js';
import { checkRevocationGuard } from '../guard.js';
import {
  type AccountAssignment,
  assignmentKey,
  type GroupMembership,
  membershipKey,
  type OrganizationView,
  type PrincipalType,
} from '../model.js';
import { purgeAssignments } from '../offboarding.js';
import { countOrganizationTotals, type OrganizationTotals, plan } from '../plan.js';
import type { HeldChange, Plan, PlanBlock, PlannedDelete, PlannedMembershipRemove } from '../plan-types.js';
import { compareMemberships, comparePlanned } from '../planned-items.js';
import type { RuleSet } from '../rules/schema.js';
import { indexView } from '../view-index.js';

export interface OrganizationRunInput {
  readonly ruleSet: RuleSet;
  /** The whole organization: every account, OU, permission set, user, group and the memberships the rules need. */
  readonly view: OrganizationView;
  /** Every direct assignment of every account in every permission set provisioned to it. */
  readonly actualAssignments: readonly AccountAssignment[];
  readonly actualMemberships: readonly GroupMembership[];
  /**
   * Set for an approval run: the revocation guard is not applied (the approver saw the held
   * changes), and the bypass is recorded in `blocked`-free output by the caller.
   */
  readonly guardBypassed?: boolean;
  /** The moment to plan at (epoch ms), for time-bound rules. */
  readonly now?: number;
}

/** A principal the run offboards: deleted from the identity store, or a disabled user. */
export interface OffboardedPrincipal {
  readonly principalType: PrincipalType;
  readonly principalId: string;
  readonly reason: string;
}

export interface OrganizationRunPlan {
  /** What the run applies, with the run's guard applied once over all of it. */
  readonly plan: Plan;
  /** The organization's totals before the run: what single-scope runs take `maxFraction` of until the next one. */
  readonly totals: OrganizationTotals;
  readonly offboarded: readonly OffboardedPrincipal[];
}

export const USER_DELETED = 'user no longer exists';
export const USER_DISABLED = 'user is disabled';
export const GROUP_DELETED = 'group no longer exists';

/**
 * Plans one organization-wide run (a rules change, the schedule, an approval) from one read of
 * the organization (docs/design.md §1 "Runs").
 *
 * The rules part is the ordinary plan of every account and every membership. The offboarding part
 * does not wait for an event: every principal that holds an assignment and is gone from the
 * directory, and every disabled user when `offboarding.onUserDisabled`, loses every direct
 * assignment in every permission set (protected ones aside) and, for a disabled user under
 * `removeGroupMemberships`, every membership. A lost DisableUser or DeleteGroup event is
 * therefore repaired by the next sweep.
 *
 * Then one guard counts the whole run: all assignment deletions (offboarding included) against
 * `maxPerRun` and `maxFraction` of the organization's managed assignments, and all membership
 * removals against the same limits over the members of authoritative groups. When it trips, the
 * grants stand and every revocation of that kind is held and listed in `blocked`.
 *
 * @example
 * const { plan, totals } = planOrganizationRun({ ruleSet, view, actualAssignments, actualMemberships });
 */
export const planOrganizationRun = (input: OrganizationRunInput): OrganizationRunPlan => {
  const { ruleSet, view } = input;
  const evaluation = evaluate(ruleSet, view, input.now === undefined ? {} : { now: input.now });
  const totals = countOrganizationTotals(evaluation, input.actualAssignments, input.actualMemberships);
  const rules = plan({
    ruleSet,
    view,
    actualAssignments: input.actualAssignments,
    actualMemberships: input.actualMemberships,
    evaluation,
    guard: 'off',
    ...(input.now === undefined ? {} : { now: input.now }),
  });
  const offboarding = planOrganizationOffboarding(input);

  const deletes = new Map<string, PlannedDelete>();
  for (const d of rules.delete) deletes.set(assignmentKey(d), d);
  // Offboarding rests on a fact about the principal, not on the rules: its reason wins, and a
  // rules hold (a rule that failed to resolve) does not keep a leaver's access.
  for (const d of offboarding.delete) deletes.set(assignmentKey(d), d);
  const removes = new Map<string, PlannedMembershipRemove>();
  for (const m of rules.memberships.remove) removes.set(membershipKey(m), m);
  for (const m of offboarding.remove) removes.set(membershipKey(m), m);
  // A change that offboarding deletes or holds itself is not listed a second time under a rules hold.
  const offboardedKeys = new Set([
    ...offboarding.delete.map(assignmentKey),
    ...offboarding.remove.map(membershipKey),
    ...offboarding.blocked.flatMap((b) => b.changes.map(heldKey)),
  ]);
  const blocked = [...withoutChanges(rules.blocked, offboardedKeys), ...offboarding.blocked];

  let deleteList = [...deletes.values()].sort(comparePlanned);
  let removeList = [...removes.values()].sort(compareMemberships);
  if (input.guardBypassed !== true) {
    const limits = ruleSet.settings.revocationGuard;
    const assignmentBlock = checkRevocationGuard({
      changes: deleteList,
      total: totals.managedAssignments,
      limits,
      what: 'assignment deletions',
    });
    if (assignmentBlock !== undefined) {
      blocked.push(assignmentBlock);
      deleteList = [];
    }
    const membershipBlock = checkRevocationGuard({
      changes: removeList,
      total: totals.authoritativeMembers,
      limits,
      what: 'membership removals',
    });
    if (membershipBlock !== undefined) {
      blocked.push(membershipBlock);
      removeList = [];
    }
  }

  return {
    plan: {
      create: rules.create,
      delete: deleteList,
      memberships: { add: rules.memberships.add, remove: removeList },
      blocked,
      errors: rules.errors,
    },
    totals,
    offboarded: offboarding.principals,
  };
};

interface OrganizationOffboarding {
  readonly delete: readonly PlannedDelete[];
  readonly remove: readonly PlannedMembershipRemove[];
  readonly blocked: readonly PlanBlock[];
  readonly principals: readonly OffboardedPrincipal[];
}

/** Every principal to offboard, found from the one organization read, and what offboarding each means. */
const planOrganizationOffboarding = (input: OrganizationRunInput): OrganizationOffboarding => {
  const { ruleSet, view } = input;
  const index = indexView(view);
  const authority = resolveAuthority(ruleSet, index);
  const { onUserDisabled, removeGroupMemberships } = ruleSet.settings.offboarding;

  const byPrincipal = new Map<string, AccountAssignment[]>();
  for (const a of input.actualAssignments) {
    const key = `${a.principalType}|${a.principalId}`;
    const list = byPrincipal.get(key);
    if (list === undefined) byPrincipal.set(key, [a]);
    else list.push(a);
  }
  const principals: OffboardedPrincipal[] = [];
  for (const assignments of byPrincipal.values()) {
    const first = assignments[0] as AccountAssignment;
    if (first.principalType === 'GROUP') {
      if (!index.groupById.has(first.principalId)) {
        principals.push({ principalType: 'GROUP', principalId: first.principalId, reason: GROUP_DELETED });
      }
      continue;
    }
    const user = index.userById.get(first.principalId);
    if (user === undefined)
      principals.push({ principalType: 'USER', principalId: first.principalId, reason: USER_DELETED });
    else if (!user.active && onUserDisabled) {
      principals.push({ principalType: 'USER', principalId: first.principalId, reason: USER_DISABLED });
    }
  }
  // A disabled user without assignments may still hold memberships.
  if (onUserDisabled && removeGroupMemberships) {
    const listed = new Set(principals.map((p) => `${p.principalType}|${p.principalId}`));
    for (const user of view.users) {
      if (!user.active && !listed.has(`USER|${user.id}`)) {
        principals.push({ principalType: 'USER', principalId: user.id, reason: USER_DISABLED });
      }
    }
  }

  const membershipsByUser = new Map<string, GroupMembership[]>();
  for (const m of input.actualMemberships) {
    const list = membershipsByUser.get(m.userId);
    if (list === undefined) membershipsByUser.set(m.userId, [m]);
    else list.push(m);
  }

  const deletes: PlannedDelete[] = [];
  const removes: PlannedMembershipRemove[] = [];
  const blocked: PlanBlock[] = [];
  for (const principal of principals) {
    const mine = byPrincipal.get(`${principal.principalType}|${principal.principalId}`) ?? [];
    const purged = purgeAssignments(index, authority, ruleSet, principal, principal.reason, mine);
    deletes.push(...purged.plan.delete);
    blocked.push(...purged.plan.blocked);
    if (purged.protectedPrincipal || principal.reason !== USER_DISABLED || !removeGroupMemberships) continue;
    const kept: PlannedMembershipRemove[] = [];
    for (const m of membershipsByUser.get(principal.principalId) ?? []) {
      const change = { groupId: m.groupId, userId: m.userId, reason: principal.reason };
      if (authority.protectedPrincipalKeys.has(`GROUP|${m.groupId}`)) kept.push(change);
      else removes.push(change);
    }
    if (kept.length > 0) {
      blocked.push({
        reason: 'offboarding leaves memberships of protected groups in place',
        wouldDelete: kept.length,
        changes: kept.sort(compareMemberships),
      });
    }
  }
  return { delete: deletes, remove: removes, blocked, principals };
};

/** The blocks with the changes that offboarding makes anyway taken out; blocks left empty go. */
const withoutChanges = (blocks: readonly PlanBlock[], keys: ReadonlySet<string>): PlanBlock[] =>
  blocks.flatMap((block) => {
    const changes = block.changes.filter((c: HeldChange) => !keys.has(heldKey(c)));
    if (changes.length === block.changes.length) return [block];
    return changes.length === 0 ? [] : [{ ...block, changes, wouldDelete: changes.length }];
  });

const heldKey = (change: HeldChange): string => ('accountId' in change ? assignmentKey(change) : membershipKey(change));

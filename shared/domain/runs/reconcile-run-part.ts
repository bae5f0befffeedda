import type { AccountAssignment, Group, GroupMembership, User } from '../model.js';
import { plan } from '../plan.js';
import type { PlannedDelete, PlannedMembershipRemove } from '../plan-types.js';
import { toPlannedDelete } from '../planned-items.js';
import type { RulesLoadResult } from '../ports.js';
import { applyPlan } from '../reconcile/apply-plan.js';
import { loadScopeView, withPrincipalsOf } from '../reconcile/load-scope-view.js';
import type { ReconcileOutcome } from '../reconcile/outcome.js';
import type { ReconcileDeps } from '../reconcile/reconcile-scope.js';
import type { RuleSet } from '../rules/schema.js';
import { scopeKey, type WorkItem } from '../scope.js';
import { indexView } from '../view-index.js';
import { GROUP_DELETED, USER_DELETED, USER_DISABLED } from './organization-run.js';
import { type PlannedPart, parsePartAssignmentKey } from './run.js';
import { type LiveOffboarding, restrictToRun } from './run-work.js';

export interface RunPartDeps extends ReconcileDeps {
  readonly rules: ReconcileDeps['rules'] & {
    loadVersion(version: string): Promise<{ readonly result: RulesLoadResult; readonly current: boolean }>;
  };
}

/**
 * Applies one scope's share of an organization-wide run (docs/design.md §1 "Runs"). The worker
 * re-reads the scope live, plans it again with the run's rules version and no guard (the run was
 * guarded as a whole when it was planned), and applies only changes that are both still needed
 * and in the run's plan: it never revokes what the run did not plan. Planned offboarding is
 * re-checked against the principal itself (still deleted, still disabled). When the worker
 * cannot load the run's rules version (the rules changed again since), it grants only: the newer
 * run revokes what the newer rules say.
 *
 * @example
 * const outcome = await reconcileRunPart(deps, item, item.run.planned);
 */
export const reconcileRunPart = async (
  deps: RunPartDeps,
  item: WorkItem,
  planned: PlannedPart,
  options: { readonly modeOverride?: 'report' } = {},
): Promise<ReconcileOutcome> => {
  const { scope } = item;
  const run = item.run;
  if (
    run === undefined ||
    (scope.kind !== 'account' && !(scope.kind === 'principal' && scope.principalType === 'USER'))
  ) {
    throw new UnsupportedRunPartError(scopeKey(scope));
  }
  const { result, current } = await deps.rules.loadVersion(run.rulesVersion);
  const { ruleSet } = result;
  const mode = options.modeOverride ?? ruleSet.settings.mode;
  // Every reconcile under rejected rules counts them, so that the alarm stays raised.
  const rejected = result.rejections.length;
  const common = {
    scope: scopeKey(scope),
    origin: item.origin,
    mode,
    notify: false,
    ...(rejected > 0 ? { rulesRejected: rejected } : {}),
  } as const;

  if (scope.kind === 'account') {
    const { accountId } = scope;
    const [view, actualAssignments] = await Promise.all([
      loadScopeView(deps, { ruleSet, scope }),
      deps.ssoAdmin.listAccountAssignments(accountId),
    ]);
    const input = {
      ruleSet,
      view,
      actualAssignments,
      actualMemberships: [],
      accountIds: new Set([accountId]),
      includeMemberships: false,
      guard: 'off',
      grantsOnly: !current,
      now: deps.clock.now(),
    } as const;
    const draft = plan(input);
    const named = await withPrincipalsOf(deps, view, draft.delete);
    const live = named === view ? draft : plan({ ...input, view: named });
    const offboarding = current
      ? await liveAccountOffboarding(deps, ruleSet, named, accountId, actualAssignments, planned)
      : { delete: [], remove: [] };
    return applyPlan(deps, { ...common, plan: restrictToRun(live, planned, offboarding), memberships: [] });
  }

  const userId = scope.principalId;
  const user = await deps.identityStore.describeUser(userId);
  const memberships = user === undefined ? [] : await deps.identityStore.listGroupMembershipsForMember(userId);
  const view = await loadScopeView(deps, {
    ruleSet,
    scope,
    users: user === undefined ? [] : [user],
    memberships,
  });
  const live = plan({
    ruleSet,
    view,
    actualAssignments: [],
    actualMemberships: memberships,
    principal: { principalType: 'USER', principalId: userId },
    includeMemberships: true,
    guard: 'off',
    grantsOnly: !current,
    now: deps.clock.now(),
  });
  const offboarding: LiveOffboarding = {
    delete: [],
    remove: current ? liveMembershipOffboarding(ruleSet, user, memberships) : [],
  };
  const mine = restrictToRun(live, planned, offboarding);
  return applyPlan(deps, {
    ...common,
    plan: {
      ...mine,
      memberships: {
        add: mine.memberships.add.filter((m) => m.userId === userId),
        remove: mine.memberships.remove.filter((m) => m.userId === userId),
      },
    },
    memberships,
  });
};

/** The planned offboarding on one account that is still due: the assignment exists and its principal is still gone or disabled. */
const liveAccountOffboarding = async (
  deps: RunPartDeps,
  ruleSet: RuleSet,
  view: Parameters<typeof indexView>[0],
  accountId: string,
  actualAssignments: readonly AccountAssignment[],
  planned: PlannedPart,
): Promise<LiveOffboarding> => {
  const wanted = (planned.offboard ?? []).flatMap((key) => {
    const parsed = parsePartAssignmentKey(key);
    return parsed === undefined ? [] : [{ accountId, ...parsed }];
  });
  const present = new Set(actualAssignments.map((a) => `${a.permissionSetArn}|${a.principalType}|${a.principalId}`));
  const due = wanted.filter((a) => present.has(`${a.permissionSetArn}|${a.principalType}|${a.principalId}`));
  const reasons = new Map<string, string | undefined>();
  await Promise.all(
    [...new Set(due.map((a) => `${a.principalType}|${a.principalId}`))].map(async (key) => {
      const [type, id] = key.split('|') as ['USER' | 'GROUP', string];
      const found: User | Group | undefined =
        type === 'USER' ? await deps.identityStore.describeUser(id) : await deps.identityStore.describeGroup(id);
      reasons.set(key, offboardingReason(ruleSet, type, found));
    }),
  );
  const index = indexView(view);
  const deletes: PlannedDelete[] = [];
  for (const a of due) {
    const reason = reasons.get(`${a.principalType}|${a.principalId}`);
    if (reason !== undefined) deletes.push(toPlannedDelete(index, a, reason));
  }
  return { delete: deletes, remove: [] };
};

/** Why a principal is to be offboarded now, or `undefined` when it no longer is (re-enabled, re-created). */
const offboardingReason = (
  ruleSet: RuleSet,
  principalType: 'USER' | 'GROUP',
  found: User | Group | undefined,
): string | undefined => {
  if (principalType === 'GROUP') return found === undefined ? GROUP_DELETED : undefined;
  if (found === undefined) return USER_DELETED;
  const user = found as User;
  return !user.active && ruleSet.settings.offboarding.onUserDisabled ? USER_DISABLED : undefined;
};

const liveMembershipOffboarding = (
  ruleSet: RuleSet,
  user: User | undefined,
  memberships: readonly GroupMembership[],
): PlannedMembershipRemove[] => {
  const { onUserDisabled, removeGroupMemberships } = ruleSet.settings.offboarding;
  if (user === undefined || user.active || !onUserDisabled || !removeGroupMemberships) return [];
  return memberships
    .filter((m) => m.userId === user.id)
    .map((m) => ({ groupId: m.groupId, userId: m.userId, reason: USER_DISABLED }));
};

/** A run part for a scope that runs do not split into (a group, a removed account). */
export class UnsupportedRunPartError extends Error {
  constructor(scope: string) {
    super(`Work item for ${scope} carries a run plan, which only account and user items do`);
    this.name = 'UnsupportedRunPartError';
  }
}

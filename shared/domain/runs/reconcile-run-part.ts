import type { AccountAssignment, Group, GroupMembership, OrganizationView, User } from '../model.js';
import { plan } from '../plan.js';
import type { Plan, PlannedDelete, PlannedMembershipRemove } from '../plan-types.js';
import { toPlannedDelete } from '../planned-items.js';
import type { RulesLoadResult } from '../ports.js';
import { applyPlan } from '../reconcile/apply-plan.js';
import { deletedSinceRead } from '../reconcile/deleted-since-read.js';
import { loadScopeView, withPrincipalsOf } from '../reconcile/load-scope-view.js';
import type { ReconcileOutcome, SkippedGrant } from '../reconcile/outcome.js';
import type { ReconcileDeps } from '../reconcile/reconcile-scope.js';
import { ruleNeeds } from '../reconcile/rule-needs.js';
import type { RuleSet } from '../rules/schema.js';
import { scopeKey, type WorkItem } from '../scope.js';
import { indexView } from '../view-index.js';
import { GROUP_DELETED, USER_DELETED, USER_DISABLED } from './organization-run.js';
import { type PlannedPart, parsePartAssignmentKey, partAssignmentKey } from './run.js';
import type { RunDirectory } from './run-directory.js';
import { type LiveOffboarding, restrictToRun } from './run-work.js';

export interface RunPartDeps extends ReconcileDeps {
  readonly rules: ReconcileDeps['rules'] & {
    loadVersion(version: string): Promise<{ readonly result: RulesLoadResult; readonly current: boolean }>;
  };
}

/** Why a run's grant to a user is left out: the live user is not the one the run planned with. */
export const USER_CHANGED_SINCE_RUN =
  'the user is deleted, disabled or no longer selected since the run read the directory';
/** Why another grant is left out: a principal described live changed what the rules select. */
export const DIRECTORY_CHANGED_SINCE_RUN = 'a principal the rules name changed since the run read the directory';

/**
 * Applies one scope's share of an organization-wide run (docs/design.md §1 "Runs"). The worker
 * plans the scope again with the run's rules version and no guard (the run was guarded as a whole
 * when it was planned), and applies only changes that are both still needed and in the run's
 * plan: it never revokes what the run did not plan. When the worker cannot load the run's rules
 * version (the rules changed again since), it grants only: the newer run revokes what the newer
 * rules say.
 *
 * What is read live and what is taken from the run (docs/design.md §1.3): the directory
 * (permission sets, users, groups, memberships) is the one the run read, loaded once per worker
 * environment through `deps.runDirectory`; an approval run has none and reads it live. The
 * account (its OU and tags) is read live, and so are its assignments, in the permission sets the
 * item changes only: no other assignment can change what the item applies. The principals the
 * item changes are re-checked live where the run's directory could be stale in a harmful way: a
 * user the run grants to must still exist and be active, and the user of every revocation is
 * described again, so that nobody loses access on the strength of an old record (a group's
 * revocation stands on the run's directory: groups are selected by name alone). Planned
 * offboarding is re-checked against the principal itself (still deleted, still disabled). A grant
 * to a group, or in a permission set, deleted since the run read the directory fails at Identity
 * Center and is skipped, with a reason, rather than retried for ever ({@link deletedSinceRead});
 * a revocation it was to replace is held ({@link applyPlan}). A permission set deleted since the
 * run read the account holds no assignments any more, so the item plans no revocation in it.
 *
 * @example
 * const outcome = await reconcileRunPart(deps, item, item.run.planned);
 */
export const reconcileRunPart = async (
  deps: RunPartDeps,
  item: WorkItem,
  planned: PlannedPart,
  options: {
    readonly modeOverride?: 'report';
    /**
     * The account's assignments as a read part has just read them (docs/design.md §1.3, grants
     * while reading): they stand in for the item's own listing.
     */
    readonly assignments?: readonly AccountAssignment[];
  } = {},
): Promise<ReconcileOutcome> => {
  const { scope } = item;
  const run = item.run;
  if (
    run === undefined ||
    (scope.kind !== 'account' && !(scope.kind === 'principal' && scope.principalType === 'USER'))
  ) {
    throw new UnsupportedRunPartError(scopeKey(scope));
  }
  const [{ result, current }, directory] = await Promise.all([
    deps.rules.loadVersion(run.rulesVersion),
    deps.runDirectory === undefined ? undefined : deps.runDirectory(run.runId),
  ]);
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
    const [base, actualAssignments] = await Promise.all([
      directory === undefined
        ? loadScopeView(deps, { ruleSet, scope })
        : accountView(deps, ruleSet, directory, accountId),
      options.assignments ?? deps.ssoAdmin.listAccountAssignments(accountId, assignmentsToRead(planned)),
    ]);
    const input = {
      ruleSet,
      actualAssignments,
      actualMemberships: [],
      accountIds: new Set([accountId]),
      includeMemberships: false,
      guard: 'off',
      grantsOnly: !current,
      now: deps.clock.now(),
    } as const;
    const draft = plan({ ...input, view: base });
    const wanted = restrictToRun(draft, planned, NO_OFFBOARDING);
    // With the run's directory, the users this item grants to or revokes are checked live: a user's
    // selection follows attributes that change every day. Groups are selected by name alone, and
    // a revocation of a group the run's directory names stands as planned: for it to be wrong, the
    // group would have to have been renamed to a name the rules want since the run read the
    // directory, and that rename's own event reconciles the group. Describing every revoked group
    // in every item cost one call per group per account (600 on the anchor's deletes, a third of
    // what they cost). With a live directory, only the unnamed principals of revocations need
    // describing (for their names).
    const view =
      directory === undefined
        ? await withPrincipalsOf(deps, base, draft.delete)
        : await withLivePrincipals(
            deps,
            base,
            [...wanted.create, ...wanted.delete].filter((c) => c.principalType === 'USER'),
          );
    const live = view === base ? draft : plan({ ...input, view });
    const offboarding = current
      ? await liveAccountOffboarding(deps, ruleSet, view, accountId, actualAssignments, planned)
      : NO_OFFBOARDING;
    const mine = restrictToRun(live, planned, offboarding);
    const kept = new Set(mine.create.map(partAssignmentKey));
    const skipped: SkippedGrant[] = wanted.create
      .filter((c) => !kept.has(partAssignmentKey(c)))
      .map((change) => ({
        change,
        reason: change.principalType === 'USER' ? USER_CHANGED_SINCE_RUN : DIRECTORY_CHANGED_SINCE_RUN,
      }));
    return applyPlan(deps, {
      ...common,
      plan: mine,
      memberships: [],
      ...(skipped.length > 0 ? { skipped } : {}),
      whyGrantCannotSucceed: deletedSinceRead(deps),
    });
  }

  const userId = scope.principalId;
  const user = await deps.identityStore.describeUser(userId);
  const memberships = user === undefined ? [] : await deps.identityStore.listGroupMembershipsForMember(userId);
  const view =
    directory === undefined
      ? await loadScopeView(deps, { ruleSet, scope, users: user === undefined ? [] : [user], memberships })
      : userView(deps, directory, userId, user, memberships);
  const live = plan({
    ruleSet,
    view,
    actualAssignments: [],
    actualMemberships: memberships,
    principal: { principalType: 'USER', principalId: userId },
    // A user's part changes memberships only: no account is planned, so none is needed.
    ...(directory === undefined ? {} : { accountIds: new Set<string>() }),
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

const NO_OFFBOARDING: LiveOffboarding = { delete: [], remove: [] };

/**
 * The permission sets an account item changes. Whether the planner creates or deletes an
 * assignment depends on the rules, the directory, the account and whether that one assignment
 * exists, never on assignments in other permission sets; so reading these sets alone gives the
 * restricted plan that a read of every provisioned set gives.
 */
export const plannedPermissionSets = (planned: PlannedPart): string[] => {
  const arns = new Set<string>();
  for (const key of [...(planned.create ?? []), ...(planned.delete ?? []), ...(planned.offboard ?? [])]) {
    const parsed = parsePartAssignmentKey(key);
    if (parsed !== undefined) arns.add(parsed.permissionSetArn);
  }
  return [...arns].sort();
};

/**
 * What to read of the account: the sets the item changes, and of them those the run saw holding
 * an assignment (its revocations), which the adapter can read without first listing what is
 * provisioned (docs/design.md §1.3).
 */
const assignmentsToRead = (
  planned: PlannedPart,
): { readonly permissionSetArns: string[]; readonly likelyProvisioned?: string[] } => {
  const revoked = plannedPermissionSets({ delete: [...(planned.delete ?? []), ...(planned.offboard ?? [])] });
  return {
    permissionSetArns: plannedPermissionSets(planned),
    ...(revoked.length === 0 ? {} : { likelyProvisioned: revoked }),
  };
};

/** One account's view: the account and the OU tree read live, the directory from the run. */
const accountView = async (
  deps: RunPartDeps,
  ruleSet: RuleSet,
  directory: RunDirectory,
  accountId: string,
): Promise<OrganizationView> => {
  const withTags = ruleNeeds(ruleSet).usesAccountTags;
  const [organizationalUnits, account] = await Promise.all([
    deps.organizations.listOrganizationalUnits(),
    deps.organizations.describeAccount(accountId, { withTags }),
  ]);
  return {
    managementAccountId: deps.managementAccountId,
    organizationalUnits,
    accounts: account === undefined ? [] : [account],
    permissionSets: directory.permissionSets,
    groups: directory.groups,
    users: directory.users,
    groupMemberships: directory.groupMemberships,
  };
};

/** One user's view: the user and their memberships as read live, everything else from the run. */
const userView = (
  deps: RunPartDeps,
  directory: RunDirectory,
  userId: string,
  user: User | undefined,
  memberships: readonly GroupMembership[],
): OrganizationView => ({
  managementAccountId: deps.managementAccountId,
  organizationalUnits: directory.organizationalUnits,
  accounts: [],
  permissionSets: directory.permissionSets,
  groups: directory.groups,
  users: replaced(directory.users, userId, user),
  groupMemberships: memberships,
});

/**
 * The view with the given users as they are now: each is described live and replaces the run's
 * record of it, or leaves the view when it is gone. Returns the same view when there is nothing to
 * describe.
 */
const withLivePrincipals = async (
  deps: RunPartDeps,
  view: OrganizationView,
  changes: readonly Pick<Plan['create'][number], 'principalType' | 'principalId'>[],
): Promise<OrganizationView> => {
  const userIds = [...new Set(changes.filter((c) => c.principalType === 'USER').map((c) => c.principalId))];
  if (userIds.length === 0) return view;
  const users = await Promise.all(userIds.map(async (id) => [id, await deps.identityStore.describeUser(id)] as const));
  return { ...view, users: users.reduce<readonly User[]>((all, [id, user]) => replaced(all, id, user), view.users) };
};

/** The list with the item of this id replaced by `now`, or without it when `now` is `undefined`. */
const replaced = <T extends { readonly id: string }>(items: readonly T[], id: string, now: T | undefined): T[] => [
  ...items.filter((item) => item.id !== id),
  ...(now === undefined ? [] : [now]),
];

/** The planned offboarding on one account that is still due: the assignment exists and its principal is still gone or disabled. */
const liveAccountOffboarding = async (
  deps: RunPartDeps,
  ruleSet: RuleSet,
  view: OrganizationView,
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

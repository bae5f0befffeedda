import { holdRevocations } from '../hold-revocations.js';
import type { Group, GroupMembership, User } from '../model.js';
import type { OrganizationTotals } from '../plan.js';
import { plan, planAccountRemoval, planOffboarding, planPrincipalRemoval } from '../plan.js';
import { emptyPlan, type Plan } from '../plan-types.js';
import type { ClockPort, RulesLoadResult, RulesRejection, RulesSourcePort, RunStorePort } from '../ports.js';
import { leavesDocumentOut } from '../rules/choose-documents.js';
import type { RuleSet } from '../rules/schema.js';
import { type RunPartDeps, reconcileRunPart } from '../runs/reconcile-run-part.js';
import type { RunDirectorySource } from '../runs/run-directory.js';
import { type Scope, scopeKey, type WorkItem, type WorkItemOrigin } from '../scope.js';
import { type ApplyPlanDeps, type ApplyPlanInput, applyPlan } from './apply-plan.js';
import { type DeletedSinceReadDeps, deletedSinceRead } from './deleted-since-read.js';
import { loadPrincipalRemovalView, loadScopeView, type ScopeViewDeps, withPrincipalsOf } from './load-scope-view.js';
import { noneApplied, type ReconcileMode, type ReconcileOutcome } from './outcome.js';
import { type PrincipalAssignmentsDeps, readPrincipalAssignments } from './principal-assignments.js';
import { UnsupportedScopeError } from './reconcile-error.js';
import { ruleNeeds } from './rule-needs.js';

export interface ReconcileDeps extends ScopeViewDeps, PrincipalAssignmentsDeps, ApplyPlanDeps {
  readonly organizations: ScopeViewDeps['organizations'] & PrincipalAssignmentsDeps['organizations'];
  readonly identityStore: ScopeViewDeps['identityStore'] &
    ApplyPlanDeps['identityStore'] & {
      describeGroup(groupId: string): Promise<Group | undefined>;
      listGroupMembershipsForMember(userId: string): Promise<GroupMembership[]>;
      listGroupMemberships(groupId: string): Promise<GroupMembership[]>;
    };
  readonly ssoAdmin: ScopeViewDeps['ssoAdmin'] &
    PrincipalAssignmentsDeps['ssoAdmin'] &
    ApplyPlanDeps['ssoAdmin'] &
    DeletedSinceReadDeps['ssoAdmin'];
  /** The rule set in force; a cache may drop its copy when a work item says the rules changed. */
  readonly rules: RulesSourcePort & {
    expireFor?(origin: WorkItemOrigin): void;
    loadVersion?(version: string): Promise<{ readonly result: RulesLoadResult; readonly current: boolean }>;
  };
  readonly clock: ClockPort;
  /**
   * The rules version accepted last and the organization's totals (docs/design.md §1 "Runs"). An
   * event run plans with the accepted rules (or grants only when it cannot load them) and takes
   * `maxFraction` of the organization's totals. Without it, only `maxPerRun` guards a scope.
   */
  readonly runStore?: Pick<RunStorePort, 'organizationState'>;
  /**
   * The directory an organization-wide run read, for the items that apply it (docs/design.md
   * §1.3); kept per worker environment. Without it, a run's items read the directory live.
   */
  readonly runDirectory?: RunDirectorySource;
}

export interface ReconcileOptions {
  /** `report` plans and reports whatever the rules' `settings.mode` says (the `MODE` setting). */
  readonly modeOverride?: 'report';
}

/**
 * Brings one scope in line with the rules: reads the desired state's inputs and the actual
 * assignments live, plans, and applies (docs/design.md §1). Whatever the event that named the scope
 * said, only the live state counts, so duplicates and reordering cost a reconcile, never a wrong
 * change. Read failures propagate before anything is planned.
 *
 * @example
 * const outcome = await reconcileScope(deps, { scope: { kind: 'account', accountId: '222233334444' }, origin });
 */
export const reconcileScope = async (
  deps: ReconcileDeps,
  item: WorkItem,
  options: ReconcileOptions = {},
): Promise<ReconcileOutcome> => {
  const { scope } = item;
  if (scope.kind === 'all') throw new UnsupportedScopeError(scopeKey(scope));
  const planned = item.run?.planned;
  if (planned !== undefined && deps.rules.loadVersion !== undefined) {
    return reconcileRunPart(deps as RunPartDeps, item, planned, options);
  }
  deps.rules.expireFor?.(item.origin);
  const state = deps.runStore === undefined ? {} : await deps.runStore.organizationState();
  const accepted = state.acceptedRules?.rulesVersion;
  const { ruleSet, rejections, current } =
    accepted !== undefined && deps.rules.loadVersion !== undefined
      ? await deps.rules.loadVersion(accepted).then(({ result, current }) => ({ ...result, current }))
      : { ...(await deps.rules.load()), current: true };
  const run: Run = {
    deps,
    ruleSet,
    rejections,
    scope,
    key: scopeKey(scope),
    origin: item.origin,
    mode: options.modeOverride ?? ruleSet.settings.mode,
    now: deps.clock.now(),
    // Rules older than the accepted ones may not revoke: they could take back what the rules
    // change just granted.
    grantsOnly: !current,
    ...(state.totals === undefined ? {} : { totals: state.totals }),
  };
  switch (scope.kind) {
    case 'account':
      return reconcileAccount(run, scope.accountId);
    case 'account-removed':
      return reconcileRemovedAccount(run, scope.accountId);
    case 'principal':
      return scope.principalType === 'USER'
        ? reconcileUser(run, scope.principalId)
        : reconcileGroup(run, scope.principalId);
  }
};

interface Run {
  readonly deps: ReconcileDeps;
  readonly ruleSet: RuleSet;
  /** Rules documents refused at load: while there is any, the rules are not trusted to revoke with. */
  readonly rejections: readonly RulesRejection[];
  readonly scope: Exclude<Scope, { kind: 'all' }>;
  readonly key: string;
  readonly origin: WorkItemOrigin;
  readonly mode: ReconcileMode;
  /** When the reconcile started (epoch ms): time-bound rules are evaluated at this moment. */
  readonly now: number;
  readonly grantsOnly: boolean;
  readonly totals?: OrganizationTotals;
}

/** What every rules plan of an event run shares: the freshness hold and the organization's totals. */
const runGuard = (run: Run) => ({
  grantsOnly: run.grantsOnly,
  ...(run.totals === undefined ? {} : { organizationTotals: run.totals }),
});

const reconcileAccount = async (run: Run, accountId: string): Promise<ReconcileOutcome> => {
  const [view, actualAssignments] = await Promise.all([
    loadScopeView(run.deps, { ruleSet: run.ruleSet, scope: run.scope }),
    run.deps.ssoAdmin.listAccountAssignments(accountId),
  ]);
  const account = view.accounts.find((a) => a.id === accountId);
  if (account === undefined) return skipped(run, 'the account is not in the organization');
  if (account.status !== 'ACTIVE') return skipped(run, `the account is ${account.status}`);
  const input = {
    ruleSet: run.ruleSet,
    view,
    actualAssignments,
    actualMemberships: [],
    accountIds: new Set([accountId]),
    includeMemberships: false,
    now: run.now,
    ...runGuard(run),
  };
  const draft = plan(input);
  // The view holds the principals the rules name; a revoked one may be anybody.
  const named = await withPrincipalsOf(run.deps, view, draft.delete);
  return apply(run, named === view ? draft : plan({ ...input, view: named }), []);
};

/** The Organizations event that reports a finished closure; only a SUCCEEDED one names `account-removed`. */
const CLOSURE_RESULT_EVENT = 'CloseAccountResult';

/**
 * An account that left the organization, or whose closure is done (SUSPENDED), keeps no managed
 * assignments. One that is still ACTIVE was not removed after all (a closure that failed, an
 * event replayed after the account came back): it is reconciled as an ordinary account, so that
 * it keeps its access. One that is PENDING_CLOSURE is left as it is, since a closure can still
 * fail; the CloseAccountResult that ends it decides (docs/aws-facts.md §1.1).
 */
const reconcileRemovedAccount = async (run: Run, accountId: string): Promise<ReconcileOutcome> => {
  const [view, actualAssignments] = await Promise.all([
    loadScopeView(run.deps, { ruleSet: run.ruleSet, scope: run.scope }),
    run.deps.ssoAdmin.listAccountAssignments(accountId),
  ]);
  const status = view.accounts.find((a) => a.id === accountId)?.status;
  if (status === 'ACTIVE') {
    return reconcileAccount({ ...run, scope: { kind: 'account', accountId } }, accountId);
  }
  if (status === 'PENDING_CLOSURE' && run.origin.eventName !== CLOSURE_RESULT_EVENT) {
    return skipped(run, 'the account is closing: its assignments stay until the closure succeeds');
  }
  const input = { ruleSet: run.ruleSet, view, accountId, actualAssignments, now: run.now };
  const draft = planAccountRemoval(input);
  const named = await withPrincipalsOf(run.deps, view, draft.delete);
  return apply(run, named === view ? draft : planAccountRemoval({ ...input, view: named }), []);
};

/**
 * Describes a principal, reading a second time before calling it deleted: offboarding skips the
 * revocation guard, so one wrong "not found" (an eventually consistent read, a replica behind)
 * must not be enough to strip a principal of everything.
 */
const describeTwice = async <T>(describe: () => Promise<T | undefined>): Promise<T | undefined> =>
  (await describe()) ?? (await describe());

const reconcileUser = async (run: Run, userId: string): Promise<ReconcileOutcome> => {
  const { deps, ruleSet } = run;
  const user = await describeTwice(() => deps.identityStore.describeUser(userId));
  const offboarding = ruleSet.settings.offboarding;
  if (user === undefined || (!user.active && offboarding.onUserDisabled)) {
    return offboardUser(run, userId, user);
  }
  const hasMembershipRules = ruleSet.memberships.length > 0;
  const [memberships, actualAssignments] = await Promise.all([
    hasMembershipRules ? deps.identityStore.listGroupMembershipsForMember(userId) : [],
    readPrincipalAssignments(deps, 'USER', userId),
  ]);
  const view = await loadScopeView(deps, { ruleSet, scope: run.scope, users: [user], memberships });
  const changes = plan({
    ruleSet,
    view,
    actualAssignments,
    actualMemberships: memberships,
    principal: { principalType: 'USER', principalId: userId },
    includeMemberships: hasMembershipRules,
    now: run.now,
    ...runGuard(run),
  });
  return apply(
    run,
    onlyMembershipsOf(changes, (m) => m.userId === userId),
    memberships,
  );
};

/**
 * A deleted user, or a disabled one when `offboarding.onUserDisabled`: every direct assignment
 * goes, managed or not. A deleted user's memberships went with it; a disabled user's are
 * removed when `offboarding.removeGroupMemberships`.
 */
const offboardUser = async (run: Run, userId: string, user: User | undefined): Promise<ReconcileOutcome> => {
  const { deps, ruleSet } = run;
  const readMemberships = user !== undefined && ruleSet.settings.offboarding.removeGroupMemberships;
  const [memberships, actualAssignments] = await Promise.all([
    readMemberships ? deps.identityStore.listGroupMembershipsForMember(userId) : [],
    readPrincipalAssignments(deps, 'USER', userId),
  ]);
  const view = await loadPrincipalRemovalView(deps, { ruleSet, users: user ? [user] : [], memberships });
  const reason = user === undefined ? 'user no longer exists' : 'user is disabled';
  const changes = planOffboarding({
    ruleSet,
    view,
    user: user === undefined ? { id: userId } : { id: userId, userName: user.userName },
    reason,
    actualAssignments,
    memberships,
  });
  return apply(run, changes, memberships, {
    principalType: 'USER',
    principalId: userId,
    reason,
    // Announced only if the user is still gone or inactive once the changes are made: one
    // re-enabled meanwhile was not offboarded, whatever was revoked on the way.
    stillLeaving: async () => {
      const now = await deps.identityStore.describeUser(userId);
      return now === undefined || !now.active;
    },
  });
};

const reconcileGroup = async (run: Run, groupId: string): Promise<ReconcileOutcome> => {
  const { deps, ruleSet } = run;
  const group = await describeTwice(() => deps.identityStore.describeGroup(groupId));
  if (group === undefined) {
    const [actualAssignments, view] = await Promise.all([
      readPrincipalAssignments(deps, 'GROUP', groupId),
      loadPrincipalRemovalView(deps, { ruleSet }),
    ]);
    const reason = 'group no longer exists';
    const changes = planPrincipalRemoval({
      ruleSet,
      view,
      principal: { principalType: 'GROUP', principalId: groupId },
      reason,
      actualAssignments,
    });
    return apply(run, changes, [], {
      principalType: 'GROUP',
      principalId: groupId,
      reason,
      stillLeaving: async () => (await deps.identityStore.describeGroup(groupId)) === undefined,
    });
  }
  const membershipRulesNameIt = ruleNeeds(ruleSet).membershipGroupNames.includes(group.displayName);
  const [memberships, actualAssignments] = await Promise.all([
    membershipRulesNameIt ? deps.identityStore.listGroupMemberships(groupId) : [],
    readPrincipalAssignments(deps, 'GROUP', groupId),
  ]);
  const view = await loadScopeView(deps, {
    ruleSet,
    scope: run.scope,
    groups: [group],
    memberships,
    membershipCandidates: membershipRulesNameIt,
  });
  const changes = plan({
    ruleSet,
    view,
    actualAssignments,
    actualMemberships: memberships,
    principal: { principalType: 'GROUP', principalId: groupId },
    includeMemberships: membershipRulesNameIt,
    now: run.now,
    ...runGuard(run),
  });
  return apply(
    run,
    onlyMembershipsOf(changes, (m) => m.groupId === groupId),
    memberships,
  );
};

/**
 * A principal scope read the memberships of its own principal only, so a membership change of
 * anyone else would rest on a partial read: keep the principal's own.
 */
const onlyMembershipsOf = (changes: Plan, mine: (m: { groupId: string; userId: string }) => boolean): Plan => ({
  ...changes,
  memberships: { add: changes.memberships.add.filter(mine), remove: changes.memberships.remove.filter(mine) },
});

/**
 * Applies a plan, holding back its revocations while rules documents are rejected (docs/design.md
 * §4, invariants 1 and 2). A revocation the rules decide (drift, a rule that no longer grants) is
 * held while any document is rejected: one left out no longer grants what it granted, and a
 * fallback version may be older than what people rely on. A revocation driven by a fact (a leaver,
 * an account that left) is held only while a document is left out entirely, since the protections
 * it may hold are then unknown; with every rejected document at its last valid version, the
 * protections are those in force.
 */
const apply = (
  run: Run,
  changes: Plan,
  memberships: readonly GroupMembership[],
  offboarding?: ApplyPlanInput['offboarding'],
): Promise<ReconcileOutcome> => {
  const factDriven = offboarding !== undefined || run.scope.kind === 'account-removed';
  const hold = factDriven ? leavesDocumentOut(run.rejections) : run.rejections.length > 0;
  const rejected = run.rejections.map((r) => r.document).join(', ');
  return applyPlan(run.deps, {
    plan: hold
      ? holdRevocations(
          changes,
          `revocations held until the rules are valid again: rejected rules document(s) ${rejected}`,
        )
      : changes,
    scope: run.key,
    origin: run.origin,
    mode: run.mode,
    memberships,
    rulesRejected: run.rejections.length,
    ...(offboarding === undefined ? {} : { offboarding }),
    whyGrantCannotSucceed: deletedSinceRead(run.deps),
  });
};

const skipped = (run: Run, reason: string): ReconcileOutcome => ({
  scope: run.key,
  mode: run.mode,
  ...(run.rejections.length > 0 ? { rulesRejected: run.rejections.length } : {}),
  status: 'skipped',
  reason,
  plan: emptyPlan(),
  applied: noneApplied,
});

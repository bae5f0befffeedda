import { type AccountAssignment, type GroupMembership, membershipKey } from '../model.js';
import type { Plan, PlannedCreate, PlannedDelete } from '../plan-types.js';
import type { EventPublisherPort, IdentityStorePort, LifecycleEvent, NotifierPort, SsoAdminPort } from '../ports.js';
import type { WorkItemOrigin } from '../scope.js';
import {
  assignmentCreated,
  assignmentDeleted,
  type EventContext,
  membershipAdded,
  membershipRemoved,
  offboardingCompleted,
  reconcileBlocked,
} from './lifecycle-events.js';
import { noneApplied, type ReconcileMode, type ReconcileOutcome, type SkippedGrant } from './outcome.js';
import { type OperationFailure, ReconcileError } from './reconcile-error.js';

export interface ApplyPlanDeps {
  readonly ssoAdmin: Pick<SsoAdminPort, 'createAccountAssignment' | 'deleteAccountAssignment'>;
  readonly identityStore: Pick<IdentityStorePort, 'createGroupMembership' | 'deleteGroupMembership'>;
  readonly publisher: EventPublisherPort;
  readonly notifier: NotifierPort;
}

export interface ApplyPlanInput {
  readonly plan: Plan;
  /** The scope key, repeated in every event and in the summary. */
  readonly scope: string;
  readonly origin: WorkItemOrigin;
  readonly mode: ReconcileMode;
  /** The memberships read for the plan: a removal needs the Identity Store `MembershipId`. */
  readonly memberships: readonly GroupMembership[];
  /** Rules documents rejected when the rules were loaded, repeated in the outcome (default 0). */
  readonly rulesRejected?: number;
  /**
   * `false` for an item of an organization-wide run, whose one digest went out when it was
   * planned: only a failure is told. Default true.
   */
  readonly notify?: boolean;
  /** Set when the plan offboards a principal: success is announced as "Offboarding Completed". */
  readonly offboarding?: {
    readonly principalType: 'USER' | 'GROUP';
    readonly principalId: string;
    readonly reason: string;
    /**
     * Whether the principal is still gone or inactive, asked after the changes and before
     * "Offboarding Completed" is announced; when it is not, the event is not published.
     */
    readonly stillLeaving?: () => Promise<boolean>;
  };
  /** Grants the caller left out of `plan` on purpose, reported with the outcome. */
  readonly skipped?: readonly SkippedGrant[];
  /**
   * Asked about each grant that failed: a reason means that no retry can make it succeed (its
   * group was deleted since the directory was read), so it is reported as skipped instead of
   * failing the work item. `undefined`, or an error, leaves it a failure.
   */
  readonly whyGrantCannotSucceed?: (change: PlannedCreate) => Promise<string | undefined>;
}

/**
 * Carries out a plan and reports it. In `report` mode nothing changes. Otherwise grants go first
 * and revocations after them, so that a principal whose access moves from one assignment to
 * another never goes without; then membership additions and removals. Every operation runs
 * through the port (which limits concurrency and serialises writes per account) and a failure
 * never stops the others.
 *
 * Each success becomes a lifecycle event; a tripped guard becomes "Reconcile Blocked"; the SNS
 * summary goes out when something changed, was blocked, failed or had rule errors. Only then,
 * if any operation failed, a {@link ReconcileError} is thrown so that the work item is retried.
 *
 * @example
 * const outcome = await applyPlan(deps, { plan, scope: 'account:222233334444', origin, mode: 'enforce', memberships: [] });
 */
export const applyPlan = async (deps: ApplyPlanDeps, input: ApplyPlanInput): Promise<ReconcileOutcome> => {
  const { plan, mode } = input;
  const context: EventContext = { scope: input.scope, origin: input.origin, mode };
  const base = {
    scope: input.scope,
    mode,
    plan,
    ...(input.rulesRejected ? { rulesRejected: input.rulesRejected } : {}),
    ...(input.offboarding === undefined
      ? {}
      : {
          reason: input.offboarding.reason,
          offboarding: { principalType: input.offboarding.principalType, principalId: input.offboarding.principalId },
        }),
  };

  if (mode === 'report') {
    const outcome: ReconcileOutcome = {
      ...base,
      status: 'reported',
      applied: noneApplied,
      ...(input.skipped === undefined || input.skipped.length === 0 ? {} : { skipped: input.skipped }),
    };
    const events = plan.blocked.length > 0 ? [reconcileBlocked(plan, context)] : [];
    await finish(deps, input, outcome, events, []);
    return outcome;
  }

  const failures: OperationFailure[] = [];
  const events: LifecycleEvent[] = [];

  const created = await settle(plan.create, (c) => deps.ssoAdmin.createAccountAssignment(toAssignment(c)));
  for (const c of created.done) events.push(assignmentCreated(c, context));
  const skipped: SkippedGrant[] = [...(input.skipped ?? [])];
  const failedCreates: PlannedCreate[] = [];
  const impossibleCreates: PlannedCreate[] = [];
  for (const [c, error] of created.failed) {
    const reason = await whyNot(input, c, error);
    if (typeof reason === 'string') {
      skipped.push({ change: c, reason });
      impossibleCreates.push(c);
    } else {
      failedCreates.push(c);
      failures.push(failure('create-assignment', assignmentTarget(c), reason));
    }
  }

  // A revocation whose replacement grant for the same principal on the same account failed would
  // leave that principal without access until the retry: hold it back and let the retry do both.
  // One whose replacement can never succeed (its group or permission set is gone) is held as well,
  // as a block rather than a failure: no retry would make the grant, and a plan made now would hold
  // it too, since the rule that wants the grant names something that no longer exists.
  const failedGrants = new Set(failedCreates.map((c) => principalOnAccount(c)));
  const impossibleGrants = new Set(impossibleCreates.map((c) => principalOnAccount(c)));
  const heldBack = plan.delete.filter((d) => failedGrants.has(principalOnAccount(d)));
  const heldForGood = plan.delete.filter(
    (d) => !failedGrants.has(principalOnAccount(d)) && impossibleGrants.has(principalOnAccount(d)),
  );
  const deletable = plan.delete.filter(
    (d) => !failedGrants.has(principalOnAccount(d)) && !impossibleGrants.has(principalOnAccount(d)),
  );
  const reported = withHeld(plan, heldForGood);
  failures.push(
    ...heldBack.map((d) =>
      failure(
        'delete-assignment',
        assignmentTarget(d),
        new Error('held back: the grant that replaces it for this principal on this account failed'),
      ),
    ),
  );
  const deleted = await settle(deletable, (d) => deps.ssoAdmin.deleteAccountAssignment(toAssignment(d)));
  for (const d of deleted.done) events.push(assignmentDeleted(d, context));
  failures.push(...deleted.failed.map(([d, error]) => failure('delete-assignment', assignmentTarget(d), error)));

  const added = await settle(plan.memberships.add, (m) =>
    deps.identityStore.createGroupMembership(m.groupId, m.userId),
  );
  for (const m of added.done) events.push(membershipAdded(m, context));
  failures.push(...added.failed.map(([m, error]) => failure('add-membership', membershipKey(m), error)));

  const membershipIds = new Map(input.memberships.map((m) => [membershipKey(m), m.membershipId]));
  const removed = await settle(plan.memberships.remove, async (m) => {
    const id = membershipIds.get(membershipKey(m));
    if (id === undefined) throw new Error('the membership id was not read, so the membership cannot be removed');
    await deps.identityStore.deleteGroupMembership(id);
  });
  for (const m of removed.done) events.push(membershipRemoved(m, context));
  failures.push(...removed.failed.map(([m, error]) => failure('remove-membership', membershipKey(m), error)));

  const applied = {
    assignmentsCreated: created.done.length,
    assignmentsDeleted: deleted.done.length,
    membershipsAdded: added.done.length,
    membershipsRemoved: removed.done.length,
  };
  const outcome: ReconcileOutcome = {
    ...base,
    plan: reported,
    status: 'applied',
    applied,
    ...(skipped.length === 0
      ? {}
      : { skipped, ...(base.reason === undefined ? { reason: `${skipped.length} planned grant(s) skipped` } : {}) }),
  };
  if (reported.blocked.length > 0) events.push(reconcileBlocked(reported, context));
  if (input.offboarding !== undefined && failures.length === 0 && (await stillLeaving(input.offboarding, failures))) {
    events.push(offboardingCompleted(input.offboarding, input.offboarding.reason, applied, context));
  }
  await finish(deps, { ...input, plan: reported }, outcome, events, failures);
  return outcome;
};

/** Why revocations are held when the grants that replace them can never succeed. */
export const REPLACEMENT_CANNOT_SUCCEED =
  'revocations held: the grant that replaces each for its principal on this account can never succeed (its group or permission set no longer exists)';

/** The plan as carried out: `held` moved from its deletions to a block of their own. */
const withHeld = (plan: Plan, held: readonly PlannedDelete[]): Plan => {
  if (held.length === 0) return plan;
  const heldSet = new Set(held);
  return {
    ...plan,
    delete: plan.delete.filter((d) => !heldSet.has(d)),
    blocked: [...plan.blocked, { reason: REPLACEMENT_CANNOT_SUCCEED, wouldDelete: held.length, changes: held }],
  };
};

/**
 * Why a failed grant cannot succeed on a retry, or the error to report it with. When the check
 * itself fails, the grant stays a failure and the check's error goes with it.
 */
const whyNot = async (input: ApplyPlanInput, change: PlannedCreate, error: Error): Promise<string | Error> => {
  if (input.whyGrantCannotSucceed === undefined) return error;
  try {
    return (await input.whyGrantCannotSucceed(change)) ?? error;
  } catch (checkError) {
    return new Error(`${error.message}; checking whether it can succeed failed too`, {
      cause: new AggregateError([error, toError(checkError)]),
    });
  }
};

/** A failed check is recorded as a failure (so the item is retried) and announces nothing. */
const stillLeaving = async (
  offboarding: NonNullable<ApplyPlanInput['offboarding']>,
  failures: OperationFailure[],
): Promise<boolean> => {
  if (offboarding.stillLeaving === undefined) return true;
  try {
    return await offboarding.stillLeaving();
  } catch (error) {
    failures.push(failure('confirm-offboarding', `${offboarding.principalType}:${offboarding.principalId}`, error));
    return false;
  }
};

/** Publishes the events and the summary, then throws if anything (applying or reporting) failed. */
const finish = async (
  deps: ApplyPlanDeps,
  input: ApplyPlanInput,
  outcome: ReconcileOutcome,
  events: readonly LifecycleEvent[],
  failures: readonly OperationFailure[],
): Promise<void> => {
  const { plan } = input;
  // A run's items leave the telling to the run's digest, but for their failures.
  const worthTelling =
    failures.length > 0 ||
    (input.notify !== false && (hasChanges(plan) || plan.blocked.length > 0 || plan.errors.length > 0));
  const [published, notified] = await Promise.allSettled([
    events.length > 0 ? deps.publisher.publish(events) : Promise.resolve(),
    worthTelling
      ? deps.notifier.notify(subject(outcome, failures.length), {
          scope: input.scope,
          plan,
          applied: outcome.status === 'applied',
        })
      : Promise.resolve(),
  ]);
  const all = [...failures];
  if (published.status === 'rejected') all.push(failure('publish-events', input.scope, published.reason));
  if (notified.status === 'rejected') all.push(failure('notify', input.scope, notified.reason));
  if (all.length > 0) throw new ReconcileError(outcome, all);
};

export const hasChanges = (plan: Plan): boolean =>
  plan.create.length + plan.delete.length + plan.memberships.add.length + plan.memberships.remove.length > 0;

const subject = (outcome: ReconcileOutcome, failureCount: number): string => {
  const what =
    failureCount > 0
      ? `${failureCount} failure(s)`
      : outcome.plan.blocked.length > 0
        ? 'revocations blocked'
        : outcome.status === 'reported'
          ? 'changes planned (report mode)'
          : 'changes applied';
  return `idc-lifecycle ${outcome.scope}: ${what}`.slice(0, 100);
};

const settle = async <T>(
  items: readonly T[],
  run: (item: T) => Promise<void>,
): Promise<{ done: T[]; failed: [T, Error][] }> => {
  const results = await Promise.allSettled(items.map((item) => run(item)));
  const done: T[] = [];
  const failed: [T, Error][] = [];
  results.forEach((result, index) => {
    const item = items[index] as T;
    if (result.status === 'fulfilled') done.push(item);
    else failed.push([item, toError(result.reason)]);
  });
  return { done, failed };
};

const toError = (value: unknown): Error =>
  value instanceof Error ? value : new Error(`Non-Error thrown: ${String(value)}`, { cause: value });

const failure = (operation: OperationFailure['operation'], target: string, error: unknown): OperationFailure => ({
  operation,
  target,
  error: toError(error),
});

const toAssignment = (change: PlannedCreate | PlannedDelete): AccountAssignment => ({
  accountId: change.accountId,
  permissionSetArn: change.permissionSetArn,
  principalType: change.principalType,
  principalId: change.principalId,
});

const assignmentTarget = (change: PlannedCreate | PlannedDelete): string =>
  `${change.accountId}|${change.permissionSetName}|${change.principalType}|${change.principalId}`;

const principalOnAccount = (change: PlannedCreate | PlannedDelete): string =>
  `${change.accountId}|${change.principalType}|${change.principalId}`;

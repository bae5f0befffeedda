import type { Plan, PlannedCreate, PlannedDelete } from '../../shared/domain/plan-types.js';
import { emptyPlan } from '../../shared/domain/plan-types.js';
import type { LifecycleEvent } from '../../shared/domain/ports.js';
import type { ReconcileOutcome } from '../../shared/domain/reconcile/outcome.js';
import type { ReconcileRecord } from './harness.js';

/**
 * What one reconcile changed, in the plan shape of docs/design.md §6. A reconcile's plan is what it set
 * out to do; the lifecycle events it published are what it did (one per successful operation),
 * so the changes are the planned items that have an event. In report mode nothing is done and the
 * plan is what the worker reports, so the plan is returned as it is.
 */

const assignmentKey = (a: {
  readonly accountId: unknown;
  readonly permissionSetArn: unknown;
  readonly principalType: unknown;
  readonly principalId: unknown;
}): string =>
  `${String(a.accountId)}|${String(a.permissionSetArn)}|${String(a.principalType)}|${String(a.principalId)}`;

const membershipKey = (m: { readonly groupId: unknown; readonly userId: unknown }): string =>
  `${String(m.groupId)}|${String(m.userId)}`;

const keysOf = (events: readonly LifecycleEvent[], detailType: LifecycleEvent['detailType']): Set<string> => {
  const keys = new Set<string>();
  for (const event of events) {
    if (event.detailType !== detailType) continue;
    const d = event.detail;
    keys.add(
      detailType.startsWith('Membership')
        ? membershipKey({ groupId: d.groupId, userId: d.userId })
        : assignmentKey({
            accountId: d.accountId,
            permissionSetArn: d.permissionSetArn,
            principalType: d.principalType,
            principalId: d.principalId,
          }),
    );
  }
  return keys;
};

/** The changes one reconcile made, from its outcome and the lifecycle events it published. */
export const changesOf = (outcome: ReconcileOutcome, events: readonly LifecycleEvent[]): Plan => {
  if (outcome.status === 'skipped') return emptyPlan();
  const { plan } = outcome;
  if (outcome.status === 'reported') return plan;
  const created = keysOf(events, 'Assignment Created');
  const deleted = keysOf(events, 'Assignment Deleted');
  const added = keysOf(events, 'Membership Added');
  const removed = keysOf(events, 'Membership Removed');
  return {
    create: plan.create.filter((c: PlannedCreate) => created.has(assignmentKey(c))),
    delete: plan.delete.filter((d: PlannedDelete) => deleted.has(assignmentKey(d))),
    memberships: {
      add: plan.memberships.add.filter((m) => added.has(membershipKey(m))),
      remove: plan.memberships.remove.filter((m) => removed.has(membershipKey(m))),
    },
    blocked: plan.blocked,
    errors: plan.errors,
  };
};

/**
 * Adds plans up in order. A rule error is reported once however many scopes ran into it (a
 * fan-out meets the same unresolved reference on every account).
 */
export const sumPlans = (plans: readonly Plan[]): Plan => {
  const errors = new Map<string, Plan['errors'][number]>();
  for (const plan of plans) for (const e of plan.errors) errors.set(`${e.ruleId}\u0000${e.message}`, e);
  return {
    create: plans.flatMap((p) => p.create),
    delete: plans.flatMap((p) => p.delete),
    memberships: {
      add: plans.flatMap((p) => p.memberships.add),
      remove: plans.flatMap((p) => p.memberships.remove),
    },
    blocked: plans.flatMap((p) => p.blocked),
    errors: [...errors.values()],
  };
};

export const changeCount = (plan: Plan): number =>
  plan.create.length + plan.delete.length + plan.memberships.add.length + plan.memberships.remove.length;

/** What reconciles did, and what they only reported because the rules say `mode: report`. */
export interface ChangesByMode {
  /** Carried out, with every revocation held back and every rule error. */
  readonly changed: Plan;
  /** Planned and reported under `mode: report`, not carried out (no `blocked` or `errors`: those are in `changed`). */
  readonly reported: Plan;
}

/** One item per key, the last one given (with its latest rules or reason), in order of first appearance. */
const latestBy = <T>(items: readonly T[], key: (item: T) => string): T[] => [
  ...new Map(items.map((item) => [key(item), item] as const)).values(),
];

/**
 * Splits reconciles by whether they changed anything: a reconcile under `mode: report` returns
 * its plan as its changes, and adding it to what others did would tell a reader that it happened.
 * Since a report changes nothing, the next event's reconcile reports the same change again: the
 * reported changes count each assignment and membership once.
 */
export const changesByMode = (records: readonly ReconcileRecord[]): ChangesByMode => {
  const isReported = (r: ReconcileRecord): boolean => r.outcome?.status === 'reported';
  const all = sumPlans(records.map((r) => r.changes));
  const changed = sumPlans(records.filter((r) => !isReported(r)).map((r) => r.changes));
  const reported = sumPlans(records.filter(isReported).map((r) => r.changes));
  return {
    changed: { ...changed, blocked: all.blocked, errors: all.errors },
    reported: {
      create: latestBy(reported.create, assignmentKey),
      delete: latestBy(reported.delete, assignmentKey),
      memberships: {
        add: latestBy(reported.memberships.add, membershipKey),
        remove: latestBy(reported.memberships.remove, membershipKey),
      },
      blocked: [],
      errors: [],
    },
  };
};

import type { Plan, PlannedCreate, PlannedDelete } from '../../shared/domain/plan-types.js';
import { emptyPlan } from '../../shared/domain/plan-types.js';
import type { LifecycleEvent } from '../../shared/domain/ports.js';
import type { ReconcileOutcome } from '../../shared/domain/reconcile/outcome.js';

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

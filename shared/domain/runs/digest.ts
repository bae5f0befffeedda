import type { Plan } from '../plan-types.js';
import type { NotifierPort } from '../ports.js';
import type { RunRecord } from './run.js';

/** The counts of a run's plan, as the run record and the digest give them. */
export const planCounts = (plan: Plan, items: number) => ({
  create: plan.create.length,
  delete: plan.delete.length,
  membershipAdd: plan.memberships.add.length,
  membershipRemove: plan.memberships.remove.length,
  held: plan.blocked.reduce((sum, block) => sum + block.changes.length, 0),
  errors: plan.errors.length,
  items,
});

/** Whether a run's digest is worth sending: it changes, holds or reports something. */
export const worthTelling = (plan: Plan): boolean =>
  plan.create.length + plan.delete.length + plan.memberships.add.length + plan.memberships.remove.length > 0 ||
  plan.blocked.length > 0 ||
  plan.errors.length > 0;

/**
 * One notification per run (docs/design.md §1 "Runs"): the counts, every change with its account
 * and principal, the held changes and the rule errors, in one message however many accounts the
 * run touches. Sent when the run is planned; the worker items that carry it out do not notify
 * again (a failing item is retried, then dead-lettered with an alarm).
 *
 * @example
 * await sendRunDigest(deps.notifier, run, plan);
 */
export const sendRunDigest = async (notifier: NotifierPort, run: RunRecord, plan: Plan): Promise<void> => {
  if (!worthTelling(plan)) return;
  const counts = planCounts(plan, 0);
  const what =
    run.status === 'blocked'
      ? `${counts.held} revocation(s) held for approval`
      : run.mode === 'report'
        ? 'changes planned (report mode)'
        : `${counts.create + counts.membershipAdd} grant(s), ${counts.delete + counts.membershipRemove} revocation(s)`;
  await notifier.notify(`idc-lifecycle run ${run.runId}: ${what}`.slice(0, 100), {
    scope: `run ${run.runId} (${run.trigger})`,
    plan,
    applied: run.mode !== 'report',
  });
};

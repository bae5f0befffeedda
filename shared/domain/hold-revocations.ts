import type { Plan } from './plan-types.js';

/**
 * The plan with every revocation (assignment deletions and membership removals) held back and
 * counted in `blocked` under `reason`; grants stand. Used where the rules in force cannot be
 * trusted to revoke with (docs/design.md §4, invariant 1): a document rejected and left out no
 * longer grants what it granted, so revoking by the remaining ones would take that access away.
 *
 * @example
 * holdRevocations(plan, 'revocations held: rules document /idc-lifecycle/rules/workloads is rejected')
 */
export const holdRevocations = (plan: Plan, reason: string): Plan => {
  const held = plan.delete.length + plan.memberships.remove.length;
  if (held === 0) return plan;
  return {
    ...plan,
    delete: [],
    memberships: { add: plan.memberships.add, remove: [] },
    blocked: [...plan.blocked, { reason, wouldDelete: held, changes: [...plan.delete, ...plan.memberships.remove] }],
  };
};

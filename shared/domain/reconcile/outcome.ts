import type { Plan, PlannedCreate } from '../plan-types.js';

export type ReconcileMode = 'enforce' | 'report';

/** How many planned changes were carried out (all zero in report mode). */
export interface AppliedCounts {
  readonly assignmentsCreated: number;
  readonly assignmentsDeleted: number;
  readonly membershipsAdded: number;
  readonly membershipsRemoved: number;
}

/** What one reconcile did, for logs and metrics. */
export interface ReconcileOutcome {
  /** The scope key, e.g. `account:222233334444`. */
  readonly scope: string;
  readonly mode: ReconcileMode;
  /** `skipped`: nothing to reconcile (see `reason`); `reported`: planned only; `applied`: changes made. */
  readonly status: 'applied' | 'reported' | 'skipped';
  /** Why the scope was skipped, or why a user was offboarded. */
  readonly reason?: string;
  readonly plan: Plan;
  readonly applied: AppliedCounts;
  /** Rules documents that were rejected when this reconcile loaded the rules (absent when none). */
  readonly rulesRejected?: number;
  /** Set when the scope offboarded a user or purged a deleted group. */
  readonly offboarding?: { readonly principalType: 'USER' | 'GROUP'; readonly principalId: string };
  /** Planned grants left out on purpose, each with why (a run's grant to a principal that has gone since). */
  readonly skipped?: readonly SkippedGrant[];
}

/** A planned grant that was not applied, and why; it is not retried. */
export interface SkippedGrant {
  readonly change: PlannedCreate;
  readonly reason: string;
}

export const noneApplied: AppliedCounts = {
  assignmentsCreated: 0,
  assignmentsDeleted: 0,
  membershipsAdded: 0,
  membershipsRemoved: 0,
};

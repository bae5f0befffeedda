import type { PrincipalType } from './model.js';

/**
 * The plan object of docs/design.md §6: what `plan --format json` and `simulate --format json` print, and
 * what the worker applies. Names sit next to ids so that a reader never has to look one up.
 */
export interface PlannedCreate {
  readonly accountId: string;
  readonly permissionSetArn: string;
  readonly permissionSetName: string;
  readonly principalType: PrincipalType;
  readonly principalId: string;
  readonly principalName: string;
  /** The rule ids that want this assignment (provenance). */
  readonly ruleIds: readonly string[];
}

export interface PlannedDelete {
  readonly accountId: string;
  readonly permissionSetArn: string;
  readonly permissionSetName: string;
  readonly principalType: PrincipalType;
  readonly principalId: string;
  readonly principalName: string;
  /** Why it goes, e.g. "no rule grants this managed permission set" or "user disabled". */
  readonly reason: string;
}

export interface PlannedMembershipAdd {
  readonly groupId: string;
  readonly userId: string;
  readonly ruleIds: readonly string[];
}

export interface PlannedMembershipRemove {
  readonly groupId: string;
  readonly userId: string;
  readonly reason: string;
}

/** A revocation held back: an assignment deletion or a membership removal, shaped as in the plan. */
export type HeldChange = PlannedDelete | PlannedMembershipRemove;

export interface PlanBlock {
  readonly reason: string;
  /** How many revocations were held back. */
  readonly wouldDelete: number;
  /** Every held change, so that a reader (and an approval) can see exactly what waits. */
  readonly changes: readonly HeldChange[];
}

export interface PlanError {
  readonly ruleId: string;
  readonly message: string;
}

export interface Plan {
  readonly create: readonly PlannedCreate[];
  readonly delete: readonly PlannedDelete[];
  readonly memberships: {
    readonly add: readonly PlannedMembershipAdd[];
    readonly remove: readonly PlannedMembershipRemove[];
  };
  readonly blocked: readonly PlanBlock[];
  readonly errors: readonly PlanError[];
}

export const emptyPlan = (): Plan => ({
  create: [],
  delete: [],
  memberships: { add: [], remove: [] },
  blocked: [],
  errors: [],
});

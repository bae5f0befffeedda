import type {
  Account,
  AccountAssignment,
  Group,
  GroupMembership,
  OrganizationalUnit,
  PermissionSet,
  PrincipalType,
  User,
} from './model.js';
import type { OrganizationTotals } from './plan.js';
import type { Plan } from './plan-types.js';
import type { RuleSet } from './rules/schema.js';
import type { RunRecord } from './runs/run.js';
import type { WorkItem } from './scope.js';

/**
 * The ports the core owns (STYLE §2). Adapters in `shared/adapters` implement them with the AWS
 * SDK; tests use the in-memory fakes in `test/support/fakes`. Lookups of things that do not exist
 * return `undefined`; every other failure throws.
 */

export interface OrganizationsPort {
  /** Every OU and the root, with parent ids (the whole tree; cache it). */
  listOrganizationalUnits(): Promise<OrganizationalUnit[]>;
  /** Every account with its parent; tags only when asked, since they cost one call per account. */
  listAccounts(options: { readonly withTags: boolean }): Promise<Account[]>;
  /** One account with its parent (`ListParents`) and, when asked, its tags; `undefined` if unknown. */
  describeAccount(accountId: string, options: { readonly withTags: boolean }): Promise<Account | undefined>;
  /** One account's tags (`ListTagsForResource`); `undefined` when the account is no longer in the organization. */
  listAccountTags(accountId: string): Promise<Record<string, string> | undefined>;
}

export interface IdentityStorePort {
  /** `GetGroupId` by `displayName`; `undefined` when there is no such group. */
  getGroupIdByDisplayName(displayName: string): Promise<string | undefined>;
  /** `GetUserId` by `userName`; `undefined` when there is no such user. */
  getUserIdByUserName(userName: string): Promise<string | undefined>;
  describeGroup(groupId: string): Promise<Group | undefined>;
  describeUser(userId: string): Promise<User | undefined>;
  listUsers(): Promise<User[]>;
  listGroups(): Promise<Group[]>;
  /** Memberships of one user, with `membershipId`. */
  listGroupMembershipsForMember(userId: string): Promise<GroupMembership[]>;
  /** Members of one group, with `membershipId`. */
  listGroupMemberships(groupId: string): Promise<GroupMembership[]>;
  /** Adds a user to a group; an existing membership counts as done. */
  createGroupMembership(groupId: string, userId: string): Promise<void>;
  /** Removes a membership; one that is already gone counts as done. */
  deleteGroupMembership(membershipId: string): Promise<void>;
}

export interface SsoAdminPort {
  listPermissionSets(): Promise<PermissionSet[]>;
  /** One permission set as it is now, or `undefined` when Identity Center does not find it (deleted). */
  describePermissionSet(permissionSetArn: string): Promise<PermissionSet | undefined>;
  /**
   * Every direct assignment on one account (`ListPermissionSetsProvisionedToAccount` + one
   * `ListAccountAssignments` per provisioned permission set). With `permissionSetArns`, only the
   * assignments in those permission sets, read with `ListAccountAssignments` for those of them
   * that can hold any: all of them directly when at most one may not be provisioned, otherwise
   * those `ListPermissionSetsProvisionedToAccount` lists. `likelyProvisioned` names those of
   * `permissionSetArns` the caller expects to hold assignments (they did when it last read them):
   * it only helps choose the cheaper way to read, and never changes the answer. A permission set
   * deleted meanwhile holds none, but only once `DescribePermissionSet` confirms it is gone: a
   * not-found of `ListAccountAssignments` alone fails the listing.
   */
  listAccountAssignments(
    accountId: string,
    options?: { readonly permissionSetArns?: readonly string[]; readonly likelyProvisioned?: readonly string[] },
  ): Promise<AccountAssignment[]>;
  /**
   * Every direct assignment of one principal (`ListAccountAssignmentsForPrincipal`). Only the
   * management account may call it; throws {@link PrincipalListingUnavailableError} when the caller
   * cannot, so that the caller can scan accounts instead.
   */
  listAccountAssignmentsForPrincipal(principalType: PrincipalType, principalId: string): Promise<AccountAssignment[]>;
  /** Resolves once the request status is `SUCCEEDED`; throws {@link AssignmentOperationError} on `FAILED`. */
  createAccountAssignment(assignment: AccountAssignment): Promise<void>;
  /** Resolves once deleted, or when the principal or the assignment is already gone. */
  deleteAccountAssignment(assignment: AccountAssignment): Promise<void>;
}

/** A rules document that was refused, with where and why. */
export interface RulesRejection {
  readonly document: string;
  readonly message: string;
  /** The version kept in force instead, when there is one. */
  readonly fallbackVersion?: number;
}

export interface RulesLoadResult {
  readonly ruleSet: RuleSet;
  /** Documents whose newest version was invalid (the last valid version is in force). */
  readonly rejections: readonly RulesRejection[];
}

export interface RulesSourcePort {
  /**
   * Loads and validates every rules document. Throws {@link RulesUnavailableError} when no valid
   * rule set can be formed (no document at all counts: it is never read as "revoke everything").
   */
  load(): Promise<RulesLoadResult>;
}

export interface WorkQueuePort {
  enqueue(items: readonly WorkItem[]): Promise<void>;
}

/** Detail types emitted on the custom bus. */
export type LifecycleEventType =
  | 'Assignment Created'
  | 'Assignment Deleted'
  | 'Membership Added'
  | 'Membership Removed'
  | 'Offboarding Completed'
  | 'Reconcile Blocked'
  | 'Run Blocked'
  | 'Run Planned'
  | 'Rules Rejected';

export interface LifecycleEvent {
  readonly detailType: LifecycleEventType;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface EventPublisherPort {
  publish(events: readonly LifecycleEvent[]): Promise<void>;
}

export interface NotifierPort {
  notify(
    subject: string,
    summary: { readonly scope: string; readonly plan: Plan; readonly applied: boolean },
  ): Promise<void>;
}

/** The rules version accepted last and the organization's totals counted last (docs/design.md §1 "Runs"). */
export interface OrganizationState {
  /** Set when a rules change was accepted: every run that starts later plans with it or newer. */
  readonly acceptedRules?: { readonly rulesVersion: string; readonly runId: string; readonly acceptedAt: number };
  /** Counted by the latest organization-wide run: what single-scope runs take `maxFraction` of. */
  readonly totals?: OrganizationTotals & { readonly runId: string };
}

/**
 * Where runs live: their records (for `runs`, approvals and the digest), the parts of an
 * organization-wide run's read and which of them are done (so that a timed-out invocation loses
 * at most what it read since it last saved), and the organization state that single-scope runs
 * consult.
 */
export interface RunStorePort {
  saveRun(run: RunRecord): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** The most recent runs first. */
  listRuns(limit: number): Promise<RunRecord[]>;
  /** Keeps a JSON value under a name within a run, however large. */
  saveState(runId: string, name: string, value: unknown): Promise<void>;
  /** `undefined` when nothing was saved under the name. */
  loadState(runId: string, name: string): Promise<unknown>;
  /**
   * Adds `part` to the parts of a run's read that are done, atomically, and answers the parts that
   * were done before this call: of several callers completing the set at once, exactly one sees
   * its own part missing from the answer while every other part is in it.
   */
  markPartRead(runId: string, part: string): Promise<readonly string[]>;
  /** The parts of a run's read that are done so far (strongly consistent). */
  partsRead(runId: string): Promise<readonly string[]>;
  organizationState(): Promise<OrganizationState>;
  acceptRules(accepted: NonNullable<OrganizationState['acceptedRules']>): Promise<void>;
  saveTotals(totals: NonNullable<OrganizationState['totals']>): Promise<void>;
}

export interface ClockPort {
  now(): number;
}

/**
 * The organization and Identity Center as the engine sees them. Names follow the IAM Identity
 * Center, Organizations and Identity Store APIs so that every field can be looked up in the AWS docs.
 */

export type PrincipalType = 'USER' | 'GROUP';

/** Organizations `Account.Status` (the deprecated field still returned by `ListAccounts`). */
export type AccountStatus = 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE';

export interface OrganizationalUnit {
  /** `r-xxxx` for the root, `ou-xxxx-yyyyyyyy` otherwise. */
  readonly id: string;
  readonly name: string;
  /** `null` for the root. */
  readonly parentId: string | null;
}

export interface Account {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly status: AccountStatus;
  /** The root or OU that holds the account (from `ListParents`). */
  readonly parentId: string;
  /** Account tags; `undefined` when they were not read (no rule uses tags). */
  readonly tags?: Readonly<Record<string, string>>;
}

export interface PermissionSet {
  readonly arn: string;
  readonly name: string;
}

export interface Group {
  readonly id: string;
  readonly displayName: string;
}

/**
 * User attributes that attribute selectors (`users: { where: … }`, `memberships[].where`) may
 * name. A fixed list, so that a typo in a selector is a validation error and not a selector that
 * silently matches nobody.
 */
export const USER_ATTRIBUTES = [
  'userName',
  'displayName',
  'title',
  'userType',
  'department',
  'division',
  'organization',
  'costCenter',
  'employeeNumber',
  'locale',
  'preferredLanguage',
  'timezone',
] as const;
export type UserAttribute = (typeof USER_ATTRIBUTES)[number];

export interface User {
  readonly id: string;
  readonly userName: string;
  readonly displayName?: string;
  /** `false` once the user is disabled in the identity source. */
  readonly active: boolean;
  readonly emails?: readonly string[];
  readonly title?: string;
  readonly userType?: string;
  readonly department?: string;
  readonly division?: string;
  readonly organization?: string;
  readonly costCenter?: string;
  readonly employeeNumber?: string;
  readonly locale?: string;
  readonly preferredLanguage?: string;
  readonly timezone?: string;
}

export interface GroupMembership {
  /** Identity Store `MembershipId`; absent in snapshots and for memberships not yet created. */
  readonly membershipId?: string;
  readonly groupId: string;
  readonly userId: string;
}

/** The key of an account assignment: `CreateAccountAssignment` input minus the instance. */
export interface AccountAssignment {
  readonly accountId: string;
  readonly permissionSetArn: string;
  readonly principalType: PrincipalType;
  readonly principalId: string;
}

/**
 * What evaluation reads. In the CLI it is the whole organization (from a snapshot or a live
 * export); in the worker it holds what one scope needs: groups and users that rules name are
 * looked up and are simply absent when they do not exist.
 */
export interface OrganizationView {
  readonly managementAccountId: string;
  readonly organizationalUnits: readonly OrganizationalUnit[];
  readonly accounts: readonly Account[];
  readonly permissionSets: readonly PermissionSet[];
  readonly groups: readonly Group[];
  readonly users: readonly User[];
  readonly groupMemberships: readonly GroupMembership[];
}

/** A stable string key for an assignment, for sets and maps. */
export const assignmentKey = (a: AccountAssignment): string =>
  `${a.accountId}|${a.permissionSetArn}|${a.principalType}|${a.principalId}`;

export const membershipKey = (m: GroupMembership): string => `${m.groupId}|${m.userId}`;

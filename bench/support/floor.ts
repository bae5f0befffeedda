import type { EmulatorStats } from '../../emulator/types.js';

/**
 * The operations that draw from Identity Center's shared 20 TPS in the emulator's quota model
 * (docs/emulator.md): every SSO Admin and Identity Store call. Organizations and SSM have their
 * own quotas.
 */
export const IDENTITY_CENTER_OPERATIONS: ReadonlySet<string> = new Set([
  // SSO Admin
  'ListInstances',
  'ListPermissionSets',
  'DescribePermissionSet',
  'ListPermissionSetsProvisionedToAccount',
  'ListAccountAssignments',
  'ListAccountAssignmentsForPrincipal',
  'CreateAccountAssignment',
  'DeleteAccountAssignment',
  'DescribeAccountAssignmentCreationStatus',
  'DescribeAccountAssignmentDeletionStatus',
  // Identity Store
  'GetGroupId',
  'GetUserId',
  'DescribeUser',
  'DescribeGroup',
  'ListUsers',
  'ListGroups',
  'ListGroupMemberships',
  'ListGroupMembershipsForMember',
  'GetGroupMembershipId',
  'DescribeGroupMembership',
  'CreateGroupMembership',
  'DeleteGroupMembership',
]);

export const ORGANIZATIONS_OPERATIONS: ReadonlySet<string> = new Set([
  'DescribeOrganization',
  'ListRoots',
  'ListOrganizationalUnitsForParent',
  'ListChildren',
  'DescribeOrganizationalUnit',
  'ListAccounts',
  'ListAccountsForParent',
  'ListParents',
  'DescribeAccount',
  'ListTagsForResource',
]);

export const sumCalls = (calls: Readonly<Record<string, number>>, operations: ReadonlySet<string>): number =>
  Object.entries(calls).reduce((total, [name, count]) => total + (operations.has(name) ? count : 0), 0);

export interface FloorInput {
  /** Assignment operations applied (creates + deletes). */
  readonly operations: number;
  /** The most operations applied to one account. */
  readonly maxPerAccount: number;
  /** Identity Center calls that drew from the request budget. */
  readonly calls: number;
  /** Emulated latency of one assignment operation, ms. */
  readonly latencyMs: number;
  readonly outstandingCreates?: number;
  readonly tps?: number;
}

export interface Floor {
  readonly ms: number;
  /** Which term sets it. */
  readonly boundBy: 'outstanding creates' | 'one change per account' | 'request rate';
  readonly terms: { readonly outstandingMs: number; readonly perAccountMs: number; readonly requestRateMs: number };
}

/**
 * docs/design.md §8: time ≥ max(N·L/10, max over accounts of nₐ·L, calls/20). The first term applies the
 * ten-outstanding limit to every operation, deletes included, as docs/design.md §8 states it.
 */
export const floor = (input: FloorInput): Floor => {
  const outstandingMs = (input.operations * input.latencyMs) / (input.outstandingCreates ?? 10);
  const perAccountMs = input.maxPerAccount * input.latencyMs;
  const requestRateMs = (input.calls / (input.tps ?? 20)) * 1000;
  const ms = Math.max(outstandingMs, perAccountMs, requestRateMs);
  const boundBy =
    ms === outstandingMs ? 'outstanding creates' : ms === perAccountMs ? 'one change per account' : 'request rate';
  return { ms, boundBy, terms: { outstandingMs, perAccountMs, requestRateMs } };
};

/**
 * Calls that drew from the budget: the emulator refuses a rate-throttled call without taking a
 * token, so throttled calls are left out (which can only lower the floor, never flatter the ratio).
 */
export const budgetedCalls = (stats: EmulatorStats): number =>
  Math.max(0, sumCalls(stats.calls, IDENTITY_CENTER_OPERATIONS) - stats.throttled);

import type { AccountAssignment } from './model.js';
import type {
  HeldChange,
  PlannedCreate,
  PlannedDelete,
  PlannedMembershipAdd,
  PlannedMembershipRemove,
} from './plan-types.js';
import { principalNameOf, type ViewIndex } from './view-index.js';

/** Permission set name for display, falling back to the ARN when the view does not know it. */
export const permissionSetNameOf = (index: ViewIndex, arn: string): string =>
  index.permissionSetByArn.get(arn)?.name ?? arn;

/** The assignment with names for display: unknown principals show their id. */
export const describeAssignment = (index: ViewIndex, a: AccountAssignment) => ({
  accountId: a.accountId,
  permissionSetArn: a.permissionSetArn,
  permissionSetName: permissionSetNameOf(index, a.permissionSetArn),
  principalType: a.principalType,
  principalId: a.principalId,
  principalName: principalNameOf(index, a.principalType, a.principalId) ?? a.principalId,
});

export const toPlannedDelete = (index: ViewIndex, a: AccountAssignment, reason: string): PlannedDelete => ({
  ...describeAssignment(index, a),
  reason,
});

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

type Planned = PlannedCreate | PlannedDelete;

/** Plan order: account, permission set name, principal type, principal name, then ids to break ties. */
export const comparePlanned = (a: Planned, b: Planned): number =>
  compareStrings(a.accountId, b.accountId) ||
  compareStrings(a.permissionSetName, b.permissionSetName) ||
  compareStrings(a.principalType, b.principalType) ||
  compareStrings(a.principalName, b.principalName) ||
  compareStrings(a.permissionSetArn, b.permissionSetArn) ||
  compareStrings(a.principalId, b.principalId);

export const compareMemberships = (
  a: PlannedMembershipAdd | PlannedMembershipRemove,
  b: PlannedMembershipAdd | PlannedMembershipRemove,
): number => compareStrings(a.groupId, b.groupId) || compareStrings(a.userId, b.userId);

/** Held changes in plan order: assignment deletions first, then membership removals. */
export const compareHeld = (a: HeldChange, b: HeldChange): number => {
  const aAssignment = 'accountId' in a;
  const bAssignment = 'accountId' in b;
  if (aAssignment && bAssignment) return comparePlanned(a, b);
  if (!aAssignment && !bAssignment) return compareMemberships(a, b);
  return aAssignment ? -1 : 1;
};

import type {
  Plan,
  PlannedCreate,
  PlannedDelete,
  PlannedMembershipAdd,
  PlannedMembershipRemove,
} from '../plan-types.js';
import type { LifecycleEvent } from '../ports.js';
import type { WorkItemOrigin } from '../scope.js';
import type { AppliedCounts } from './outcome.js';

/** Where a change came from, repeated in every event so that a consumer needs no lookup. */
export interface EventContext {
  readonly scope: string;
  readonly origin: WorkItemOrigin;
  readonly mode: 'enforce' | 'report';
}

const provenance = (context: EventContext) => ({
  scope: context.scope,
  mode: context.mode,
  originEventId: context.origin.eventId,
  originEventName: context.origin.eventName,
  originSource: context.origin.source,
});

export const assignmentCreated = (change: PlannedCreate, context: EventContext): LifecycleEvent => ({
  detailType: 'Assignment Created',
  detail: { ...assignmentFields(change), ruleIds: change.ruleIds, ...provenance(context) },
});

export const assignmentDeleted = (change: PlannedDelete, context: EventContext): LifecycleEvent => ({
  detailType: 'Assignment Deleted',
  detail: { ...assignmentFields(change), reason: change.reason, ...provenance(context) },
});

export const membershipAdded = (change: PlannedMembershipAdd, context: EventContext): LifecycleEvent => ({
  detailType: 'Membership Added',
  detail: { groupId: change.groupId, userId: change.userId, ruleIds: change.ruleIds, ...provenance(context) },
});

export const membershipRemoved = (change: PlannedMembershipRemove, context: EventContext): LifecycleEvent => ({
  detailType: 'Membership Removed',
  detail: { groupId: change.groupId, userId: change.userId, reason: change.reason, ...provenance(context) },
});

export const reconcileBlocked = (plan: Plan, context: EventContext): LifecycleEvent => ({
  detailType: 'Reconcile Blocked',
  detail: {
    blocked: plan.blocked,
    wouldDelete: plan.blocked.reduce((sum, block) => sum + block.wouldDelete, 0),
    plannedCreates: plan.create.length,
    plannedMembershipAdds: plan.memberships.add.length,
    errors: plan.errors,
    ...provenance(context),
  },
});

export const offboardingCompleted = (
  principal: { readonly principalType: 'USER' | 'GROUP'; readonly principalId: string },
  reason: string,
  applied: AppliedCounts,
  context: EventContext,
): LifecycleEvent => ({
  detailType: 'Offboarding Completed',
  detail: {
    principalType: principal.principalType,
    principalId: principal.principalId,
    reason,
    assignmentsDeleted: applied.assignmentsDeleted,
    membershipsRemoved: applied.membershipsRemoved,
    ...provenance(context),
  },
});

const assignmentFields = (change: PlannedCreate | PlannedDelete) => ({
  accountId: change.accountId,
  permissionSetArn: change.permissionSetArn,
  permissionSetName: change.permissionSetName,
  principalType: change.principalType,
  principalId: change.principalId,
  principalName: change.principalName,
});

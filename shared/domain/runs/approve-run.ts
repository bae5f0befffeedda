import type { PlannedDelete, PlannedMembershipRemove } from '../plan-types.js';
import type { ClockPort, NotifierPort, RunStorePort, WorkQueuePort } from '../ports.js';
import type { WorkItemOrigin } from '../scope.js';
import { planCounts, sendRunDigest } from './digest.js';
import type { RunRecord } from './run.js';
import { GUARD_REASON, runIdFor } from './run-organization.js';
import { runWorkItems } from './run-work.js';

export interface ApproveRunDeps {
  readonly store: Pick<RunStorePort, 'getRun' | 'saveRun'>;
  readonly queue: WorkQueuePort;
  readonly notifier: NotifierPort;
  readonly clock: ClockPort;
}

export interface ApprovalRequest {
  /** The blocked run to release. */
  readonly runId: string;
  /** Who approved, as the approval event says (the CLI puts the caller's ARN there). */
  readonly approvedBy: string;
}

export type ApprovalResult =
  | { readonly status: 'approved'; readonly approval: RunRecord }
  | { readonly status: 'refused'; readonly reason: string };

/**
 * Releases the revocations a run's guard held (docs/design.md §1 "Runs", approval). The approval
 * is a run of its own: it records who approved and that it bypasses the guard, and queues the
 * held revocations, and nothing else, as work items carrying the blocked run's rules version.
 * Each worker re-checks its share live and applies only the held revocations still wanted under
 * those rules; if the rules changed since, it revokes nothing. Holds other than the guard's (a
 * rule that failed to resolve, a protected account) are not the approver's to release.
 *
 * An unknown run, or one that is not blocked, is refused rather than retried: the request is
 * wrong, not the system. Approving an already approved run returns the first approval.
 *
 * @example
 * await approveRun(deps, { runId: 'schedule-3f2a…', approvedBy: 'arn:aws:iam::111122223333:role/Platform' }, origin);
 */
export const approveRun = async (
  deps: ApproveRunDeps,
  request: ApprovalRequest,
  origin: WorkItemOrigin,
): Promise<ApprovalResult> => {
  const blocked = await deps.store.getRun(request.runId);
  if (blocked === undefined) return { status: 'refused', reason: `no run ${request.runId}` };
  if (blocked.status === 'approved' && blocked.approvedIn !== undefined) {
    const approval = await deps.store.getRun(blocked.approvedIn);
    if (approval !== undefined) return { status: 'approved', approval };
  }
  if (blocked.status !== 'blocked') {
    return { status: 'refused', reason: `run ${request.runId} is ${blocked.status}, not blocked` };
  }

  const held = (blocked.blocked ?? []).filter((block) => block.reason.startsWith(GUARD_REASON));
  const deletes = held.flatMap((b) => b.changes.filter((c): c is PlannedDelete => 'accountId' in c));
  const removes = held.flatMap((b) => b.changes.filter((c): c is PlannedMembershipRemove => !('accountId' in c)));
  const approvalId = runIdFor('approval', origin.eventId);
  const releasePlan = {
    create: [],
    delete: deletes,
    memberships: { add: [], remove: removes },
    blocked: [],
    errors: [],
  };
  const items = runWorkItems(releasePlan, { runId: approvalId, rulesVersion: blocked.rulesVersion, origin });
  const approval: RunRecord = {
    runId: approvalId,
    trigger: 'approval',
    status: 'planned',
    startedAt: deps.clock.now(),
    rulesVersion: blocked.rulesVersion,
    origin,
    mode: 'enforce',
    approves: blocked.runId,
    approvedBy: request.approvedBy,
    guardBypassed: true,
    counts: planCounts(releasePlan, items.length),
  };
  // Recorded before its items are queued: a worker tells an approval's items by its record
  // (they read the directory live, loadRunDirectory). A failed enqueue leaves the blocked run
  // blocked, so the redelivered approval event queues them again.
  await deps.store.saveRun(approval);
  if (items.length > 0) await deps.queue.enqueue(items);
  await deps.store.saveRun({ ...blocked, status: 'approved', approvedIn: approvalId });
  await sendRunDigest(deps.notifier, approval, releasePlan);
  return { status: 'approved', approval };
};

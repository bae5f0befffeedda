import type { Plan } from '../plan-types.js';
import type { LifecycleEvent } from '../ports.js';
import type { RunRecord } from './run.js';

/**
 * Held changes listed in one "Run Blocked" event. EventBridge takes at most 256 KB per entry; at
 * about 300 bytes a change, 500 leave room for the rest. `idc-lifecycle runs <runId>` and the
 * digest list them all.
 */
export const MAX_EVENT_CHANGES = 500;

/**
 * "Run Blocked": the run's guard tripped; its grants go ahead and every held revocation is listed,
 * shaped as in `plan --format json`, until an approval releases them.
 */
export const runBlocked = (run: RunRecord, plan: Plan): LifecycleEvent => {
  let room = MAX_EVENT_CHANGES;
  const blocked = plan.blocked.map((block) => {
    const changes = block.changes.slice(0, Math.max(0, room));
    room -= changes.length;
    return {
      reason: block.reason,
      wouldDelete: block.wouldDelete,
      changes,
      ...(changes.length < block.changes.length ? { changesTruncated: true } : {}),
    };
  });
  return {
    detailType: 'Run Blocked',
    detail: {
      runId: run.runId,
      trigger: run.trigger,
      rulesVersion: run.rulesVersion,
      blocked,
      wouldDelete: plan.blocked.reduce((sum, block) => sum + block.wouldDelete, 0),
      plannedCreates: plan.create.length,
      plannedMembershipAdds: plan.memberships.add.length,
      errors: plan.errors,
      originEventId: run.origin.eventId,
      originEventName: run.origin.eventName,
      originSource: run.origin.source,
    },
  };
};

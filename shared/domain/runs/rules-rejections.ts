import { emptyPlan } from '../plan-types.js';
import type { EventPublisherPort, NotifierPort, RulesRejection } from '../ports.js';
import type { WorkItemOrigin } from '../scope.js';

/**
 * Announces rules documents that were refused (docs/design.md §4.2): one "Rules Rejected" event each
 * and one notification, before the run goes on with the rules in force.
 */
export const announceRejections = async (
  deps: { readonly publisher: EventPublisherPort; readonly notifier: NotifierPort },
  rejections: readonly RulesRejection[],
  origin: WorkItemOrigin,
): Promise<void> => {
  await deps.publisher.publish(
    rejections.map((r) => ({
      detailType: 'Rules Rejected',
      detail: {
        document: r.document,
        message: r.message,
        ...(r.fallbackVersion === undefined ? {} : { fallbackVersion: r.fallbackVersion }),
        originEventId: origin.eventId,
        originEventName: origin.eventName,
      },
    })),
  );
  await deps.notifier.notify('idc-lifecycle: rules document rejected', {
    scope: 'all',
    plan: { ...emptyPlan(), errors: rejections.map((r) => ({ ruleId: r.document, message: r.message })) },
    applied: false,
  });
};

// Triggered by: EventBridge rules for Organizations, Control Tower, account tag and identity events.
// Changes: nothing in Identity Center; enqueues one work item per named scope on the FIFO queue.
import type { WorkQueuePort } from '../../shared/domain/ports.js';
import { scopeKey } from '../../shared/domain/scope.js';
import { parseEvent } from '../../shared/events/index.js';
import type { HandlerLogger } from '../../shared/runtime/logger.js';

export interface IntakeDeps {
  readonly queue: WorkQueuePort;
  readonly rulesPath: string;
  readonly logger: HandlerLogger;
}

/**
 * A malformed event and a failed enqueue throw: Lambda retries the event, then sends it to the
 * on-failure destination. Only a recognised, irrelevant event is logged and dropped.
 */
export const makeHandler =
  (deps: IntakeDeps) =>
  async (event: unknown): Promise<void> => {
    const result = parseEvent(event, { rulesPath: deps.rulesPath });
    if (result.kind === 'ignored') {
      deps.logger.info('Event ignored', { reason: result.reason });
      return;
    }
    // The sweep and rules changes reach the fan-out function through their own rules.
    const items = result.items.filter((item) => item.scope.kind !== 'all');
    if (items.length < result.items.length) {
      deps.logger.info('Event ignored', { reason: 'the all scope is expanded by the fan-out function' });
    }
    if (items.length === 0) return;
    deps.logger.appendKeys({ eventId: items[0]?.origin.eventId, eventName: items[0]?.origin.eventName });
    await deps.queue.enqueue(items);
    deps.logger.info('Work enqueued', { scopes: items.map((item) => scopeKey(item.scope)) });
  };

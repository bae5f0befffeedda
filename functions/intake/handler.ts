// Triggered by: EventBridge rules for Organizations, Control Tower, account tag, identity and assignment events.
// Changes: nothing in Identity Center; enqueues one work item per named scope on the FIFO queue.
import type { WorkQueuePort } from '../../shared/domain/ports.js';
import { scopeKey } from '../../shared/domain/scope.js';
import { parseEvent } from '../../shared/events/index.js';
import { checkOriginAccount, type OriginAccounts } from '../../shared/events/origin.js';
import type { HandlerLogger } from '../../shared/runtime/logger.js';
import { MetricNames, type MetricsRecorder } from '../../shared/runtime/metrics.js';

export interface IntakeDeps {
  readonly queue: WorkQueuePort;
  readonly rulesPath: string;
  /** The accounts each kind of event must come from; anything else is refused. */
  readonly accounts: OriginAccounts;
  /** The worker's execution role: CloudTrail records of its own writes are not drift. */
  readonly workerRoleArn: string;
  readonly logger: HandlerLogger;
  readonly metrics: MetricsRecorder;
}

/**
 * A malformed event and a failed enqueue throw: Lambda retries the event, then sends it to the
 * on-failure destination. A recognised, irrelevant event is logged and dropped; so is an event
 * from an account its kind cannot come from, which is also counted: retrying it would only repeat
 * the refusal, and enqueuing it would let whoever can put events on the bus flood the worker.
 */
export const makeHandler =
  (deps: IntakeDeps) =>
  async (event: unknown): Promise<void> => {
    const origin = checkOriginAccount(event, deps.accounts);
    if (origin.kind === 'refused') {
      deps.logger.warn('Event refused', { reason: origin.reason, source: origin.source, account: origin.account });
      deps.metrics.addMetric(MetricNames.eventsRefused, 'Count', 1);
      return;
    }
    const result = parseEvent(event, { rulesPath: deps.rulesPath, workerRoleArn: deps.workerRoleArn });
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

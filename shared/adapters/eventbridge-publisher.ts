import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventPublisherPort, LifecycleEvent } from '../domain/ports.js';
import { chunk } from './chunk.js';

/** The `source` of every event this system emits on its bus. */
export const EVENT_SOURCE = 'idc-lifecycle';

/** EventBridge refused some entries of a `PutEvents` call. */
export class PublishError extends Error {
  constructor(
    readonly failures: readonly { readonly detailType: string; readonly code: string; readonly message: string }[],
  ) {
    super(
      `EventBridge refused ${failures.length} event(s): ${failures.map((f) => `${f.detailType} (${f.code}: ${f.message})`).join('; ')}`,
    );
    this.name = 'PublishError';
  }
}

/**
 * {@link EventPublisherPort} over EventBridge `PutEvents`. `PutEvents` answers 200 even when entries
 * fail, so `FailedEntryCount` is checked and any failure throws.
 *
 * @example
 * await new EventBridgePublisher(clients.eventBridge, busName).publish([{ detailType: 'Assignment Created', detail }]);
 */
export class EventBridgePublisher implements EventPublisherPort {
  constructor(
    private readonly client: Pick<EventBridgeClient, 'send'>,
    private readonly eventBusName: string,
  ) {}

  async publish(events: readonly LifecycleEvent[]): Promise<void> {
    for (const batch of chunk(events, 10)) {
      const response = await this.client.send(
        new PutEventsCommand({
          Entries: batch.map((event) => ({
            EventBusName: this.eventBusName,
            Source: EVENT_SOURCE,
            DetailType: event.detailType,
            Detail: JSON.stringify(event.detail),
          })),
        }),
      );
      if ((response.FailedEntryCount ?? 0) === 0) continue;
      // Result entries line up with the request entries; a failed one carries an ErrorCode.
      const failures = (response.Entries ?? []).flatMap((entry, index) =>
        entry.ErrorCode
          ? [{ detailType: batch[index]?.detailType ?? '?', code: entry.ErrorCode, message: entry.ErrorMessage ?? '' }]
          : [],
      );
      throw new PublishError(
        failures.length > 0
          ? failures
          : [{ detailType: '?', code: 'Unknown', message: `${response.FailedEntryCount} entries failed` }],
      );
    }
  }
}

import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { ChangeMessageVisibilityCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LifecycleEvent, LifecycleEventType } from '../../shared/domain/ports.js';
import { parseWorkItem } from '../../shared/domain/reconcile/parse-work-item.js';
import type { WorkItem } from '../../shared/domain/scope.js';

/*
 * Stand-ins for the AWS services that the emulator does not speak, at the SDK client level: the
 * functions are composed exactly as deployed, with their real adapters, and only the `send` of a
 * client lands here instead of on the network. Each answers as the service answers a success.
 */

/** An EventBridge client that hands every `PutEvents` entry to `record`, as the adapter built it. */
export const recordingEventBridgeClient = (
  record: (events: LifecycleEvent[]) => void,
): Pick<EventBridgeClient, 'send'> =>
  ({
    send: async (command: unknown) => {
      if (!(command instanceof PutEventsCommand)) throw new Error('the local event bus only takes PutEvents');
      const entries = command.input.Entries ?? [];
      record(
        entries.map((entry) => ({
          detailType: entry.DetailType as LifecycleEventType,
          detail: JSON.parse(entry.Detail ?? '{}') as Record<string, unknown>,
        })),
      );
      return {
        FailedEntryCount: 0,
        Entries: entries.map((_, index) => ({ EventId: `local-${index}` })),
        $metadata: {},
      };
    },
  }) as unknown as Pick<EventBridgeClient, 'send'>;

export interface RecordedNotification {
  readonly subject: string;
  readonly message: string;
}

/** An SNS client that hands every `Publish` to `record`. */
export const recordingSnsClient = (record: (notification: RecordedNotification) => void): Pick<SNSClient, 'send'> =>
  ({
    send: async (command: unknown) => {
      if (!(command instanceof PublishCommand)) throw new Error('the local topic only takes Publish');
      record({ subject: command.input.Subject ?? '', message: command.input.Message ?? '' });
      return { MessageId: 'local', $metadata: {} };
    },
  }) as unknown as Pick<SNSClient, 'send'>;

/**
 * An SQS client that reads back each `SendMessageBatch` entry as the work item the queue adapter
 * wrote, and hands the batch to `enqueue` (an in-memory FIFO queue); a `ChangeMessageVisibility`
 * goes to `changeVisibility` when the queue models visibility.
 */
export const workQueueClient = (
  enqueue: (items: WorkItem[]) => Promise<void> | void,
  changeVisibility?: (receiptHandle: string, seconds: number) => void,
): Pick<SQSClient, 'send'> =>
  ({
    send: async (command: unknown) => {
      if (command instanceof ChangeMessageVisibilityCommand && changeVisibility !== undefined) {
        changeVisibility(command.input.ReceiptHandle ?? '', command.input.VisibilityTimeout ?? 0);
        return { $metadata: {} };
      }
      if (!(command instanceof SendMessageBatchCommand))
        throw new Error('the local work queue only takes SendMessageBatch');
      const entries = command.input.Entries ?? [];
      await enqueue(entries.map((entry) => parseWorkItem(entry.MessageBody ?? '')));
      return {
        Successful: entries.map((entry) => ({ Id: entry.Id, MessageId: entry.Id, MD5OfMessageBody: '' })),
        Failed: [],
        $metadata: {},
      };
    },
  }) as unknown as Pick<SQSClient, 'send'>;

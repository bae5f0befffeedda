import { ChangeMessageVisibilityCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

/**
 * An SQS FIFO queue in memory, behind the `send` of an SQS client so that the real
 * `SqsWorkQueue` adapter writes to it. It keeps the properties the worker relies on: deduplication
 * by `MessageDeduplicationId`, order within a message group, no second delivery of a group while
 * one of its messages is in flight, a receive count per message, and a move to the dead-letter
 * queue once a message has been received `maxReceiveCount` times without being deleted.
 */

export interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly groupId: string;
  readonly deduplicationId: string;
  receiveCount: number;
  inFlight: boolean;
}

/** The work queue's redrive policy in the stack (`WORK_MAX_RECEIVE_COUNT` in infra/stacks/main-stack.ts). */
export const MAX_RECEIVE_COUNT = 5;

export class InMemoryFifoQueue {
  readonly messages: QueuedMessage[] = [];
  readonly deadLetters: QueuedMessage[] = [];
  /** Sends that SQS dropped as duplicates of a message sent before. */
  deduplicated = 0;
  /** Every `ChangeMessageVisibility` the worker made: which message, and how many seconds from then. */
  readonly visibilityChanges: { readonly messageId: string; readonly seconds: number }[] = [];
  readonly #seen = new Set<string>();
  #sequence = 0;

  constructor(readonly maxReceiveCount = MAX_RECEIVE_COUNT) {}

  /** Sends left before the sender is cut off (its invocation timed out); `undefined`: never. */
  #sendsBeforeCutOff: number | undefined;

  /**
   * Lets `sends` more `SendMessageBatch` calls through, then fails the next one as a Lambda
   * timeout would end the sender half-way through enqueuing; later calls go through again.
   */
  cutOffAfter(sends: number): void {
    this.#sendsBeforeCutOff = sends;
  }

  /** The client to hand to `SqsWorkQueue`; it understands `SendMessageBatch` only. */
  readonly client: Pick<SQSClient, 'send'> = {
    send: (async (command: unknown) => {
      if (command instanceof ChangeMessageVisibilityCommand) {
        const handle = command.input.ReceiptHandle ?? '';
        const message = this.messages.find((m) => handle === `rh-${m.messageId}-${m.receiveCount}` && m.inFlight);
        if (message === undefined) throw new Error(`ReceiptHandleIsInvalid: ${handle}`);
        this.visibilityChanges.push({ messageId: message.messageId, seconds: command.input.VisibilityTimeout ?? 0 });
        return { $metadata: {} };
      }
      if (!(command instanceof SendMessageBatchCommand)) throw new Error('the test queue only takes SendMessageBatch');
      if (this.#sendsBeforeCutOff !== undefined) {
        if (this.#sendsBeforeCutOff === 0) {
          this.#sendsBeforeCutOff = undefined;
          throw new Error('Task timed out (the sender was cut off half-way through enqueuing)');
        }
        this.#sendsBeforeCutOff -= 1;
      }
      const successful = [];
      for (const entry of command.input.Entries ?? []) {
        const deduplicationId = entry.MessageDeduplicationId ?? '';
        if (entry.MessageGroupId === undefined || deduplicationId === '') {
          throw new Error('a FIFO message needs MessageGroupId and MessageDeduplicationId');
        }
        successful.push({ Id: entry.Id, MessageId: `dup-${deduplicationId}`, MD5OfMessageBody: '' });
        if (this.#seen.has(deduplicationId)) {
          this.deduplicated += 1;
          continue;
        }
        this.#seen.add(deduplicationId);
        this.#sequence += 1;
        this.messages.push({
          messageId: `msg-${this.#sequence}`,
          body: entry.MessageBody ?? '',
          groupId: entry.MessageGroupId,
          deduplicationId,
          receiveCount: 0,
          inFlight: false,
        });
      }
      return { Successful: successful, Failed: [], $metadata: {} };
    }) as Pick<SQSClient, 'send'>['send'],
  };

  /** Messages waiting or in flight (dead letters excluded). */
  get size(): number {
    return this.messages.length;
  }

  groupIds(): string[] {
    return this.messages.map((m) => m.groupId);
  }

  /**
   * Up to `max` visible messages, oldest first, never from a group that has a message in flight,
   * and in group order, as Lambda's FIFO poller receives them.
   */
  receive(max = 10): SQSRecord[] {
    const blocked = new Set(this.messages.filter((m) => m.inFlight).map((m) => m.groupId));
    const batch: QueuedMessage[] = [];
    for (const message of this.messages) {
      if (batch.length >= max) break;
      if (blocked.has(message.groupId)) continue;
      batch.push(message);
    }
    for (const message of batch) {
      message.inFlight = true;
      message.receiveCount += 1;
    }
    return batch.map(toRecord);
  }

  /** Deletes what the worker handled and makes the reported failures visible again. */
  complete(records: readonly SQSRecord[], failedIds: ReadonlySet<string>): void {
    for (const record of records) {
      if (failedIds.has(record.messageId)) this.release([record]);
      else this.#remove(record.messageId);
    }
  }

  /** The visibility timeout ran out (a failed or abandoned invocation): the messages come back, or go to the DLQ. */
  release(records: readonly SQSRecord[]): void {
    for (const record of records) {
      const message = this.messages.find((m) => m.messageId === record.messageId);
      if (message === undefined) continue;
      message.inFlight = false;
      if (message.receiveCount >= this.maxReceiveCount) {
        this.#remove(message.messageId);
        this.deadLetters.push(message);
      }
    }
  }

  /** Moves every dead letter back to the end of the queue, with a fresh receive count. */
  redrive(): number {
    const moved = this.deadLetters.splice(0, this.deadLetters.length);
    for (const message of moved) this.messages.push({ ...message, receiveCount: 0, inFlight: false });
    return moved.length;
  }

  #remove(messageId: string): void {
    const index = this.messages.findIndex((m) => m.messageId === messageId);
    if (index >= 0) this.messages.splice(index, 1);
  }
}

const toRecord = (message: QueuedMessage): SQSRecord => ({
  messageId: message.messageId,
  receiptHandle: `rh-${message.messageId}-${message.receiveCount}`,
  body: message.body,
  attributes: {
    ApproximateReceiveCount: String(message.receiveCount),
    SentTimestamp: '0',
    SenderId: 'intake',
    ApproximateFirstReceiveTimestamp: '0',
    MessageGroupId: message.groupId,
    MessageDeduplicationId: message.deduplicationId,
    SequenceNumber: message.messageId.replace('msg-', ''),
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-west-1:111111111111:idc-lifecycle-work.fifo',
  awsRegion: 'eu-west-1',
});

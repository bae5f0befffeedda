import { createHash } from 'node:crypto';
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import type { WorkQueuePort } from '../domain/ports.js';
import { messageGroupId, scopeKey, type WorkItem } from '../domain/scope.js';
import { chunk } from './chunk.js';

/** Some work items could not be enqueued, even after one more try. */
export class EnqueueError extends Error {
  constructor(
    readonly failures: readonly { readonly scope: string; readonly code: string; readonly message: string }[],
  ) {
    super(
      `Could not enqueue ${failures.length} work item(s): ${failures.map((f) => `${f.scope} (${f.code}: ${f.message})`).join('; ')}`,
    );
    this.name = 'EnqueueError';
  }
}

/**
 * The FIFO deduplication id of a work item: the same event naming the same scope is one message,
 * so EventBridge and Lambda redeliveries within SQS's five-minute window collapse. A run's parts
 * of one scope are distinct messages, and so are a read part's items (its first, and each
 * continuation, by how far it had got). A SHA-256 hex digest is 64 characters, inside SQS's 128.
 */
export const deduplicationId = (item: WorkItem): string =>
  createHash('sha256')
    .update(`${item.origin.eventId}\n${scopeKey(item.scope)}`)
    .update(item.run === undefined ? '' : `\n${item.run.runId}\n${item.run.part ?? 0}`)
    .update(item.run?.read === undefined ? '' : `\n${item.run.read.name}\n${item.run.read.from}`)
    .digest('hex');

/**
 * {@link WorkQueuePort} over an SQS FIFO queue. The message group is {@link messageGroupId}: the
 * scope key, so two reconciles of one scope never run at once while different scopes run in
 * parallel, and for a run's read parts the part, so that they are read side by side.
 *
 * @example
 * await new SqsWorkQueue(clients.sqs, queueUrl).enqueue([{ scope: { kind: 'account', accountId }, origin }]);
 */
export class SqsWorkQueue implements WorkQueuePort {
  constructor(
    private readonly client: Pick<SQSClient, 'send'>,
    private readonly queueUrl: string,
  ) {}

  async enqueue(items: readonly WorkItem[]): Promise<void> {
    for (const batch of chunk(items, 10)) {
      const entries = batch.map(
        (item, index): SendMessageBatchRequestEntry => ({
          Id: String(index),
          MessageBody: JSON.stringify(item),
          MessageGroupId: messageGroupId(item),
          MessageDeduplicationId: deduplicationId(item),
        }),
      );
      const failed = await this.#send(entries);
      if (failed.length === 0) continue;
      // One more try for the entries SQS refused (often a transient internal error); the
      // deduplication id makes a repeat harmless.
      const retry = entries.filter((entry) => failed.some((f) => f.Id === entry.Id));
      const stillFailed = await this.#send(retry);
      if (stillFailed.length > 0) {
        throw new EnqueueError(
          stillFailed.map((f) => ({
            scope: entries.find((e) => e.Id === f.Id)?.MessageGroupId ?? f.Id ?? '?',
            code: f.Code ?? 'Unknown',
            message: f.Message ?? '',
          })),
        );
      }
    }
  }

  async #send(entries: SendMessageBatchRequestEntry[]) {
    const response = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
    return response.Failed ?? [];
  }
}

import { createHash } from 'node:crypto';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { deduplicationId, EnqueueError, SqsWorkQueue } from '../../../shared/adapters/sqs-work-queue.js';
import type { WorkItem } from '../../../shared/domain/scope.js';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/111122223333/idc-lifecycle-work.fifo';
const sqs = mockClient(SQSClient);

const item = (n: number): WorkItem => ({
  scope: { kind: 'account', accountId: String(100000000000 + n) },
  origin: { eventId: `evt-${n}`, eventName: 'MoveAccount', source: 'aws.organizations' },
});

beforeEach(() => {
  sqs.reset();
});

describe('SqsWorkQueue.enqueue', () => {
  it('sends batches of at most 10 with the scope key as group and a hashed deduplication id', async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const items = Array.from({ length: 23 }, (_, n) => item(n));

    // Act
    await new SqsWorkQueue(new SQSClient({}), QUEUE).enqueue(items);

    // Assess
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Entries?.length)).toEqual([10, 10, 3]);
    expect(calls[0]?.QueueUrl).toBe(QUEUE);
    expect(calls[2]?.Entries?.[0]).toEqual({
      Id: '0',
      MessageBody: JSON.stringify(item(20)),
      MessageGroupId: 'account:100000000020',
      MessageDeduplicationId: createHash('sha256').update('evt-20\naccount:100000000020').digest('hex'),
    });
  });

  it('sends nothing for no items', async () => {
    // Act
    await new SqsWorkQueue(new SQSClient({}), QUEUE).enqueue([]);

    // Assess
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('retries only the failed entries once and succeeds when they go through', async () => {
    // Prepare
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false, Message: 'try again' }] })
      .resolves({ Failed: [] });

    // Act
    await new SqsWorkQueue(new SQSClient({}), QUEUE).enqueue([item(0), item(1), item(2)]);

    // Assess
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.Entries?.map((e) => e.MessageGroupId)).toEqual(['account:100000000001']);
  });

  it('throws EnqueueError naming the scope when an entry fails twice', async () => {
    // Prepare
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Failed: [{ Id: '0', Code: 'InvalidParameterValue', SenderFault: true, Message: 'bad' }] });

    // Act
    const result = new SqsWorkQueue(new SQSClient({}), QUEUE).enqueue([item(7)]);

    // Assess
    await expect(result).rejects.toBeInstanceOf(EnqueueError);
    await expect(result).rejects.toThrow('account:100000000007 (InvalidParameterValue: bad)');
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(2);
  });
});

describe('deduplicationId', () => {
  it('is the same for the same event and scope and differs when either changes', () => {
    // Prepare
    const base = item(1);

    // Act
    const same = deduplicationId({ ...base });
    const otherScope = deduplicationId({ ...base, scope: { kind: 'all' } });
    const otherEvent = deduplicationId({ ...base, origin: { ...base.origin, eventId: 'evt-other' } });

    // Assess
    expect(same).toBe(deduplicationId(base));
    expect(same).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set([same, otherScope, otherEvent]).size).toBe(3);
  });

  it('groups the items of one read part of a run together, apart from its other parts, and keeps its continuation distinct', async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const part = (name: string, from: number): WorkItem => ({
      scope: { kind: 'all' },
      origin: { eventId: 'evt-sweep', eventName: 'Scheduled Event', source: 'aws.events' },
      run: { runId: 'schedule-evt-sweep', rulesVersion: 'r-1', read: { name, accountIds: ['100000000001'], from } },
    });

    // Act
    await new SqsWorkQueue(new SQSClient({}), QUEUE).enqueue([
      part('accounts-0', 0),
      part('accounts-1', 0),
      part('accounts-0', 40),
    ]);

    // Assess
    const entries = sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries ?? [];
    expect(entries.map((e) => e.MessageGroupId)).toEqual([
      'run:schedule-evt-sweep:accounts-0',
      'run:schedule-evt-sweep:accounts-1',
      'run:schedule-evt-sweep:accounts-0',
    ]);
    expect(new Set(entries.map((e) => e.MessageDeduplicationId)).size).toBe(3);
  });
});

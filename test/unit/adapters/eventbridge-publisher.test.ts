import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgePublisher, PublishError } from '../../../shared/adapters/eventbridge-publisher.js';
import type { LifecycleEvent } from '../../../shared/domain/ports.js';

const BUS = 'idc-lifecycle';
const events = mockClient(EventBridgeClient);

const event = (n: number): LifecycleEvent => ({
  detailType: 'Assignment Created',
  detail: { accountId: String(100000000000 + n), principalId: `g-${n}` },
});

beforeEach(() => {
  events.reset();
});

describe('EventBridgePublisher.publish', () => {
  it('puts events in chunks of 10 with the idc-lifecycle source on the bus', async () => {
    // Prepare
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });

    // Act
    await new EventBridgePublisher(new EventBridgeClient({}), BUS).publish(
      Array.from({ length: 12 }, (_, n) => event(n)),
    );

    // Assess
    const calls = events.commandCalls(PutEventsCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Entries?.length)).toEqual([10, 2]);
    expect(calls[1]?.Entries?.[1]).toEqual({
      EventBusName: BUS,
      Source: 'idc-lifecycle',
      DetailType: 'Assignment Created',
      Detail: JSON.stringify({ accountId: '100000000011', principalId: 'g-11' }),
    });
  });

  it('throws PublishError with the failed entries when FailedEntryCount is not zero', async () => {
    // Prepare
    events.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ EventId: 'e-1' }, { ErrorCode: 'InternalFailure', ErrorMessage: 'try later' }],
    });

    // Act
    const result = new EventBridgePublisher(new EventBridgeClient({}), BUS).publish([
      event(0),
      { detailType: 'Reconcile Blocked', detail: { wouldDelete: 30 } },
    ]);

    // Assess
    await expect(result).rejects.toBeInstanceOf(PublishError);
    await expect(result).rejects.toThrow('Reconcile Blocked (InternalFailure: try later)');
  });

  it('sends nothing for no events', async () => {
    // Act
    await new EventBridgePublisher(new EventBridgeClient({}), BUS).publish([]);

    // Assess
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});

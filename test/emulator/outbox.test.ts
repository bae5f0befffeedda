import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/index.js';
import type { EmulatorOptions, RunningEmulator } from '../../emulator/types.js';
import { EventBridgePublisher } from '../../shared/adapters/eventbridge-publisher.js';
import { SnsNotifier } from '../../shared/adapters/sns-notifier.js';
import { emptyPlan } from '../../shared/domain/plan-types.js';
import { rejectionOf, seedSnapshot } from './emulator-fixture.js';

const TOPIC = 'arn:aws:sns:us-east-1:111111111111:idc-lifecycle-summary';
const config = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
});

describe('emulator outbox: EventBridge and SNS', () => {
  const running: { emulator: RunningEmulator; close: () => void }[] = [];

  const start = async (options: Partial<EmulatorOptions> = {}) => {
    const emulator = await startEmulator({ snapshot: seedSnapshot(), quotas: false, ...options });
    const eventBridge = new EventBridgeClient(config(emulator.endpoint));
    const sns = new SNSClient(config(emulator.endpoint));
    const close = () => {
      eventBridge.destroy();
      sns.destroy();
    };
    running.push({ emulator, close });
    return {
      emulator,
      publisher: new EventBridgePublisher(eventBridge, 'idc-lifecycle'),
      notifier: new SnsNotifier(sns, TOPIC),
    };
  };

  afterEach(async () => {
    for (const { emulator, close } of running.splice(0)) {
      close();
      await emulator.close();
    }
  });

  it('keeps the events the real publisher puts, in batches of ten', async () => {
    // Prepare
    const { emulator, publisher } = await start();
    const events = Array.from({ length: 12 }, (_, i) => ({
      detailType: 'Assignment Created' as const,
      detail: { n: i },
    }));

    // Act
    await publisher.publish(events);

    // Assess
    const { events: delivered } = emulator.outbox();
    expect(delivered.map((e) => e.detail)).toEqual(events.map((e) => e.detail));
    expect(new Set(delivered.map((e) => e.eventBusName))).toEqual(new Set(['idc-lifecycle']));
    expect(emulator.stats().calls.PutEvents).toBe(2);
  });

  it('keeps the message the real notifier publishes over the Query protocol', async () => {
    // Prepare
    const { emulator, notifier } = await start();

    // Act
    await notifier.notify('idc-lifecycle all: changes applied', { scope: 'all', plan: emptyPlan(), applied: true });

    // Assess
    const [message] = emulator.outbox().messages;
    expect(message).toMatchObject({ topicArn: TOPIC, subject: 'idc-lifecycle all: changes applied' });
    expect(message?.message).toContain('Scope: all');
  });

  it.each([
    ['PutEvents', 'ThrottlingException'],
    ['PutEvents', 'InternalException'],
    ['Publish', 'Throttled'],
    ['Publish', 'InternalError'],
  ])('fails a scripted %s with %s and delivers nothing', async (operation, error) => {
    // Prepare
    const { emulator, publisher, notifier } = await start({ faults: { scripted: [{ operation, error, count: 1 }] } });

    // Act
    const failure = await rejectionOf(
      operation === 'PutEvents'
        ? publisher.publish([{ detailType: 'Assignment Created', detail: {} }])
        : notifier.notify('s', { scope: 'all', plan: emptyPlan(), applied: true }),
    );

    // Assess
    expect(failure).toMatchObject({ name: expect.stringContaining(error.replace('Exception', '')) });
    expect(emulator.outbox()).toEqual({ events: [], messages: [] });
    expect(emulator.stats().faultsInjected).toBe(1);
  });
});

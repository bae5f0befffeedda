import { describe, expect, it } from 'vitest';
import { makeHandler } from '../../../functions/intake/handler.js';
import { MalformedEventError } from '../../../shared/events/index.js';
import { InMemoryQueue, RecordingLogger } from '../../support/fakes/index.js';
import { failedMoveAccountEvent, malformedMoveAccountEvent, moveAccountEvent, rulesChangeEvent } from './events.js';

const setup = () => {
  const queue = new InMemoryQueue();
  const logger = new RecordingLogger();
  return { queue, logger, handler: makeHandler({ queue, logger, rulesPath: '/idc-lifecycle/rules/' }) };
};

describe('intake handler', () => {
  it('enqueues the scope an event names, with the event as origin', async () => {
    // Prepare
    const { queue, handler } = setup();

    // Act
    await handler(moveAccountEvent('222222222222'));

    // Assess
    expect(queue.items).toEqual([
      {
        scope: { kind: 'account', accountId: '222222222222' },
        origin: { eventId: 'evt-move-1', eventName: 'MoveAccount', source: 'aws.organizations' },
      },
    ]);
  });

  it('logs the reason and enqueues nothing for a recognised event that needs no work', async () => {
    // Prepare
    const { queue, logger, handler } = setup();

    // Act
    await handler(failedMoveAccountEvent());

    // Assess
    expect(queue.items).toEqual([]);
    expect(logger.entries).toEqual([
      { level: 'info', message: 'Event ignored', attributes: [{ reason: expect.stringContaining('failed') }] },
    ]);
  });

  it('leaves the all scope of a rules change to the fan-out function', async () => {
    // Prepare
    const { queue, logger, handler } = setup();

    // Act
    await handler(rulesChangeEvent());

    // Assess
    expect(queue.items).toEqual([]);
    expect(logger.messages('info')).toEqual(['Event ignored']);
  });

  it('rethrows a malformed event so that Lambda retries it and then routes it to the on-failure destination', async () => {
    // Prepare
    const { queue, handler } = setup();

    // Act
    const run = handler(malformedMoveAccountEvent());

    // Assess
    await expect(run).rejects.toBeInstanceOf(MalformedEventError);
    expect(queue.items).toEqual([]);
  });

  it('rethrows when the queue refuses the work', async () => {
    // Prepare
    const { queue, handler } = setup();
    const failure = new Error('SendMessageBatch failed');
    queue.failNext(failure);

    // Act
    const run = handler(moveAccountEvent());

    // Assess
    await expect(run).rejects.toBe(failure);
  });
});

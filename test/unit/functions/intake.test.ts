import { describe, expect, it } from 'vitest';
import { makeHandler } from '../../../functions/intake/handler.js';
import { MalformedEventError, OWN_WRITE_REASON } from '../../../shared/events/index.js';
import { InMemoryQueue, RecordingLogger, RecordingMetrics } from '../../support/fakes/index.js';
import { failedMoveAccountEvent, malformedMoveAccountEvent, moveAccountEvent, rulesChangeEvent } from './events.js';

const MANAGEMENT = '111111111111';
const AUTOMATION = '999999999999';
const WORKER_ROLE_ARN = `arn:aws:iam::${AUTOMATION}:role/idc-lifecycle-worker`;

/** A delegated-administrator deployment; the sample events come from the management account. */
const setup = (accounts = { management: MANAGEMENT, automation: AUTOMATION }) => {
  const queue = new InMemoryQueue();
  const logger = new RecordingLogger();
  const metrics = new RecordingMetrics();
  const handler = makeHandler({
    queue,
    logger,
    metrics,
    accounts,
    rulesPath: '/idc-lifecycle/rules/',
    workerRoleArn: WORKER_ROLE_ARN,
  });
  return { queue, logger, metrics, handler };
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
    await handler({ ...rulesChangeEvent(), account: AUTOMATION });

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

  it('refuses an event from an account its kind cannot come from: logged with the reason, counted, not retried', async () => {
    // Prepare
    const { queue, logger, metrics, handler } = setup();

    // Act
    const run = handler({ ...moveAccountEvent(), account: '444444444444' });

    // Assess
    await expect(run).resolves.toBeUndefined();
    expect(queue.items).toEqual([]);
    expect(metrics.total('EventsRefused')).toBe(1);
    expect(logger.entries).toEqual([
      {
        level: 'warn',
        message: 'Event refused',
        attributes: [
          {
            reason: 'organizations.amazonaws.com events are accepted only from account 111111111111',
            source: 'aws.organizations',
            account: '444444444444',
          },
        ],
      },
    ]);
  });

  it('refuses a malformed event from a foreign account without parsing it', async () => {
    // Prepare
    const { handler, metrics } = setup();

    // Act
    const run = handler({ ...malformedMoveAccountEvent(), account: AUTOMATION });

    // Assess
    await expect(run).resolves.toBeUndefined();
    expect(metrics.total('EventsRefused')).toBe(1);
  });

  it('counts nothing for an event from the expected account', async () => {
    // Prepare
    const { handler, metrics } = setup();

    // Act
    await handler(moveAccountEvent());

    // Assess
    expect(metrics.values).toEqual([]);
  });

  describe('drift: account assignments changed outside the automation', () => {
    const assignmentWrite = (eventName: string, account: string, issuerArn: string) => ({
      version: '0',
      id: `evt-${eventName}`,
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.sso',
      account,
      region: 'eu-west-1',
      resources: [],
      detail: {
        eventSource: 'sso.amazonaws.com',
        eventName,
        userIdentity: { type: 'AssumedRole', sessionContext: { sessionIssuer: { type: 'Role', arn: issuerArn } } },
        requestParameters: { targetId: '333333333333', targetType: 'AWS_ACCOUNT', principalType: 'USER' },
      },
    });

    it.each([
      ['CreateAccountAssignment', MANAGEMENT],
      ['DeleteAccountAssignment', MANAGEMENT],
      ['CreateAccountAssignment', AUTOMATION],
      ['DeleteAccountAssignment', AUTOMATION],
    ])('enqueues the target account of a %s made by someone else, logged in account %s', async (eventName, account) => {
      // Prepare
      const { queue, handler } = setup();
      const event = assignmentWrite(eventName, account, `arn:aws:iam::${account}:role/PlatformAdmin`);

      // Act
      await handler(event);

      // Assess
      expect(queue.items.map((item) => item.scope)).toEqual([{ kind: 'account', accountId: '333333333333' }]);
    });

    it("ignores the worker role's own assignment write, so a reconcile never queues another", async () => {
      // Prepare
      const { queue, logger, handler } = setup();

      // Act
      await handler(assignmentWrite('CreateAccountAssignment', AUTOMATION, WORKER_ROLE_ARN));

      // Assess
      expect(queue.items).toEqual([]);
      expect(logger.entries).toEqual([
        { level: 'info', message: 'Event ignored', attributes: [{ reason: OWN_WRITE_REASON }] },
      ]);
    });
  });
});

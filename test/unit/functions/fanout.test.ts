import { describe, expect, it } from 'vitest';
import { makeHandler } from '../../../functions/fanout/handler.js';
import { RulesUnavailableError } from '../../../shared/domain/errors.js';
import {
  FixedClock,
  InMemoryQueue,
  InMemoryRunStore,
  RecordingLogger,
  RecordingMetrics,
  RecordingNotifier,
  RecordingPublisher,
  StaticRulesSource,
} from '../../support/fakes/index.js';
import { GROUP, MANAGEMENT, PROD, PS, SANDBOX, SHARED, storyOrganization, storyRules } from '../reconcile/world.js';

const approvalEvent = (runId: string) => ({
  id: 'approval-evt-1',
  source: 'idc-lifecycle.approval',
  'detail-type': 'Run Approval',
  detail: { runId, approvedBy: 'jane@example.com' },
});

import { moveAccountEvent, rulesChangeEvent, scheduledEvent } from './events.js';

const setup = (rules = new StaticRulesSource(storyRules())) => {
  const org = storyOrganization();
  const queue = new InMemoryQueue();
  const publisher = new RecordingPublisher();
  const logger = new RecordingLogger();
  const metrics = new RecordingMetrics();
  const store = new InMemoryRunStore();
  const handler = makeHandler({
    rules,
    organizations: org,
    identityStore: org,
    ssoAdmin: org,
    store,
    clock: new FixedClock(),
    queue,
    publisher,
    notifier: new RecordingNotifier(),
    managementAccountId: MANAGEMENT,
    rulesPath: '/idc-lifecycle/rules/',
    logger,
    metrics,
  });
  return { org, queue, publisher, logger, metrics, handler, store };
};

describe('fanout handler', () => {
  it.each([
    ['the sweep schedule', scheduledEvent(), 'evt-sweep-1'],
    ['a rules change', rulesChangeEvent(), 'evt-ssm-1'],
  ])('enqueues every active account for %s', async (_, event, eventId) => {
    // Prepare
    const { queue, handler } = setup();

    // Act
    await handler(event);

    // Assess
    expect(
      queue
        .scopeKeys()
        .filter((k) => k.startsWith('account:'))
        .sort(),
    ).toEqual([`account:${PROD}`, `account:${SANDBOX}`, `account:${SHARED}`]);
    expect(new Set(queue.items.map((i) => i.origin.eventId))).toEqual(new Set([eventId]));
  });

  it('releases the held revocations of a blocked run on a Run Approval event', async () => {
    // Prepare: a sweep blocked by a guard of 0 over drift on PROD
    const { org, queue, handler, store } = setup(
      new StaticRulesSource(storyRules({ revocationGuard: { maxPerRun: 0 } })),
    );
    org.state.assignments.push({
      accountId: PROD,
      permissionSetArn: PS.readOnly,
      principalType: 'GROUP',
      principalId: GROUP.developers,
    });
    await handler(scheduledEvent());
    const [blocked] = await store.listRuns(1);
    queue.drain();

    // Act
    await handler(approvalEvent(blocked?.runId ?? ''));

    // Assess
    expect(queue.items.map((i) => [i.scope, i.run?.planned])).toEqual([
      [{ kind: 'account', accountId: PROD }, { delete: [`${PS.readOnly}|GROUP|${GROUP.developers}`] }],
    ]);
  });

  it.each([
    ['a malformed approval', { ...approvalEvent('x'), detail: { runId: 'x' } }],
    ['the approval of an unknown run', approvalEvent('schedule-nope')],
  ])('logs and drops %s', async (_name, event) => {
    const { queue, logger, handler } = setup();

    await handler(event);

    expect(queue.items).toEqual([]);
    expect(logger.messages()).toEqual(['Approval refused']);
  });

  it('ignores an event that names no sweep', async () => {
    // Prepare
    const { queue, logger, handler } = setup();

    // Act
    await handler(moveAccountEvent());

    // Assess
    expect(queue.items).toEqual([]);
    expect(logger.messages()).toEqual(['Event ignored']);
  });

  it('counts rejected rules documents', async () => {
    // Prepare
    const rules = new StaticRulesSource(storyRules(), [{ document: '/idc-lifecycle/rules/a', message: 'bad' }]);
    const { metrics, publisher, handler } = setup(rules);

    // Act
    await handler(rulesChangeEvent());

    // Assess
    expect(metrics.total('RulesRejected')).toBe(1);
    expect(publisher.ofType('Rules Rejected')).toHaveLength(1);
  });

  it('rethrows when no valid rule set is left, enqueuing nothing', async () => {
    // Prepare
    const rules = new StaticRulesSource(storyRules());
    rules.unavailable();
    const { queue, handler } = setup(rules);

    // Act
    const run = handler(rulesChangeEvent('/idc-lifecycle/rules/base'));

    // Assess
    await expect(run).rejects.toBeInstanceOf(RulesUnavailableError);
    expect(queue.items).toEqual([]);
  });
});

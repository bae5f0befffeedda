import { describe, expect, it } from 'vitest';
import { makeHandler } from '../../../functions/fanout/handler.js';
import { RulesUnavailableError } from '../../../shared/domain/errors.js';
import { readRunPart } from '../../../shared/domain/runs/read-part.js';
import { readPartNames } from '../../../shared/domain/runs/run-organization.js';
import { messageGroupId } from '../../../shared/domain/scope.js';
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
import { GROUP, MANAGEMENT, PROD, PS, storyOrganization, storyRules } from '../reconcile/world.js';

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
  const notifier = new RecordingNotifier();
  const clock = new FixedClock();
  /** Reads the queued read parts as the workers would, so that their run gets planned. */
  const readParts = async () => {
    const deps = { organizations: org, identityStore: org, ssoAdmin: org, store, queue, publisher, notifier, clock };
    for (const item of queue.drain()) {
      if (item.run?.read !== undefined) await readRunPart(deps, { ...item.run, read: item.run.read }, plenty);
    }
  };
  const handler = makeHandler({
    rules,
    organizations: org,
    store,
    clock,
    queue,
    publisher,
    notifier,
    managementAccountId: MANAGEMENT,
    rulesPath: '/idc-lifecycle/rules/',
    logger,
    metrics,
  });
  return { org, queue, publisher, logger, metrics, handler, store, readParts };
};

const plenty = { remainingMs: () => 900_000 };

describe('fanout handler', () => {
  it.each([
    ['the sweep schedule', scheduledEvent(), 'evt-sweep-1'],
    ['a rules change', rulesChangeEvent(), 'evt-ssm-1'],
  ])(
    'queues the read parts of a run over every account for %s, each in its own message group',
    async (_, event, eventId) => {
      // Prepare
      const { org, queue, handler, store } = setup();

      // Act
      await handler(event);

      // Assess
      const [run] = await store.listRuns(1);
      expect(run?.status).toBe('reading');
      expect(queue.items.map((i) => i.run?.read?.name)).toEqual(readPartNames(org.state.accounts.length));
      expect(queue.items.flatMap((i) => i.run?.read?.accountIds ?? [])).toEqual(
        org.state.accounts.map((a) => a.id).sort(),
      );
      expect(new Set(queue.items.map(messageGroupId)).size).toBe(queue.items.length);
      expect(new Set(queue.items.map((i) => i.origin.eventId))).toEqual(new Set([eventId]));
    },
  );

  it('releases the held revocations of a blocked run on a Run Approval event', async () => {
    // Prepare: a sweep blocked by a guard of 0 over drift on PROD
    const { org, queue, handler, store, readParts } = setup(
      new StaticRulesSource(storyRules({ revocationGuard: { maxPerRun: 0 } })),
    );
    org.state.assignments.push({
      accountId: PROD,
      permissionSetArn: PS.readOnly,
      principalType: 'GROUP',
      principalId: GROUP.developers,
    });
    await handler(scheduledEvent());
    await readParts();
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

import { describe, expect, it } from 'vitest';
import { makeHandler } from '../../../functions/fanout/handler.js';
import { MalformedEventError } from '../../../shared/events/result.js';
import { RULE_BOUNDARY_COMMAND } from '../../../shared/events/rule-boundary.js';
import {
  InMemoryQueue,
  InMemoryRunStore,
  RecordingLogger,
  RecordingMetrics,
  RecordingNotifier,
  RecordingPublisher,
  StaticRulesSource,
} from '../../support/fakes/index.js';
import { makeRuleSet } from '../../support/fakes/rule-set.js';
import { MANAGEMENT, PROD, storyOrganization, storyRules } from '../reconcile/world.js';

const UNTIL = '2026-03-01T16:00:30Z';

const setup = (now = Date.parse('2026-03-01T16:05:00Z')) => {
  const story = storyRules();
  const rules = new StaticRulesSource(
    makeRuleSet({
      assignments: [
        ...story.assignments,
        {
          id: 'incident',
          principals: [{ group: 'Platform Admins' }],
          permissionSets: ['ReadOnlyAccess'],
          targets: { accounts: [PROD] },
          validUntil: UNTIL,
        },
      ],
    }),
  );
  const org = storyOrganization();
  const queue = new InMemoryQueue();
  const handler = makeHandler({
    rules,
    organizations: org,
    store: new InMemoryRunStore(),
    queue,
    publisher: new RecordingPublisher(),
    notifier: new RecordingNotifier(),
    managementAccountId: MANAGEMENT,
    clock: { now: () => now },
    rulesPath: '/idc-lifecycle/rules/',
    logger: new RecordingLogger(),
    metrics: new RecordingMetrics(),
  });
  return { queue, handler };
};

/** Whether a run's read part for the account is queued. */
const readsAccount = (queue: InMemoryQueue, accountId: string): boolean =>
  queue.items.some((i) => i.run?.read?.accountIds?.includes(accountId));

const check = (scheduledTime?: string) => ({
  'idc-lifecycle': RULE_BOUNDARY_COMMAND,
  executionId: 'exec-1',
  ...(scheduledTime === undefined ? {} : { scheduledTime }),
});

describe('fanout handler (minute check of time-bound rules)', () => {
  it.each<[string, string, boolean]>([
    ['starts an organization-wide run in the minute a rule ends', '2026-03-01T16:01:00Z', true],
    ['starts nothing in the minute before', '2026-03-01T16:00:00Z', false],
    ['starts nothing in the minute after', '2026-03-01T16:02:00Z', false],
  ])('%s', async (_name, scheduledTime, runs) => {
    const { queue, handler } = setup();

    await handler(check(scheduledTime));

    expect(readsAccount(queue, PROD)).toBe(runs);
    if (runs) expect(new Set(queue.items.map((i) => i.origin.eventName))).toEqual(new Set(['rule-boundaries']));
  });

  it('answers a late or retried invocation by its scheduled time, not by when it runs', async () => {
    const { queue, handler } = setup(Date.parse('2026-03-01T19:00:00Z'));

    await handler(check('2026-03-01T16:01:00Z'));

    expect(readsAccount(queue, PROD)).toBe(true);
  });

  it('asks about the minute before now when the input has no scheduled time (a manual check)', async () => {
    const { queue, handler } = setup(Date.parse('2026-03-01T16:01:10Z'));

    await handler(check());

    expect(readsAccount(queue, PROD)).toBe(true);
  });

  it('refuses a malformed check, so that the minute is retried rather than skipped', async () => {
    const { handler } = setup();

    await expect(handler({ ...check(), scheduledTime: 'yesterday' })).rejects.toThrow(MalformedEventError);
  });
});

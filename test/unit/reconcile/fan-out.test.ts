import { describe, expect, it } from 'vitest';
import { RulesUnavailableError } from '../../../shared/domain/errors.js';
import { type FanOutDeps, fanOut } from '../../../shared/domain/reconcile/fan-out.js';
import type { WorkItemOrigin } from '../../../shared/domain/scope.js';
import {
  type InMemoryOrganization,
  InMemoryQueue,
  RecordingNotifier,
  RecordingPublisher,
  StaticRulesSource,
} from '../../support/fakes/index.js';
import { GROUP, MANAGEMENT, PROD, SANDBOX, SHARED, storyOrganization, storyRules, USER } from './world.js';

const origin: WorkItemOrigin = { eventId: 'sweep-1', eventName: 'Scheduled Event', source: 'aws.scheduler' };

const setup = (org: InMemoryOrganization = storyOrganization(), rules = new StaticRulesSource(storyRules())) => {
  const queue = new InMemoryQueue();
  const publisher = new RecordingPublisher();
  const notifier = new RecordingNotifier();
  const deps: FanOutDeps = {
    rules,
    organizations: org,
    identityStore: org,
    queue,
    publisher,
    notifier,
    managementAccountId: MANAGEMENT,
  };
  return { org, rules, queue, publisher, notifier, deps };
};

describe('fanOut', () => {
  it('enqueues one account item per active account, leaving out the management account', async () => {
    // Prepare
    const { org, queue, deps } = setup();
    org.setAccountStatus(SANDBOX, 'SUSPENDED');
    for (const userId of [USER.alice, USER.bob]) org.addGroupMember(GROUP.developers, userId);

    // Act
    await fanOut(deps, origin);

    // Assess
    expect(queue.scopeKeys().sort()).toEqual([`account:${PROD}`, `account:${SHARED}`]);
    expect(queue.items.every((i) => i.origin === origin)).toBe(true);
  });

  it('includes the management account when the settings say so', async () => {
    // Prepare
    const { queue, deps } = setup(
      storyOrganization(),
      new StaticRulesSource(storyRules({ includeManagementAccount: true })),
    );

    // Act
    await fanOut(deps, origin);

    // Assess
    expect(queue.scopeKeys()).toContain(`account:${MANAGEMENT}`);
  });

  it('enqueues the users whose birthright memberships are missing or no longer match', async () => {
    // Prepare: alice is in place, bob is missing, carol is a member who does not match
    const { org, queue, deps } = setup();
    org.addGroupMember(GROUP.developers, USER.alice);
    org.addGroupMember(GROUP.developers, USER.carol);

    // Act
    await fanOut(deps, origin);

    // Assess
    expect(queue.scopeKeys().filter((k) => k.startsWith('principal:'))).toEqual([
      `principal:USER:${USER.bob}`,
      `principal:USER:${USER.carol}`,
    ]);
  });

  it('reads no users when there are no membership rules', async () => {
    // Prepare
    const rules = storyRules();
    const { org, deps } = setup(storyOrganization(), new StaticRulesSource({ ...rules, memberships: [] }));

    // Act
    await fanOut(deps, origin);

    // Assess
    expect(org.callsOf('listUsers')).toEqual([]);
  });

  it('announces rejected documents and still fans out with the rules in force', async () => {
    // Prepare
    const rules = new StaticRulesSource(storyRules(), [
      {
        document: '/idc-lifecycle/rules/prod',
        message: 'assignments.0.targets: unknown key "acounts"',
        fallbackVersion: 3,
      },
    ]);
    const { queue, publisher, notifier, deps } = setup(storyOrganization(), rules);

    // Act
    const result = await fanOut(deps, origin);

    // Assess
    expect(result.rejections).toHaveLength(1);
    expect(publisher.ofType('Rules Rejected').map((e) => e.detail)).toEqual([
      expect.objectContaining({ document: '/idc-lifecycle/rules/prod', fallbackVersion: 3 }),
    ]);
    expect(notifier.notifications).toHaveLength(1);
    expect(queue.items.length).toBeGreaterThan(0);
  });

  it('propagates RulesUnavailableError and enqueues nothing when every document is gone', async () => {
    // Prepare
    const rules = new StaticRulesSource(storyRules());
    rules.unavailable();
    const { org, queue, deps } = setup(storyOrganization(), rules);

    // Act
    const run = fanOut(deps, origin);

    // Assess
    await expect(run).rejects.toBeInstanceOf(RulesUnavailableError);
    expect(queue.items).toEqual([]);
    expect(org.writeCalls()).toEqual([]);
  });
});

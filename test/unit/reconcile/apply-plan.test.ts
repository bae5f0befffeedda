import { describe, expect, it } from 'vitest';
import { emptyPlan, type Plan } from '../../../shared/domain/plan-types.js';
import { applyPlan } from '../../../shared/domain/reconcile/apply-plan.js';
import { ReconcileError } from '../../../shared/domain/reconcile/reconcile-error.js';
import { RecordingNotifier, RecordingPublisher } from '../../support/fakes/index.js';
import { GROUP, PROD, PS, storyOrganization, USER } from './world.js';

const origin = { eventId: 'evt-1', eventName: 'MoveAccount', source: 'aws.organizations' };

const setup = () => {
  const org = storyOrganization();
  const publisher = new RecordingPublisher();
  const notifier = new RecordingNotifier();
  return { org, publisher, notifier, deps: { ssoAdmin: org, identityStore: org, publisher, notifier } };
};

const grantPlan = (): Plan => ({
  ...emptyPlan(),
  create: [
    {
      accountId: PROD,
      permissionSetArn: PS.readOnly,
      permissionSetName: 'ReadOnlyAccess',
      principalType: 'GROUP',
      principalId: GROUP.developers,
      principalName: 'Developers',
      ruleIds: ['devs'],
    },
  ],
});

describe('applyPlan', () => {
  it('tells nobody anything when the plan is empty', async () => {
    // Prepare
    const { deps, publisher, notifier } = setup();

    // Act
    const outcome = await applyPlan(deps, {
      plan: emptyPlan(),
      scope: `account:${PROD}`,
      origin,
      mode: 'enforce',
      memberships: [],
    });

    // Assess
    expect(outcome.status).toBe('applied');
    expect(publisher.events).toEqual([]);
    expect(notifier.notifications).toEqual([]);
  });

  it('publishes an event carrying names, rule ids and the origin for each change', async () => {
    // Prepare
    const { deps, publisher, notifier } = setup();

    // Act
    await applyPlan(deps, { plan: grantPlan(), scope: `account:${PROD}`, origin, mode: 'enforce', memberships: [] });

    // Assess
    expect(publisher.events).toEqual([
      {
        detailType: 'Assignment Created',
        detail: expect.objectContaining({
          accountId: PROD,
          permissionSetName: 'ReadOnlyAccess',
          principalName: 'Developers',
          ruleIds: ['devs'],
          scope: `account:${PROD}`,
          originEventId: 'evt-1',
        }),
      },
    ]);
    expect(notifier.notifications.map((n) => n.summary.applied)).toEqual([true]);
  });

  it('reports a failed grant as skipped, and does not fail the item, when it cannot succeed on a retry', async () => {
    // Prepare
    const { org, deps, publisher } = setup();
    org.deleteGroup(GROUP.developers);

    // Act
    const outcome = await applyPlan(deps, {
      plan: grantPlan(),
      scope: `account:${PROD}`,
      origin,
      mode: 'enforce',
      memberships: [],
      whyGrantCannotSucceed: async (c) => (c.principalType === 'GROUP' ? 'group no longer exists' : undefined),
    });

    // Assess
    expect(outcome.skipped).toEqual([{ change: grantPlan().create[0], reason: 'group no longer exists' }]);
    expect(outcome.applied.assignmentsCreated).toBe(0);
    expect(publisher.ofType('Assignment Created')).toEqual([]);
  });

  it('holds back, as blocked, a revocation whose replacement grant cannot succeed, and fails nothing', async () => {
    // Prepare: alice moves from AdministratorAccess to ReadOnlyAccess on PROD, and ReadOnlyAccess is gone
    const { org, deps, publisher } = setup();
    const held = {
      accountId: PROD,
      permissionSetArn: PS.admin,
      principalType: 'USER',
      principalId: USER.alice,
    } as const;
    const alice = { accountId: PROD, principalType: 'USER', principalId: USER.alice, principalName: 'alice' } as const;
    org.state.assignments.push(held);
    org.deletePermissionSet(PS.readOnly);
    const plan: Plan = {
      ...emptyPlan(),
      create: [{ ...alice, permissionSetArn: PS.readOnly, permissionSetName: 'ReadOnlyAccess', ruleIds: ['sre'] }],
      delete: [{ ...alice, permissionSetArn: PS.admin, permissionSetName: 'AdministratorAccess', reason: 'moved' }],
    };

    // Act
    const outcome = await applyPlan(deps, {
      plan,
      scope: `account:${PROD}`,
      origin,
      mode: 'enforce',
      memberships: [],
      whyGrantCannotSucceed: async () => 'permission set no longer exists',
    });

    // Assess
    expect(org.assignmentsOn(PROD)).toContainEqual(held);
    expect(outcome.applied.assignmentsDeleted).toBe(0);
    expect(outcome.plan.delete).toEqual([]);
    expect(outcome.plan.blocked).toEqual([expect.objectContaining({ wouldDelete: 1, changes: [plan.delete[0]] })]);
    expect(publisher.ofType('Reconcile Blocked')).toHaveLength(1);
  });

  it('keeps a failed grant a failure when checking whether it can succeed fails too', async () => {
    // Prepare
    const { org, deps } = setup();
    org.deleteGroup(GROUP.developers);

    // Act
    const applying = applyPlan(deps, {
      plan: grantPlan(),
      scope: `account:${PROD}`,
      origin,
      mode: 'enforce',
      memberships: [],
      whyGrantCannotSucceed: async () => {
        throw new Error('DescribeGroup throttled');
      },
    });

    // Assess
    await expect(applying).rejects.toBeInstanceOf(ReconcileError);
  });

  it('fails a membership removal whose membership id was not read, and still applies the rest', async () => {
    // Prepare
    const { org, deps } = setup();
    const plan: Plan = {
      ...grantPlan(),
      memberships: { add: [], remove: [{ groupId: GROUP.developers, userId: USER.bob, reason: 'no longer matches' }] },
    };

    // Act
    const run = applyPlan(deps, {
      plan,
      scope: `principal:USER:${USER.bob}`,
      origin,
      mode: 'enforce',
      memberships: [],
    });

    // Assess
    await expect(run).rejects.toThrow(ReconcileError);
    expect(org.assignmentsOf(GROUP.developers)).toHaveLength(1);
  });

  it('throws after applying when publishing the events fails, so that the item is retried', async () => {
    // Prepare
    const { org, deps, publisher, notifier } = setup();
    publisher.failNext(new Error('PutEvents failed'));

    // Act
    const run = applyPlan(deps, {
      plan: grantPlan(),
      scope: `account:${PROD}`,
      origin,
      mode: 'enforce',
      memberships: [],
    });

    // Assess
    await expect(run).rejects.toThrow(/publish-events/);
    expect(org.assignmentsOf(GROUP.developers)).toHaveLength(1);
    expect(notifier.notifications).toHaveLength(1);
  });
});

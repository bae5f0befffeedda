import { describe, expect, it } from 'vitest';
import { approveRun } from '../../../shared/domain/runs/approve-run.js';
import { readRunPart } from '../../../shared/domain/runs/read-part.js';
import { ACCOUNTS_PER_CHUNK, beginOrganizationRun } from '../../../shared/domain/runs/run-organization.js';
import { messageGroupId, type WorkItem } from '../../../shared/domain/scope.js';
import {
  describeAssignments,
  GROUP,
  item,
  MANAGEMENT,
  PROD,
  PS,
  SANDBOX,
  SHARED,
  storyRules,
  USER,
} from '../reconcile/world.js';
import { isReadPart, plenty, rulesChangeOrigin, runSystem, sweepOrigin } from './support.js';

const assign = (
  system: ReturnType<typeof runSystem>,
  accountId: string,
  permissionSetArn: string,
  principalId: string,
) => system.org.state.assignments.push({ accountId, permissionSetArn, principalType: 'USER', principalId });

describe('organization-wide run', () => {
  it('queues nothing for an organization that already matches its rules, and records its totals', async () => {
    // Prepare: converge first
    const system = runSystem();
    await system.startRun('schedule', sweepOrigin('converge'));
    await system.drain();

    // Act
    const { run } = await system.startRun('schedule', sweepOrigin());

    // Assess
    expect(system.queue.items).toEqual([]);
    expect(run.status).toBe('planned');
    expect(run.counts?.items).toBe(0);
    const managed = system.org.state.assignments.filter(
      (a) => a.permissionSetArn === PS.admin || a.permissionSetArn === PS.readOnly,
    );
    expect((await system.store.organizationState()).totals?.managedAssignments).toBe(managed.length);
  });

  it('queues work only for the accounts and users with changes, and converges when it is applied', async () => {
    // Prepare
    const system = runSystem();

    // Act
    await system.startRun('schedule', sweepOrigin());
    const queued = system.queue.scopeKeys();
    await system.drain();

    // Assess
    expect(queued).toEqual([
      `account:${PROD}`,
      `account:${SANDBOX}`,
      `account:${SHARED}`,
      `principal:USER:${USER.alice}`,
      `principal:USER:${USER.bob}`,
    ]);
    const again = await system.startRun('schedule', sweepOrigin('sweep-2'));
    expect(again.run.counts?.items).toBe(0);
  });

  it('reads each account once and looks no group up by name or id', async () => {
    const system = runSystem();

    await system.startRun('schedule', sweepOrigin());

    expect(system.org.callsOf('listAccountAssignments').map((c) => c.args[0])).toEqual([
      MANAGEMENT,
      PROD,
      SANDBOX,
      SHARED,
    ]);
    expect([...system.org.callsOf('describeGroup'), ...system.org.callsOf('getGroupIdByDisplayName')]).toEqual([]);
  });

  it('sends one notification for the whole run, and none from the workers that apply it', async () => {
    const system = runSystem();

    await system.startRun('schedule', sweepOrigin());
    await system.drain();

    expect(system.notifier.notifications.map((n) => n.summary.scope)).toEqual(['run schedule-sweep-1 (schedule)']);
  });

  it('continues a part that runs short of time in a new item of its own message group, reading no account twice', async () => {
    // Prepare: a budget that is always short, so each item reads one account
    const system = runSystem();
    const short = { remainingMs: () => 0 };
    for (let i = 0; i < ACCOUNTS_PER_CHUNK; i++) {
      system.org.createAccount({ id: String(700000000000 + i), parentId: 'ou-ab12-sandbox1' });
    }
    await beginOrganizationRun(system.fanOutDeps, 'schedule', sweepOrigin());
    const first = system.queue.items.find((i) => i.run?.read?.name === 'accounts-0');
    if (first === undefined || !isReadPart(first)) throw new Error('no first accounts part');
    system.queue.items.splice(system.queue.items.indexOf(first), 1);

    // Act
    const result = await readRunPart(system.readPartDeps, first.run, short);

    // Assess
    expect(result.outcome).toBe('continued');
    const continuation = system.queue.items.at(-1);
    expect(continuation === undefined ? undefined : messageGroupId(continuation)).toBe(messageGroupId(first));
    expect(continuation?.run?.read?.from).toBe(1);
    await system.readParts(short);
    expect((await system.store.getRun('schedule-sweep-1'))?.status).toBe('planned');
    const reads = system.org.callsOf('listAccountAssignments').map((c) => c.args[0]);
    expect(reads).toHaveLength(new Set(reads).size);
    await system.drain();
    expect(describeAssignments(system.org, '700000000042')).toEqual([
      `700000000042 ReadOnlyAccess GROUP ${GROUP.sandboxUsers}`,
    ]);
  });

  it('resumes a redelivered event as the same run instead of starting another', async () => {
    const system = runSystem();
    await system.startRun('schedule', sweepOrigin());
    const reads = system.org.callsOf('listAccountAssignments').length;

    await system.startRun('schedule', sweepOrigin());

    expect(system.org.callsOf('listAccountAssignments')).toHaveLength(reads);
    expect(system.store.runs.size).toBe(1);
  });

  it('repairs a lost DisableUser: the sweep offboards the user from every permission set and group', async () => {
    // Prepare: carol is disabled, and the event never arrived
    const system = runSystem();
    assign(system, PROD, PS.custom, USER.carol);
    system.org.addGroupMember(GROUP.developers, USER.carol);
    system.org.updateUser(USER.carol, { active: false });

    // Act
    await system.startRun('schedule', sweepOrigin());
    await system.drain();

    // Assess
    expect(system.org.assignmentsOf(USER.carol)).toEqual([]);
    expect(system.org.state.groupMemberships.filter((m) => m.userId === USER.carol)).toEqual([]);
  });
});

describe('run guard and approval', () => {
  const drifted = () => {
    const system = runSystem(undefined, storyRules({ revocationGuard: { maxPerRun: 2 } }));
    for (const principalId of [USER.alice, USER.bob, USER.carol]) assign(system, SANDBOX, PS.admin, principalId);
    return system;
  };
  const approvalOrigin = { eventId: 'approval-1', eventName: 'Run Approval', source: 'idc-lifecycle.approval' };

  it('applies the grants of a run that trips the guard, holds all its revocations, and lists them in Run Blocked', async () => {
    // Prepare
    const system = drifted();

    // Act
    const { run } = await system.startRun('schedule', sweepOrigin());
    await system.drain();

    // Assess
    expect(run.status).toBe('blocked');
    expect(describeAssignments(system.org, SANDBOX)).toContain(`${SANDBOX} AdministratorAccess USER ${USER.carol}`);
    expect(describeAssignments(system.org, PROD)).toContain(`${PROD} AdministratorAccess GROUP ${GROUP.platform}`);
    const [event] = system.publisher.ofType('Run Blocked');
    const blocked = event?.detail.blocked as { changes: { principalId: string }[] }[];
    expect(blocked[0]?.changes.map((c) => c.principalId).sort()).toEqual([USER.alice, USER.bob, USER.carol]);
  });

  it('applies exactly the held revocations that are still wanted once approved', async () => {
    // Prepare: a blocked run; then someone removes bob's drift by hand
    const system = drifted();
    const { run } = await system.startRun('schedule', sweepOrigin());
    await system.drain();
    system.org.state.assignments = system.org.state.assignments.filter(
      (a) => !(a.accountId === SANDBOX && a.principalId === USER.bob && a.permissionSetArn === PS.admin),
    );
    assign(system, SHARED, PS.admin, USER.carol);
    const deletesBefore = system.org.callsOf('deleteAccountAssignment').length;

    // Act
    const result = await approveRun(
      system.fanOutDeps,
      { runId: run.runId, approvedBy: 'arn:aws:iam::111111111111:role/Platform' },
      approvalOrigin,
    );
    await system.drain();

    // Assess
    expect(result.status).toBe('approved');
    const deleted = system.org
      .callsOf('deleteAccountAssignment')
      .slice(deletesBefore)
      .map((c) => (c.args[0] as { principalId: string }).principalId);
    expect(deleted.sort()).toEqual([USER.alice, USER.carol]);
    expect(describeAssignments(system.org, SHARED)).toContain(`${SHARED} AdministratorAccess USER ${USER.carol}`);
    expect((await system.store.getRun(run.runId))?.status).toBe('approved');
    expect((await system.store.listRuns(5)).find((r) => r.trigger === 'approval')).toEqual(
      expect.objectContaining({
        approves: run.runId,
        guardBypassed: true,
        approvedBy: 'arn:aws:iam::111111111111:role/Platform',
      }),
    );
  });

  it('records the approval before it queues its items, so that a worker knows them as an approval', async () => {
    // Prepare
    const system = drifted();
    const { run } = await system.startRun('schedule', sweepOrigin());
    await system.drain();
    const triggers: (string | undefined)[] = [];
    const queue = {
      enqueue: async (items: readonly WorkItem[]) => {
        for (const i of items) triggers.push((await system.store.getRun(i.run?.runId ?? ''))?.trigger);
      },
    };

    // Act
    await approveRun({ ...system.fanOutDeps, queue }, { runId: run.runId, approvedBy: 'me' }, approvalOrigin);

    // Assess
    expect(triggers.length).toBeGreaterThan(0);
    expect(new Set(triggers)).toEqual(new Set(['approval']));
  });

  it('queues the held revocations when the approval is delivered again after its enqueue failed', async () => {
    // Prepare
    const system = drifted();
    const { run } = await system.startRun('schedule', sweepOrigin());
    await system.drain();
    system.queue.failNext(new Error('SQS unavailable'));
    const request = { runId: run.runId, approvedBy: 'me' };
    await expect(approveRun(system.fanOutDeps, request, approvalOrigin)).rejects.toThrow('SQS unavailable');

    // Act
    const result = await approveRun(system.fanOutDeps, request, approvalOrigin);
    await system.drain();

    // Assess
    expect(result.status).toBe('approved');
    expect(describeAssignments(system.org, SANDBOX)).not.toContain(`${SANDBOX} AdministratorAccess USER ${USER.bob}`);
    expect((await system.store.getRun(run.runId))?.status).toBe('approved');
  });

  it('refuses to approve a run that is not blocked', async () => {
    const system = runSystem();
    const { run } = await system.startRun('schedule', sweepOrigin());

    const result = await approveRun(system.fanOutDeps, { runId: run.runId, approvedBy: 'me' }, approvalOrigin);

    expect(result).toEqual({ status: 'refused', reason: `run ${run.runId} is planned, not blocked` });
  });
});

describe('rules freshness', () => {
  it('makes no wrong revocation when two workers with different rules caches straddle a rules change', async () => {
    // Prepare: converged, and both workers warm with the old rules
    const system = runSystem();
    await system.startRun('schedule', sweepOrigin('converge'));
    await system.drain();
    const early = system.worker();
    const late = system.worker();
    await early.cache.load();
    await late.cache.load();
    const old = storyRules();
    system.rules.set({
      ...old,
      assignments: [
        ...old.assignments,
        {
          id: 'dev-sandbox',
          principals: [{ group: 'Developers' }],
          permissionSets: ['ReadOnlyAccess'],
          targets: { organizationalUnits: ['/Sandbox'] },
        },
      ],
    });

    // Act: the rules change is applied through one worker; an unrelated event reaches the other right after
    await system.startRun('rules-change', rulesChangeOrigin());
    await system.drain(plenty, early);
    await late.run(item({ kind: 'account', accountId: SANDBOX }));

    // Assess
    expect(describeAssignments(system.org, SANDBOX)).toContain(`${SANDBOX} ReadOnlyAccess GROUP ${GROUP.developers}`);
    expect(system.org.callsOf('deleteAccountAssignment')).toEqual([]);
  });

  it('grants only when a worker cannot load the rules version of its run', async () => {
    // Prepare: the run plans with rules that have changed again by the time its items run
    const system = runSystem();
    assign(system, SANDBOX, PS.admin, USER.bob);
    await system.startRun('schedule', sweepOrigin());
    system.rules.set(storyRules({ revocationGuard: { maxPerRun: 50 } }));

    // Act
    await system.drain();

    // Assess
    expect(system.org.callsOf('deleteAccountAssignment')).toEqual([]);
    expect(describeAssignments(system.org, PROD)).toContain(`${PROD} AdministratorAccess GROUP ${GROUP.platform}`);
  });
});

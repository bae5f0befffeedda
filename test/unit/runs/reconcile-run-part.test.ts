import { describe, expect, it } from 'vitest';
import { PERMISSION_SET_DELETED } from '../../../shared/domain/reconcile/deleted-since-read.js';
import { GROUP_DELETED } from '../../../shared/domain/runs/organization-run.js';
import { USER_CHANGED_SINCE_RUN } from '../../../shared/domain/runs/reconcile-run-part.js';
import { DIRECTORY_STATE, RunDirectoryUnavailableError } from '../../../shared/domain/runs/run-directory.js';
import { scopeKey, type WorkItem } from '../../../shared/domain/scope.js';
import type { RecordedCall } from '../../support/fakes/in-memory-organization.js';
import { describeAssignments, GROUP, PROD, PS, SANDBOX, USER } from '../reconcile/world.js';
import { runSystem, sweepOrigin } from './support.js';

/** A sweep planned and its items taken off the queue, not yet applied. */
const plannedSweep = async (system = runSystem()) => {
  const { run } = await system.startRun('schedule', sweepOrigin());
  const items = system.queue.drain();
  const itemFor = (key: string): WorkItem => {
    const found = items.find((i) => scopeKey(i.scope) === key);
    if (found === undefined) throw new Error(`the run queued no item for ${key}`);
    return found;
  };
  return { system, run, items, itemFor, from: system.org.calls.length };
};

const callsSince = (calls: readonly RecordedCall[], from: number, method: RecordedCall['method']) =>
  calls.slice(from).filter((c) => c.method === method);

describe('reconcileRunPart with the run directory', () => {
  it('looks no group, user or permission set up: the directory is the one the run read', async () => {
    // Prepare
    const { system, itemFor, from } = await plannedSweep();

    // Act
    await system.firstWorker.run(itemFor(`account:${PROD}`));

    // Assess
    const calls = system.org.calls.slice(from).map((c) => c.method);
    for (const lookup of [
      'getGroupIdByDisplayName',
      'getUserIdByUserName',
      'describeGroup',
      'listUsers',
      'listGroups',
      'listPermissionSets',
    ] as const) {
      expect(calls).not.toContain(lookup);
    }
    expect(describeAssignments(system.org, PROD)).toEqual([
      `${PROD} AdministratorAccess GROUP ${GROUP.platform}`,
      `${PROD} ReadOnlyAccess USER ${USER.alice}`,
    ]);
  });

  it('describes each user it grants to once, live', async () => {
    const { system, itemFor, from } = await plannedSweep();

    await system.firstWorker.run(itemFor(`account:${PROD}`));

    expect(callsSince(system.org.calls, from, 'describeUser').map((c) => c.args[0])).toEqual([USER.alice]);
  });

  it("reads the account's assignments in the permission sets its item changes only", async () => {
    const { system, itemFor, from } = await plannedSweep();

    await system.firstWorker.run(itemFor(`account:${PROD}`));

    expect(callsSince(system.org.calls, from, 'listAccountAssignments').map((c) => c.args)).toEqual([
      [PROD, { permissionSetArns: [PS.admin, PS.readOnly].sort() }],
    ]);
  });

  it('names the permission sets of its revocations and offboarding as likely provisioned when it reads them', async () => {
    // Prepare: developers hold AdministratorAccess that no rule grants; carol, disabled, holds CustomThing
    const system = runSystem();
    system.org.state.assignments.push(
      { accountId: PROD, permissionSetArn: PS.admin, principalType: 'GROUP', principalId: GROUP.developers },
      { accountId: PROD, permissionSetArn: PS.custom, principalType: 'USER', principalId: USER.carol },
    );
    system.org.updateUser(USER.carol, { active: false });
    const { itemFor, from } = await plannedSweep(system);

    // Act
    await system.firstWorker.run(itemFor(`account:${PROD}`));

    // Assess: ReadOnlyAccess is only granted in, so the run cannot tell whether it is provisioned.
    expect(callsSince(system.org.calls, from, 'listAccountAssignments').map((c) => c.args)).toEqual([
      [
        PROD,
        {
          permissionSetArns: [PS.admin, PS.readOnly, PS.custom].sort(),
          likelyProvisioned: [PS.admin, PS.custom].sort(),
        },
      ],
    ]);
  });

  it('does not grant a user disabled since the run read the directory, and says why', async () => {
    // Prepare
    const { system, itemFor } = await plannedSweep();
    system.org.updateUser(USER.alice, { active: false });

    // Act
    const outcome = await system.firstWorker.run(itemFor(`account:${PROD}`));

    // Assess
    expect(describeAssignments(system.org, PROD)).toEqual([`${PROD} AdministratorAccess GROUP ${GROUP.platform}`]);
    expect(outcome.skipped).toEqual([
      {
        change: expect.objectContaining({ principalType: 'USER', principalId: USER.alice }),
        reason: USER_CHANGED_SINCE_RUN,
      },
    ]);
  });

  it('skips a grant to a group deleted since the run read the directory instead of failing the item', async () => {
    // Prepare
    const { system, itemFor } = await plannedSweep();
    system.org.deleteGroup(GROUP.sandboxUsers);

    // Act
    const outcome = await system.firstWorker.run(itemFor(`account:${SANDBOX}`));

    // Assess
    expect(describeAssignments(system.org, SANDBOX)).toEqual([]);
    expect(outcome.skipped).toEqual([
      {
        change: expect.objectContaining({ principalType: 'GROUP', principalId: GROUP.sandboxUsers }),
        reason: GROUP_DELETED,
      },
    ]);
  });

  it('skips a grant in a permission set deleted since the run read the directory, and applies the rest of the item', async () => {
    // Prepare: the PROD item grants AdministratorAccess to Platform Admins and ReadOnlyAccess to alice
    const { system, itemFor } = await plannedSweep();
    system.org.deletePermissionSet(PS.readOnly);

    // Act
    const outcome = await system.firstWorker.run(itemFor(`account:${PROD}`));

    // Assess
    expect(describeAssignments(system.org, PROD)).toEqual([`${PROD} AdministratorAccess GROUP ${GROUP.platform}`]);
    expect(outcome.skipped).toEqual([
      {
        change: expect.objectContaining({ permissionSetArn: PS.readOnly, principalId: USER.alice }),
        reason: PERMISSION_SET_DELETED,
      },
    ]);
  });

  it('holds back, as blocked, the revocation that a grant in a deleted permission set was to replace', async () => {
    // Prepare: alice is to move from AdministratorAccess to ReadOnlyAccess on PROD; ReadOnlyAccess is
    // deleted before the item runs
    const system = runSystem();
    system.org.state.assignments.push({
      accountId: PROD,
      permissionSetArn: PS.admin,
      principalType: 'USER',
      principalId: USER.alice,
    });
    const { itemFor } = await plannedSweep(system);
    expect(itemFor(`account:${PROD}`).run?.planned?.delete).toEqual([`${PS.admin}|USER|${USER.alice}`]);
    system.org.deletePermissionSet(PS.readOnly);

    // Act
    const outcome = await system.firstWorker.run(itemFor(`account:${PROD}`));

    // Assess
    expect(describeAssignments(system.org, PROD)).toContain(`${PROD} AdministratorAccess USER ${USER.alice}`);
    expect(system.org.callsOf('deleteAccountAssignment')).toEqual([]);
    expect(outcome.plan.blocked.flatMap((b) => b.changes)).toEqual([
      expect.objectContaining({ permissionSetArn: PS.admin, principalType: 'USER', principalId: USER.alice }),
    ]);
    expect(system.publisher.ofType('Reconcile Blocked')).toHaveLength(1);
  });

  it('fails a grant in a permission set that cannot be described, so that it is retried', async () => {
    // Prepare
    const { system, itemFor } = await plannedSweep();
    system.org.deletePermissionSet(PS.readOnly);
    system.org.failOn('describePermissionSet', new Error('DescribePermissionSet throttled'));

    // Act
    const run = system.firstWorker.run(itemFor(`account:${PROD}`));

    // Assess
    await expect(run).rejects.toThrow(/create-assignment/);
    expect(describeAssignments(system.org, PROD)).toEqual([`${PROD} AdministratorAccess GROUP ${GROUP.platform}`]);
  });

  it('fails a grant to a group that still exists as any failed grant fails, so that it is retried', async () => {
    // Prepare
    const { system, itemFor } = await plannedSweep();
    const failure = new Error('Identity Center failed the request');
    system.org.failOn('createAccountAssignment', failure);

    // Act
    const run = system.firstWorker.run(itemFor(`account:${SANDBOX}`));

    // Assess
    await expect(run).rejects.toThrow(/create-assignment/);
  });

  it("fails the item and changes nothing when the run's directory cannot be loaded", async () => {
    // Prepare
    const { system, run, itemFor } = await plannedSweep();
    system.store.states.delete(`${run.runId}/${DIRECTORY_STATE}`);

    // Act
    const applying = system.firstWorker.run(itemFor(`account:${PROD}`));

    // Assess
    await expect(applying).rejects.toBeInstanceOf(RunDirectoryUnavailableError);
    expect(system.org.writeCalls()).toEqual([]);
  });

  it('never revokes an assignment its run did not plan, even in a permission set it reads', async () => {
    // Prepare: drift in a managed permission set the item reads, after the run read the account
    const { system, itemFor } = await plannedSweep();
    system.org.state.assignments.push({
      accountId: PROD,
      permissionSetArn: PS.admin,
      principalType: 'USER',
      principalId: USER.bob,
    });

    // Act
    await system.firstWorker.run(itemFor(`account:${PROD}`));

    // Assess
    expect(describeAssignments(system.org, PROD)).toContain(`${PROD} AdministratorAccess USER ${USER.bob}`);
    expect(system.org.callsOf('deleteAccountAssignment')).toEqual([]);
  });

  it('keeps an assignment whose principal the rules want again since the run planned to revoke it', async () => {
    // Prepare: bob holds ReadOnlyAccess on Prod without being an SRE; he becomes one before the item runs
    const system = runSystem();
    system.org.state.assignments.push({
      accountId: PROD,
      permissionSetArn: PS.readOnly,
      principalType: 'USER',
      principalId: USER.bob,
    });
    const { itemFor, from } = await plannedSweep(system);
    expect(itemFor(`account:${PROD}`).run?.planned?.delete).toEqual([`${PS.readOnly}|USER|${USER.bob}`]);
    system.org.updateUser(USER.bob, { title: 'SRE' });

    // Act
    await system.firstWorker.run(itemFor(`account:${PROD}`));

    // Assess
    expect(describeAssignments(system.org, PROD)).toContain(`${PROD} ReadOnlyAccess USER ${USER.bob}`);
    expect(callsSince(system.org.calls, from, 'describeUser').map((c) => c.args[0])).toContain(USER.bob);
  });

  it("revokes a group's assignment the rules no longer want on the run's directory, describing no group", async () => {
    // Prepare: the developers group holds AdministratorAccess on Prod, which no rule grants it
    const system = runSystem();
    system.org.state.assignments.push({
      accountId: PROD,
      permissionSetArn: PS.admin,
      principalType: 'GROUP',
      principalId: GROUP.developers,
    });
    const { itemFor, from } = await plannedSweep(system);
    expect(itemFor(`account:${PROD}`).run?.planned?.delete).toEqual([`${PS.admin}|GROUP|${GROUP.developers}`]);

    // Act
    await system.firstWorker.run(itemFor(`account:${PROD}`));

    // Assess
    expect(describeAssignments(system.org, PROD)).not.toContain(
      `${PROD} AdministratorAccess GROUP ${GROUP.developers}`,
    );
    expect(callsSince(system.org.calls, from, 'describeGroup')).toEqual([]);
  });

  it('does not offboard a user enabled again since the run planned it', async () => {
    // Prepare
    const system = runSystem();
    system.org.state.assignments.push({
      accountId: PROD,
      permissionSetArn: PS.custom,
      principalType: 'USER',
      principalId: USER.carol,
    });
    system.org.updateUser(USER.carol, { active: false });
    const { itemFor } = await plannedSweep(system);
    expect(itemFor(`account:${PROD}`).run?.planned?.offboard).toEqual([`${PS.custom}|USER|${USER.carol}`]);
    system.org.updateUser(USER.carol, { active: true });

    // Act
    await system.firstWorker.run(itemFor(`account:${PROD}`));

    // Assess
    expect(describeAssignments(system.org, PROD)).toContain(`${PROD} CustomThing USER ${USER.carol}`);
  });

  it("plans a user's memberships with the run's directory and reads no account", async () => {
    const { system, itemFor, from } = await plannedSweep();

    await system.firstWorker.run(itemFor(`principal:USER:${USER.bob}`));

    const calls = system.org.calls.slice(from).map((c) => c.method);
    expect(calls).not.toContain('listAccounts');
    expect(calls).not.toContain('describeAccount');
    expect(calls).not.toContain('getGroupIdByDisplayName');
    expect(system.org.membersOf(GROUP.developers)).toContain(USER.bob);
  });
});

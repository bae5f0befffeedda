import { describe, expect, it } from 'vitest';
import { AssignmentOperationError } from '../../../shared/domain/errors.js';
import { ReconcileError, UnsupportedScopeError } from '../../../shared/domain/reconcile/reconcile-error.js';
import { reconcileScope } from '../../../shared/domain/reconcile/reconcile-scope.js';
import {
  accountItem,
  describeAssignments,
  GROUP,
  groupItem,
  item,
  MANAGEMENT,
  NEW_ACCOUNT,
  OU,
  PROD,
  PS,
  SANDBOX,
  SHARED,
  story,
  storyOrganization,
  storyRules,
  USER,
  userItem,
} from './world.js';

describe('reconcileScope: account scope', () => {
  it('gives an account vended into the root its OU access once moved, and takes the old OU access away', async () => {
    // Prepare
    const { org, deps } = story();
    org.createAccount({ id: NEW_ACCOUNT });

    // Act + Assess: in the root, nothing applies
    await reconcileScope(deps, accountItem(NEW_ACCOUNT));
    expect(describeAssignments(org, NEW_ACCOUNT)).toEqual([]);

    org.moveAccount(NEW_ACCOUNT, OU.sandbox);
    await reconcileScope(deps, accountItem(NEW_ACCOUNT));
    expect(describeAssignments(org, NEW_ACCOUNT)).toEqual([
      `${NEW_ACCOUNT} ReadOnlyAccess GROUP ${GROUP.sandboxUsers}`,
    ]);

    org.moveAccount(NEW_ACCOUNT, OU.prod);
    await reconcileScope(deps, accountItem(NEW_ACCOUNT));
    expect(describeAssignments(org, NEW_ACCOUNT)).toEqual([
      `${NEW_ACCOUNT} AdministratorAccess GROUP ${GROUP.platform}`,
      `${NEW_ACCOUNT} ReadOnlyAccess USER ${USER.alice}`,
    ]);
  });

  it('reconciles to the current OU when the account moved again after the event', async () => {
    // Prepare: the event was about the move to Sandbox; the account is in Prod by now
    const { org, deps } = story();
    org.createAccount({ id: NEW_ACCOUNT, parentId: OU.sandbox });
    const staleEvent = accountItem(NEW_ACCOUNT);
    org.moveAccount(NEW_ACCOUNT, OU.prod);

    // Act
    await reconcileScope(deps, staleEvent);

    // Assess
    expect(describeAssignments(org, NEW_ACCOUNT)).toEqual([
      `${NEW_ACCOUNT} AdministratorAccess GROUP ${GROUP.platform}`,
      `${NEW_ACCOUNT} ReadOnlyAccess USER ${USER.alice}`,
    ]);
  });

  it('leaves unmanaged and protected assignments alone while removing managed drift', async () => {
    // Prepare
    const { org, deps } = story();
    org.state.assignments.push(
      { accountId: SANDBOX, permissionSetArn: PS.admin, principalType: 'USER', principalId: USER.bob },
      { accountId: SANDBOX, permissionSetArn: PS.custom, principalType: 'USER', principalId: USER.bob },
      { accountId: SANDBOX, permissionSetArn: PS.admin, principalType: 'GROUP', principalId: GROUP.breakGlass },
    );

    // Act
    await reconcileScope(deps, accountItem(SANDBOX));

    // Assess
    expect(describeAssignments(org, SANDBOX)).toEqual([
      `${SANDBOX} AdministratorAccess GROUP ${GROUP.breakGlass}`,
      `${SANDBOX} CustomThing USER ${USER.bob}`,
      `${SANDBOX} ReadOnlyAccess GROUP ${GROUP.sandboxUsers}`,
    ]);
  });

  it.each([
    ['SUSPENDED', (o: ReturnType<typeof storyOrganization>) => o.setAccountStatus(SANDBOX, 'SUSPENDED')],
    ['gone', (o: ReturnType<typeof storyOrganization>) => o.removeAccount(SANDBOX)],
  ])('changes nothing on an account that is %s', async (_, change) => {
    // Prepare
    const { org, deps } = story();
    org.state.assignments.push({
      accountId: SANDBOX,
      permissionSetArn: PS.admin,
      principalType: 'USER',
      principalId: USER.bob,
    });
    change(org);

    // Act
    const outcome = await reconcileScope(deps, accountItem(SANDBOX));

    // Assess
    expect(outcome.status).toBe('skipped');
    expect(outcome.reason).toBeTruthy();
    expect(org.writeCalls()).toEqual([]);
  });

  it('skips, rather than fails, a grant to a group deleted after its id was looked up', async () => {
    // Prepare: the group goes between the lookup and the grant
    const { org, deps } = story();
    org.beforeNext('createAccountAssignment', () => org.deleteGroup(GROUP.sandboxUsers));

    // Act
    const outcome = await reconcileScope(deps, accountItem(SANDBOX));

    // Assess
    expect(outcome.skipped).toEqual([
      {
        change: expect.objectContaining({ principalType: 'GROUP', principalId: GROUP.sandboxUsers }),
        reason: 'group no longer exists',
      },
    ]);
    expect(describeAssignments(org, SANDBOX)).toEqual([]);
  });

  it('fails a grant to a group that still exists when Identity Center fails it', async () => {
    // Prepare
    const { org, deps } = story();
    org.failOn('createAccountAssignment', new AssignmentOperationError('create', 'the role quota is reached'));

    // Act
    const run = reconcileScope(deps, accountItem(SANDBOX));

    // Assess
    await expect(run).rejects.toBeInstanceOf(ReconcileError);
    expect(org.callsOf('describeGroup').map((c) => c.args[0])).toEqual([GROUP.sandboxUsers]);
  });

  it('grants nothing on the management account', async () => {
    // Prepare
    const { org, deps } = story(storyOrganization(), storyRules());
    org.moveAccount(MANAGEMENT, OU.workloads);

    // Act
    await reconcileScope(deps, accountItem(MANAGEMENT));

    // Assess
    expect(org.writeCalls()).toEqual([]);
  });

  it('reads neither every user nor tags when no rule selects users or filters on tags', async () => {
    // Prepare
    const rules = storyRules();
    const { org, deps } = story(storyOrganization(), {
      ...rules,
      assignments: rules.assignments.filter((r) => r.id !== 'sre-readonly'),
    });

    // Act
    await reconcileScope(deps, accountItem(PROD));

    // Assess
    expect(org.callsOf('listUsers')).toEqual([]);
    expect(org.callsOf('listAccounts')).toEqual([]);
    expect(org.callsOf('describeAccount').map((c) => c.args)).toEqual([[PROD, { withTags: false }]]);
  });

  it('reads the account tags when a rule filters on them', async () => {
    // Prepare
    const base = storyRules();
    const { org, deps } = story(storyOrganization(), {
      ...base,
      assignments: [
        {
          id: 'prod-tagged',
          principals: [{ group: 'Developers' }],
          permissionSets: ['ReadOnlyAccess'],
          targets: { accountTags: { env: ['prod'] } },
        },
      ],
    });
    org.tagAccount(SHARED, { env: 'prod' });

    // Act
    await reconcileScope(deps, accountItem(SHARED));

    // Assess
    expect(org.callsOf('describeAccount').map((c) => c.args)).toEqual([[SHARED, { withTags: true }]]);
    expect(describeAssignments(org, SHARED)).toEqual([`${SHARED} ReadOnlyAccess GROUP ${GROUP.developers}`]);
  });
});

describe('reconcileScope: user scope', () => {
  it('gives a new user birthright memberships and attribute-selected assignments', async () => {
    // Prepare
    const { org, deps } = story();
    org.createUser({
      id: USER.dave,
      userName: 'dave@example.com',
      active: true,
      title: 'SRE',
      department: 'Engineering',
    });

    // Act
    const outcome = await reconcileScope(deps, userItem(USER.dave));

    // Assess
    expect(org.membersOf(GROUP.developers)).toContain(USER.dave);
    expect(describeAssignments(org).filter((a) => a.endsWith(USER.dave))).toEqual([
      `${PROD} ReadOnlyAccess USER ${USER.dave}`,
    ]);
    expect(outcome.applied).toEqual({
      assignmentsCreated: 1,
      assignmentsDeleted: 0,
      membershipsAdded: 1,
      membershipsRemoved: 0,
    });
  });

  it('removes a user from an authoritative group once the user no longer matches', async () => {
    // Prepare
    const { org, deps } = story();
    org.addGroupMember(GROUP.developers, USER.bob);
    org.updateUser(USER.bob, { department: 'Finance' });

    // Act
    await reconcileScope(deps, userItem(USER.bob));

    // Assess
    expect(org.membersOf(GROUP.developers)).not.toContain(USER.bob);
  });

  it('reads only the user in scope, not the whole directory', async () => {
    // Prepare
    const { org, deps } = story();

    // Act
    await reconcileScope(deps, userItem(USER.alice));

    // Assess
    expect(org.callsOf('listUsers')).toEqual([]);
  });

  const offboardingCases = [
    ['disabled', (o: ReturnType<typeof storyOrganization>) => o.updateUser(USER.alice, { active: false })],
    ['deleted', (o: ReturnType<typeof storyOrganization>) => o.deleteUser(USER.alice)],
  ] as const;

  it.each(offboardingCases)('takes every direct assignment, managed or not, from a %s user', async (_, leave) => {
    // Prepare
    const { org, deps, publisher } = story();
    org.state.assignments.push(
      { accountId: PROD, permissionSetArn: PS.readOnly, principalType: 'USER', principalId: USER.alice },
      { accountId: SANDBOX, permissionSetArn: PS.custom, principalType: 'USER', principalId: USER.alice },
      { accountId: SHARED, permissionSetArn: PS.admin, principalType: 'USER', principalId: USER.alice },
    );
    org.addGroupMember(GROUP.developers, USER.alice);
    leave(org);

    // Act
    const outcome = await reconcileScope(deps, userItem(USER.alice));

    // Assess
    expect(org.assignmentsOf(USER.alice)).toEqual([]);
    expect(org.membersOf(GROUP.developers)).not.toContain(USER.alice);
    expect(outcome.offboarding).toEqual({ principalType: 'USER', principalId: USER.alice });
    expect(publisher.ofType('Offboarding Completed')).toHaveLength(1);
    expect(publisher.ofType('Assignment Deleted')).toHaveLength(3);
  });

  it.each(offboardingCases)(
    'offboards a %s user by scanning accounts when principal listing is unavailable',
    async (_, leave) => {
      // Prepare
      const { org, deps } = story();
      org.principalListingUnavailable = true;
      org.state.assignments.push(
        { accountId: PROD, permissionSetArn: PS.readOnly, principalType: 'USER', principalId: USER.alice },
        { accountId: SANDBOX, permissionSetArn: PS.custom, principalType: 'USER', principalId: USER.alice },
        { accountId: SANDBOX, permissionSetArn: PS.custom, principalType: 'USER', principalId: USER.bob },
      );
      leave(org);

      // Act
      await reconcileScope(deps, userItem(USER.alice));

      // Assess
      expect(org.assignmentsOf(USER.alice)).toEqual([]);
      expect(org.assignmentsOf(USER.bob)).toHaveLength(1);
    },
  );

  it.each([
    ['USER', USER.alice, (o: ReturnType<typeof storyOrganization>) => o.deleteUser(USER.alice)],
    ['GROUP', GROUP.developers, (o: ReturnType<typeof storyOrganization>) => o.deleteGroup(GROUP.developers)],
  ] as const)(
    'removes a deleted %s without reading any account, OU or tag, even when rules filter on tags',
    async (principalType, principalId, leave) => {
      // Prepare
      const base = storyRules();
      const tagged = {
        id: 'prod-tagged',
        principals: [{ group: 'Sandbox Users' }],
        permissionSets: ['ReadOnlyAccess'],
        targets: { accountTags: { env: ['prod'] } },
      };
      const { org, deps } = story(storyOrganization(), { ...base, assignments: [...base.assignments, tagged] });
      org.state.assignments.push(
        { accountId: PROD, permissionSetArn: PS.readOnly, principalType, principalId },
        { accountId: SANDBOX, permissionSetArn: PS.custom, principalType, principalId },
      );
      leave(org);

      // Act
      await reconcileScope(deps, item({ kind: 'principal', principalType, principalId }, 'DeleteUser'));

      // Assess
      expect(org.assignmentsOf(principalId)).toEqual([]);
      expect(org.callsOf('listAccounts')).toEqual([]);
      expect(org.callsOf('listOrganizationalUnits')).toEqual([]);
      expect(org.callsOf('describeAccount')).toEqual([]);
    },
  );

  it('keeps a disabled user as is when offboarding on disable is off, apart from managed drift', async () => {
    // Prepare
    const { org, deps } = story(storyOrganization(), storyRules({ offboarding: { onUserDisabled: false } }));
    org.state.assignments.push(
      { accountId: PROD, permissionSetArn: PS.readOnly, principalType: 'USER', principalId: USER.alice },
      { accountId: SANDBOX, permissionSetArn: PS.custom, principalType: 'USER', principalId: USER.alice },
    );
    org.addGroupMember(GROUP.developers, USER.alice);
    org.updateUser(USER.alice, { active: false });

    // Act
    await reconcileScope(deps, userItem(USER.alice));

    // Assess: the managed grant goes (a disabled user is never granted), the unmanaged one stays
    expect(describeAssignments(org).filter((a) => a.endsWith(USER.alice))).toEqual([
      `${SANDBOX} CustomThing USER ${USER.alice}`,
    ]);
  });

  it('leaves a protected user untouched when it is disabled', async () => {
    // Prepare
    const { org, deps } = story(
      storyOrganization(),
      storyRules({ protected: { principals: [{ user: 'alice@example.com' }] } }),
    );
    org.state.assignments.push({
      accountId: SANDBOX,
      permissionSetArn: PS.custom,
      principalType: 'USER',
      principalId: USER.alice,
    });
    org.updateUser(USER.alice, { active: false });

    // Act
    await reconcileScope(deps, userItem(USER.alice));

    // Assess
    expect(org.assignmentsOf(USER.alice)).toHaveLength(1);
  });

  it('offboards nobody when a user reads as missing once and is there on the second read', async () => {
    // Prepare
    const { org, deps, publisher } = story();
    org.state.assignments.push({
      accountId: SANDBOX,
      permissionSetArn: PS.custom,
      principalType: 'USER',
      principalId: USER.alice,
    });
    const users = org.state.users;
    org.beforeNext('describeUser', () => {
      org.state.users = users.filter((u) => u.id !== USER.alice);
    });
    org.beforeNext('describeUser', () => {
      org.state.users = users;
    });

    // Act
    const outcome = await reconcileScope(deps, userItem(USER.alice));

    // Assess
    expect(org.callsOf('describeUser')).toHaveLength(2);
    expect(describeAssignments(org, SANDBOX)).toContain(`${SANDBOX} CustomThing USER ${USER.alice}`);
    expect(outcome.offboarding).toBeUndefined();
    expect(publisher.ofType('Offboarding Completed')).toEqual([]);
  });

  it('does not announce Offboarding Completed for a user re-enabled while being offboarded', async () => {
    // Prepare
    const { org, deps, publisher } = story();
    org.state.assignments.push({
      accountId: SANDBOX,
      permissionSetArn: PS.custom,
      principalType: 'USER',
      principalId: USER.alice,
    });
    org.updateUser(USER.alice, { active: false });
    org.beforeNext('deleteAccountAssignment', () => org.updateUser(USER.alice, { active: true }));

    // Act
    await reconcileScope(deps, userItem(USER.alice));

    // Assess
    expect(publisher.ofType('Assignment Deleted')).toHaveLength(1);
    expect(publisher.ofType('Offboarding Completed')).toEqual([]);
  });

  it('treats a user that is already gone with nothing left as done', async () => {
    // Prepare
    const { org, deps } = story();
    org.deleteUser(USER.carol);

    // Act
    const first = await reconcileScope(deps, userItem(USER.carol));
    const second = await reconcileScope(deps, userItem(USER.carol));

    // Assess
    expect(first.applied.assignmentsDeleted).toBe(0);
    expect(second.status).toBe('applied');
    expect(org.writeCalls()).toEqual([]);
  });
});

describe('reconcileScope: group scope', () => {
  it('purges the direct assignments of a deleted group', async () => {
    // Prepare
    const { org, deps } = story();
    await reconcileScope(deps, accountItem(PROD));
    await reconcileScope(deps, accountItem(SHARED));
    expect(org.assignmentsOf(GROUP.platform)).toHaveLength(2);
    org.deleteGroup(GROUP.platform);

    // Act
    const outcome = await reconcileScope(deps, groupItem(GROUP.platform));

    // Assess
    expect(org.assignmentsOf(GROUP.platform)).toEqual([]);
    expect(outcome.offboarding).toEqual({ principalType: 'GROUP', principalId: GROUP.platform });
  });

  it('grants an existing group its access across accounts and fills it under membership rules', async () => {
    // Prepare
    const { org, deps } = story();

    // Act
    await reconcileScope(deps, groupItem(GROUP.platform));
    await reconcileScope(deps, groupItem(GROUP.developers));

    // Assess
    expect(describeAssignments(org)).toEqual([
      `${PROD} AdministratorAccess GROUP ${GROUP.platform}`,
      `${SHARED} AdministratorAccess GROUP ${GROUP.platform}`,
    ]);
    expect(org.membersOf(GROUP.developers).sort()).toEqual([USER.alice, USER.bob]);
  });
});

describe('reconcileScope: removed account', () => {
  it('deletes the managed assignments of an account that left the organization and keeps the rest', async () => {
    // Prepare
    const { org, deps } = story();
    await reconcileScope(deps, accountItem(PROD));
    org.state.assignments.push({
      accountId: PROD,
      permissionSetArn: PS.custom,
      principalType: 'USER',
      principalId: USER.bob,
    });
    org.removeAccount(PROD);

    // Act
    await reconcileScope(deps, item({ kind: 'account-removed', accountId: PROD }, 'RemoveAccountFromOrganization'));

    // Assess
    expect(describeAssignments(org, PROD)).toEqual([`${PROD} CustomThing USER ${USER.bob}`]);
  });

  it('reconciles an account that is still ACTIVE as an ordinary account, keeping its access', async () => {
    // Prepare
    const { org, deps } = story();
    await reconcileScope(deps, accountItem(PROD));
    const before = describeAssignments(org, PROD);

    // Act
    await reconcileScope(deps, item({ kind: 'account-removed', accountId: PROD }, 'CloseAccount'));

    // Assess
    expect(before).toHaveLength(2);
    expect(describeAssignments(org, PROD)).toEqual(before);
  });

  it.each(['CloseAccount', 'RemoveAccountFromOrganization', 'AccountDepartedOrganization'])(
    'keeps the access of an account that is only closing when %s names it, since the closure can still fail',
    async (eventName) => {
      // Prepare
      const { org, deps } = story();
      await reconcileScope(deps, accountItem(PROD));
      const before = describeAssignments(org, PROD);
      org.setAccountStatus(PROD, 'PENDING_CLOSURE');

      // Act
      const outcome = await reconcileScope(deps, item({ kind: 'account-removed', accountId: PROD }, eventName));

      // Assess
      expect(before).toHaveLength(2);
      expect(describeAssignments(org, PROD)).toEqual(before);
      expect(outcome.status).toBe('skipped');
    },
  );

  it.each([
    ['a SUCCEEDED CloseAccountResult names a closing account', 'PENDING_CLOSURE', 'CloseAccountResult'],
    ['CloseAccount names an account already SUSPENDED', 'SUSPENDED', 'CloseAccount'],
  ] as const)('deletes the managed assignments when %s', async (_, status, eventName) => {
    // Prepare
    const { org, deps } = story();
    await reconcileScope(deps, accountItem(PROD));
    org.setAccountStatus(PROD, status);

    // Act
    await reconcileScope(deps, item({ kind: 'account-removed', accountId: PROD }, eventName));

    // Assess
    expect(describeAssignments(org, PROD)).toEqual([]);
  });
});

describe('reconcileScope: modes and safety', () => {
  it.each([
    ['the rules say report', storyRules({ mode: 'report' }), {}],
    ['the function forces report', storyRules(), { modeOverride: 'report' as const }],
  ])('changes nothing when %s', async (_, rules, options) => {
    // Prepare
    const { org, deps, notifier, publisher } = story(storyOrganization(), rules);
    org.state.assignments.push({
      accountId: PROD,
      permissionSetArn: PS.admin,
      principalType: 'USER',
      principalId: USER.bob,
    });

    // Act
    const outcome = await reconcileScope(deps, accountItem(PROD), options);

    // Assess
    expect(org.writeCalls()).toEqual([]);
    expect(outcome.status).toBe('reported');
    expect(outcome.plan.create.length + outcome.plan.delete.length).toBe(3);
    expect(notifier.notifications.map((n) => n.summary.applied)).toEqual([false]);
    expect(publisher.events).toEqual([]);
  });

  it('applies grants, revokes nothing and reports the block when the revocation guard trips', async () => {
    // Prepare
    const { org, deps, publisher } = story(storyOrganization(), storyRules({ revocationGuard: { maxPerRun: 1 } }));
    org.state.assignments.push(
      { accountId: PROD, permissionSetArn: PS.admin, principalType: 'USER', principalId: USER.bob },
      { accountId: PROD, permissionSetArn: PS.admin, principalType: 'USER', principalId: USER.carol },
    );

    // Act
    const outcome = await reconcileScope(deps, accountItem(PROD));

    // Assess
    expect(org.callsOf('deleteAccountAssignment')).toEqual([]);
    expect(describeAssignments(org, PROD)).toEqual([
      `${PROD} AdministratorAccess GROUP ${GROUP.platform}`,
      `${PROD} AdministratorAccess USER ${USER.bob}`,
      `${PROD} AdministratorAccess USER ${USER.carol}`,
      `${PROD} ReadOnlyAccess USER ${USER.alice}`,
    ]);
    expect(outcome.plan.blocked).toEqual([expect.objectContaining({ wouldDelete: 2 })]);
    expect(publisher.ofType('Reconcile Blocked')).toHaveLength(1);
  });

  it('revokes nothing on the accounts of a rule whose group does not exist', async () => {
    // Prepare
    const { org, deps } = story();
    org.state.assignments.push({
      accountId: PROD,
      permissionSetArn: PS.admin,
      principalType: 'USER',
      principalId: USER.bob,
    });
    org.deleteGroup(GROUP.platform);

    // Act
    const outcome = await reconcileScope(deps, accountItem(PROD));

    // Assess
    expect(outcome.plan.errors.map((e) => e.ruleId)).toContain('platform-admins');
    expect(org.callsOf('deleteAccountAssignment')).toEqual([]);
    expect(describeAssignments(org, PROD)).toContain(`${PROD} ReadOnlyAccess USER ${USER.alice}`);
  });

  it.each([
    'listOrganizationalUnits',
    'describeAccount',
    'listPermissionSets',
    'listAccountAssignments',
    'getGroupIdByDisplayName',
    'listUsers',
  ] as const)('revokes nothing and propagates the error when %s fails', async (method) => {
    // Prepare
    const { org, deps } = story();
    org.state.assignments.push({
      accountId: PROD,
      permissionSetArn: PS.admin,
      principalType: 'USER',
      principalId: USER.bob,
    });
    const failure = new Error(`${method} throttled`);
    org.failOn(method, failure);

    // Act
    const run = reconcileScope(deps, accountItem(PROD));

    // Assess
    await expect(run).rejects.toBe(failure);
    expect(org.writeCalls()).toEqual([]);
  });

  it.each([
    'describeUser',
    'listAccountAssignmentsForPrincipal',
    'listGroupMembershipsForMember',
    'listPermissionSets',
  ] as const)('offboards nobody and propagates the error when %s fails', async (method) => {
    // Prepare
    const { org, deps } = story();
    org.state.assignments.push({
      accountId: PROD,
      permissionSetArn: PS.admin,
      principalType: 'USER',
      principalId: USER.bob,
    });
    org.updateUser(USER.bob, { active: false });
    const failure = new Error(`${method} failed`);
    org.failOn(method, failure);

    // Act
    const run = reconcileScope(deps, userItem(USER.bob));

    // Assess
    await expect(run).rejects.toBe(failure);
    expect(org.writeCalls()).toEqual([]);
  });

  it('applies the other changes, publishes their events and then throws when one operation fails', async () => {
    // Prepare
    const { org, deps, publisher, notifier } = story();
    org.state.assignments.push({
      accountId: PROD,
      permissionSetArn: PS.admin,
      principalType: 'USER',
      principalId: USER.bob,
    });
    org.failOn('createAccountAssignment', new AssignmentOperationError('create', 'role quota reached'), {
      match: ([a]) => (a as { principalId: string }).principalId === GROUP.platform,
    });

    // Act
    const run = reconcileScope(deps, accountItem(PROD));

    // Assess
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ReconcileError);
    expect((error as ReconcileError).failures.map((f) => f.operation)).toEqual(['create-assignment']);
    expect(describeAssignments(org, PROD)).toEqual([`${PROD} ReadOnlyAccess USER ${USER.alice}`]);
    expect(publisher.ofType('Assignment Created').map((e) => e.detail.principalId)).toEqual([USER.alice]);
    expect(publisher.ofType('Assignment Deleted').map((e) => e.detail.principalId)).toEqual([USER.bob]);
    expect(notifier.notifications[0]?.subject).toContain('failure');
  });

  it('holds back a revocation whose replacement grant for the same principal failed', async () => {
    // Prepare: alice moves from AdministratorAccess to ReadOnlyAccess on PROD, and the grant fails
    const { org, deps } = story();
    org.state.assignments.push({
      accountId: PROD,
      permissionSetArn: PS.admin,
      principalType: 'USER',
      principalId: USER.alice,
    });
    org.failOn('createAccountAssignment', new AssignmentOperationError('create', 'conflict'), {
      match: ([a]) => (a as { principalId: string }).principalId === USER.alice,
    });

    // Act
    const run = reconcileScope(deps, accountItem(PROD));

    // Assess
    await expect(run).rejects.toBeInstanceOf(ReconcileError);
    expect(describeAssignments(org, PROD)).toContain(`${PROD} AdministratorAccess USER ${USER.alice}`);
  });

  it('creates before it deletes', async () => {
    // Prepare
    const { org, deps } = story();
    org.state.assignments.push({
      accountId: PROD,
      permissionSetArn: PS.admin,
      principalType: 'USER',
      principalId: USER.bob,
    });

    // Act
    await reconcileScope(deps, accountItem(PROD));

    // Assess
    const writes = org.writeCalls().map((c) => c.method);
    expect(writes.lastIndexOf('createAccountAssignment')).toBeLessThan(writes.indexOf('deleteAccountAssignment'));
  });

  it('refuses the all scope, which the fan-out expands', async () => {
    // Prepare
    const { deps } = story();

    // Act
    const run = reconcileScope(deps, item({ kind: 'all' }, 'Scheduled Event'));

    // Assess
    await expect(run).rejects.toBeInstanceOf(UnsupportedScopeError);
  });
});

describe('reconcileScope: rejected rules documents', () => {
  const leftOut = { document: '/idc-lifecycle/rules/workloads', message: 'invalid' };
  const withFallback = { ...leftOut, fallbackVersion: 3 };

  it.each([
    ['left out', leftOut],
    ['kept at its last valid version', withFallback],
  ])('grants and holds every revocation while a document is rejected and %s', async (_, rejection) => {
    // Prepare: Bob holds managed drift on PROD, and PROD lacks its platform grant
    const { org, deps, rules, publisher } = story();
    org.state.assignments.push({
      accountId: PROD,
      permissionSetArn: PS.admin,
      principalType: 'USER',
      principalId: USER.bob,
    });
    rules.set(storyRules(), [rejection]);

    // Act
    const outcome = await reconcileScope(deps, accountItem(PROD));

    // Assess
    expect(describeAssignments(org, PROD)).toEqual([
      `${PROD} AdministratorAccess GROUP ${GROUP.platform}`,
      `${PROD} AdministratorAccess USER ${USER.bob}`,
      `${PROD} ReadOnlyAccess USER ${USER.alice}`,
    ]);
    expect(outcome.plan.blocked).toEqual([
      expect.objectContaining({
        reason: expect.stringContaining('rejected rules document(s) /idc-lifecycle/rules/workloads'),
        wouldDelete: 1,
      }),
    ]);
    expect(outcome.rulesRejected).toBe(1);
    expect(publisher.ofType('Reconcile Blocked')).toHaveLength(1);
  });

  it('holds authoritative membership removals while a document is rejected', async () => {
    // Prepare: Bob no longer matches the Developers membership rule
    const { org, deps, rules } = story();
    org.addGroupMember(GROUP.developers, USER.bob);
    org.updateUser(USER.bob, { department: 'Finance' });
    const base = storyRules();
    rules.set({ ...base, memberships: base.memberships.map((m) => ({ ...m, policy: 'authoritative' as const })) }, [
      withFallback,
    ]);

    // Act
    await reconcileScope(deps, userItem(USER.bob));

    // Assess
    expect(org.membersOf(GROUP.developers)).toContain(USER.bob);
  });

  it.each([
    ['offboards a deleted user while every rejected document has a fallback in force', withFallback, []],
    ['holds the offboarding of a deleted user while a rejected document is left out', leftOut, [PROD]],
  ])('%s', async (_, rejection, kept) => {
    // Prepare
    const { org, deps, rules } = story();
    org.state.assignments.push({
      accountId: PROD,
      permissionSetArn: PS.readOnly,
      principalType: 'USER',
      principalId: USER.carol,
    });
    org.deleteUser(USER.carol);
    rules.set(storyRules(), [rejection]);

    // Act
    await reconcileScope(deps, userItem(USER.carol));

    // Assess
    expect(org.assignmentsOf(USER.carol).map((a) => a.accountId)).toEqual(kept);
  });
});

describe('reconcileScope: convergence', () => {
  it('ends in the same state whether an event is delivered once or twice', async () => {
    // Prepare
    const once = story();
    const twice = story();
    for (const s of [once, twice]) s.org.createAccount({ id: NEW_ACCOUNT, parentId: OU.prod });

    // Act
    await reconcileScope(once.deps, accountItem(NEW_ACCOUNT));
    const event = accountItem(NEW_ACCOUNT);
    await reconcileScope(twice.deps, event);
    const writesAfterFirst = twice.org.writeCalls().length;
    await reconcileScope(twice.deps, event);

    // Assess
    expect(describeAssignments(twice.org)).toEqual(describeAssignments(once.org));
    expect(twice.org.writeCalls()).toHaveLength(writesAfterFirst);
  });

  it('ends in the same state whatever the order of delivery', async () => {
    // Prepare: an account moved twice, a user created and a group deleted, all already happened
    const scopes = () => [
      accountItem(NEW_ACCOUNT),
      accountItem(NEW_ACCOUNT),
      userItem(USER.dave),
      groupItem(GROUP.sandboxUsers),
      accountItem(SANDBOX),
    ];
    const prepare = () => {
      const s = story();
      s.org.createAccount({ id: NEW_ACCOUNT, parentId: OU.sandbox });
      s.org.state.assignments.push({
        accountId: SANDBOX,
        permissionSetArn: PS.readOnly,
        principalType: 'GROUP',
        principalId: GROUP.sandboxUsers,
      });
      s.org.moveAccount(NEW_ACCOUNT, OU.workloads);
      s.org.createUser({
        id: USER.dave,
        userName: 'dave@example.com',
        active: true,
        title: 'SRE',
        department: 'Engineering',
      });
      s.org.deleteGroup(GROUP.sandboxUsers);
      return s;
    };
    const inOrder = prepare();
    const reversed = prepare();

    // Act
    for (const i of scopes()) await reconcileScope(inOrder.deps, i);
    for (const i of scopes().reverse()) await reconcileScope(reversed.deps, i);

    // Assess
    expect(describeAssignments(reversed.org)).toEqual(describeAssignments(inOrder.org));
    expect(reversed.org.state.groupMemberships.map((m) => `${m.groupId}|${m.userId}`).sort()).toEqual(
      inOrder.org.state.groupMemberships.map((m) => `${m.groupId}|${m.userId}`).sort(),
    );
    expect(describeAssignments(inOrder.org, NEW_ACCOUNT)).toEqual([
      `${NEW_ACCOUNT} AdministratorAccess GROUP ${GROUP.platform}`,
    ]);
  });

  it('leaves no assignment for a user deleted while an account reconcile was writing', async () => {
    // Prepare: alice (SRE) is planned for PROD, then deleted before the write
    const { org, deps } = story();
    org.keepAssignmentsOfDeletedPrincipals = true;
    org.beforeNext('createAccountAssignment', () => org.deleteUser(USER.alice));

    // Act
    const accountRun = await reconcileScope(deps, accountItem(PROD)).then(
      () => undefined,
      (e: unknown) => e,
    );
    await reconcileScope(deps, userItem(USER.alice));

    // Assess
    expect(accountRun).toBeInstanceOf(ReconcileError);
    expect(org.assignmentsOf(USER.alice)).toEqual([]);
  });

  it('removes an assignment created for a user deleted just after the write when the user is reconciled', async () => {
    // Prepare: the create lands, then the user is deleted (Identity Center keeps the orphan)
    const { org, deps } = story();
    await reconcileScope(deps, accountItem(PROD));
    expect(org.assignmentsOf(USER.alice)).toHaveLength(1);
    org.deleteUser(USER.alice);

    // Act
    await reconcileScope(deps, userItem(USER.alice));
    await reconcileScope(deps, accountItem(PROD));

    // Assess
    expect(org.assignmentsOf(USER.alice)).toEqual([]);
  });
});

describe('reconcileScope: revocation details', () => {
  it.each([
    ['an active user no rule names', {}, 'bob@example.com', 'no rule grants'],
    ['a disabled user no rule names', { active: false }, 'bob@example.com', 'disabled'],
  ])('names %s in the revocation and gives the right reason', async (_, change, name, reason) => {
    // Prepare: no attribute selector, so the directory is not listed and bob is read on demand
    const rules = storyRules();
    const { org, deps, publisher } = story(storyOrganization(), {
      ...rules,
      assignments: rules.assignments.filter((r) => r.id !== 'sre-readonly'),
    });
    org.updateUser(USER.bob, change);
    org.state.assignments.push({
      accountId: PROD,
      permissionSetArn: PS.admin,
      principalType: 'USER',
      principalId: USER.bob,
    });

    // Act
    await reconcileScope(deps, accountItem(PROD));

    // Assess
    const [deleted] = publisher.ofType('Assignment Deleted');
    expect(deleted?.detail.principalName).toBe(name);
    expect(String(deleted?.detail.reason)).toContain(reason);
  });
});

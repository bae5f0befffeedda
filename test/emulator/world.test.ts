import { CreateGroupMembershipCommand, DescribeGroupCommand, GetUserIdCommand } from '@aws-sdk/client-identitystore';
import {
  DescribeAccountCommand,
  ListChildrenCommand,
  ListParentsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-organizations';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { CreateAccountAssignmentCommand } from '@aws-sdk/client-sso-admin';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmulatorWorldError } from '../../emulator/errors.js';
import { startEmulator } from '../../emulator/index.js';
import type { RunningEmulator } from '../../emulator/types.js';
import { parseSnapshot, type Snapshot } from '../../shared/domain/snapshot.js';
import {
  AUDITORS,
  BILLING,
  BOB,
  CAROL,
  type Clients,
  createClients,
  DEVELOPERS,
  IDENTITY_STORE_ID,
  INSTANCE_ARN,
  PROD_ACCOUNTS,
  PROD_OU,
  ROOT,
  rejectionOf,
  SANDBOX_OU,
  seedSnapshot,
} from './emulator-fixture.js';

/** Orders every list so that two snapshots compare by content. */
const normalise = (s: Snapshot) => {
  const by =
    <T>(key: (x: T) => string) =>
    (a: T, b: T) =>
      key(a).localeCompare(key(b));
  return {
    ...s,
    organizationalUnits: [...s.organizationalUnits].sort(by((x) => x.id)),
    accounts: [...s.accounts].sort(by((x) => x.id)),
    permissionSets: [...s.permissionSets].sort(by((x) => x.arn)),
    groups: [...s.groups].sort(by((x) => x.id)),
    users: [...s.users].sort(by((x) => x.id)),
    groupMemberships: [...s.groupMemberships].sort(by((x) => `${x.groupId}/${x.userId}`)),
    assignments: [...s.assignments].sort(
      by((x) => `${x.accountId}/${x.permissionSetArn}/${x.principalType}/${x.principalId}`),
    ),
  };
};

describe('emulator world', () => {
  const seed = seedSnapshot();
  let emulator: RunningEmulator;
  let clients: Clients;

  beforeEach(async () => {
    // A create stays in flight for 300 ms of real time: long enough that a loaded machine still
    // exports it before it lands, short enough that settling is quick.
    emulator = await startEmulator({ snapshot: seed, quotas: false, timeScale: 100, assignmentLatencyMs: 30_000 });
    clients = createClients(emulator.endpoint);
  });

  afterEach(async () => {
    clients.destroy();
    await emulator.close();
  });

  it('exports the seed snapshot unchanged when nothing happened', () => {
    expect(normalise(emulator.world.exportSnapshot())).toEqual(normalise(seed));
  });

  it('exports a snapshot that parses and seeds an identical emulator', async () => {
    emulator.world.createAccount({ id: '400000000001', name: 'new', email: 'new@example.com', parentId: SANDBOX_OU });
    const exported = emulator.world.exportSnapshot();

    const second = await startEmulator({ snapshot: parseSnapshot(exported) });
    const reexported = second.world.exportSnapshot();
    await second.close();

    expect(normalise(reexported)).toEqual(normalise(exported));
  });

  it('exports memberships, assignments and user status changed through the SDK and the world', async () => {
    await clients.identityStore.send(
      new CreateGroupMembershipCommand({
        IdentityStoreId: IDENTITY_STORE_ID,
        GroupId: AUDITORS,
        MemberId: { UserId: CAROL },
      }),
    );
    await clients.ssoAdmin.send(
      new CreateAccountAssignmentCommand({
        InstanceArn: INSTANCE_ARN,
        TargetId: PROD_ACCOUNTS[4],
        TargetType: 'AWS_ACCOUNT',
        PermissionSetArn: BILLING,
        PrincipalType: 'GROUP',
        PrincipalId: AUDITORS,
      }),
    );
    emulator.world.updateUser(BOB, { active: true });
    const inFlight = emulator.world.exportSnapshot();
    await emulator.settle();

    const landed = emulator.world.exportSnapshot();

    expect(inFlight.assignments).toHaveLength(seed.assignments.length);
    expect(landed.groupMemberships).toContainEqual({ groupId: AUDITORS, userId: CAROL });
    expect(landed.assignments).toContainEqual({
      accountId: PROD_ACCOUNTS[4],
      permissionSetArn: BILLING,
      principalType: 'GROUP',
      principalId: AUDITORS,
    });
    expect(landed.users.find((u) => u.id === BOB)?.active).toBe(true);
  });

  it('creates an account in the root unless a parent is given', async () => {
    emulator.world.createAccount({ id: '400000000002', name: 'vended', email: 'v@example.com', tags: { env: 'dev' } });

    const { Account } = await clients.organizations.send(new DescribeAccountCommand({ AccountId: '400000000002' }));
    const { Parents } = await clients.organizations.send(new ListParentsCommand({ ChildId: '400000000002' }));

    expect(Account).toMatchObject({ Name: 'vended', Status: 'ACTIVE' });
    expect(Parents).toEqual([{ Id: ROOT, Type: 'ROOT' }]);
  });

  it('moves, tags, untags and suspends an account', async () => {
    const accountId = PROD_ACCOUNTS[3] ?? '';
    emulator.world.moveAccount(accountId, SANDBOX_OU);
    emulator.world.tagAccount(accountId, { owner: 'ops' });
    emulator.world.untagAccount(accountId, ['team']);
    emulator.world.setAccountStatus(accountId, 'PENDING_CLOSURE');

    const { Parents } = await clients.organizations.send(new ListParentsCommand({ ChildId: accountId }));
    const { Tags } = await clients.organizations.send(new ListTagsForResourceCommand({ ResourceId: accountId }));
    const { Account } = await clients.organizations.send(new DescribeAccountCommand({ AccountId: accountId }));

    expect(Parents).toEqual([{ Id: SANDBOX_OU, Type: 'ORGANIZATIONAL_UNIT' }]);
    expect(Tags).toEqual([
      { Key: 'env', Value: 'prod' },
      { Key: 'owner', Value: 'ops' },
    ]);
    expect(Account?.Status).toBe('PENDING_CLOSURE');
  });

  it('removes an account together with its assignments', async () => {
    const accountId = PROD_ACCOUNTS[0] ?? '';
    emulator.world.removeAccount(accountId);

    const { Children } = await clients.organizations.send(
      new ListChildrenCommand({ ParentId: PROD_OU, ChildType: 'ACCOUNT' }),
    );

    expect(Children?.map((c) => c.Id)).not.toContain(accountId);
    expect(emulator.world.exportSnapshot().assignments.some((a) => a.accountId === accountId)).toBe(false);
  });

  it('keeps the assignments of a departed account when asked to, as reports on leaving accounts describe', async () => {
    const kept = await startEmulator({ snapshot: seedSnapshot(), departedAccountAssignments: 'kept' });
    try {
      const accountId = PROD_ACCOUNTS[0] ?? '';
      const before = kept.world.exportSnapshot().assignments.filter((a) => a.accountId === accountId);

      kept.world.removeAccount(accountId);

      const after = kept.world.exportSnapshot();
      expect(before.length).toBeGreaterThan(0);
      expect(after.accounts.map((a) => a.id)).not.toContain(accountId);
      expect(after.assignments.filter((a) => a.accountId === accountId)).toEqual(before);
    } finally {
      await kept.close();
    }
  });

  it('deletes a user with its memberships but leaves its assignments orphaned', async () => {
    emulator.world.deleteUser(BOB);

    const lookup = await rejectionOf(
      clients.identityStore.send(
        new GetUserIdCommand({
          IdentityStoreId: IDENTITY_STORE_ID,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'bob@example.com' } },
        }),
      ),
    );
    const exported = emulator.world.exportSnapshot();

    expect((lookup as Error).name).toBe('ResourceNotFoundException');
    expect(exported.groupMemberships).not.toContainEqual({ groupId: DEVELOPERS, userId: BOB });
    expect(exported.assignments.filter((a) => a.principalId === BOB)).toHaveLength(2);
  });

  it('creates and deletes groups and memberships', async () => {
    const groupId = '91000000-0000-4000-8000-0000000000ff';
    emulator.world.createGroup({ id: groupId, displayName: 'Temporary' });
    emulator.world.addGroupMember(groupId, CAROL);
    const group = await clients.identityStore.send(
      new DescribeGroupCommand({ IdentityStoreId: IDENTITY_STORE_ID, GroupId: groupId }),
    );
    const withMember = emulator.world.exportSnapshot().groupMemberships;
    emulator.world.removeGroupMember(groupId, CAROL);
    const withoutMember = emulator.world.exportSnapshot().groupMemberships;
    emulator.world.deleteGroup(groupId);

    expect(group.DisplayName).toBe('Temporary');
    expect(withMember).toContainEqual({ groupId, userId: CAROL });
    expect(withoutMember).not.toContainEqual({ groupId, userId: CAROL });
    expect(emulator.world.exportSnapshot().groups.map((g) => g.id)).not.toContain(groupId);
  });

  it('puts and deletes parameters', async () => {
    emulator.world.putParameter('/idc-lifecycle/rules/a', 'one');
    emulator.world.deleteParameter('/idc-lifecycle/rules/a');

    const error = await rejectionOf(clients.ssm.send(new GetParameterCommand({ Name: '/idc-lifecycle/rules/a' })));

    expect((error as Error).name).toBe('ParameterNotFound');
  });

  it.each([
    ['moving an unknown account', (e: RunningEmulator) => e.world.moveAccount('999999999999', ROOT)],
    [
      'moving into an unknown OU',
      (e: RunningEmulator) => e.world.moveAccount(PROD_ACCOUNTS[0] ?? '', 'ou-ab12-deadbeef'),
    ],
    [
      'creating a duplicate account',
      (e: RunningEmulator) => e.world.createAccount({ id: PROD_ACCOUNTS[0] ?? '', name: 'x', email: 'x' }),
    ],
    ['adding a member to an unknown group', (e: RunningEmulator) => e.world.addGroupMember('nope', CAROL)],
    ['deleting an unknown user', (e: RunningEmulator) => e.world.deleteUser('nope')],
  ])('throws EmulatorWorldError when %s', (_, act) => {
    expect(() => act(emulator)).toThrow(EmulatorWorldError);
  });
});

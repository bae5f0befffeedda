import {
  ConflictException,
  CreateGroupMembershipCommand,
  DeleteGroupMembershipCommand,
  DescribeGroupCommand,
  DescribeUserCommand,
  GetGroupIdCommand,
  GetGroupMembershipIdCommand,
  GetUserIdCommand,
  ListGroupMembershipsCommand,
  ListGroupMembershipsForMemberCommand,
  ListGroupsCommand,
  paginateListUsers,
  ResourceNotFoundException,
  ValidationException,
} from '@aws-sdk/client-identitystore';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/index.js';
import type { RunningEmulator } from '../../emulator/types.js';
import {
  ALICE,
  AUDITORS,
  BOB,
  CAROL,
  type Clients,
  createClients,
  DEVELOPERS,
  IDENTITY_STORE_ID,
  PLATFORM,
  rejectionOf,
  seedSnapshot,
} from './emulator-fixture.js';

describe('emulator Identity Store', () => {
  const snapshot = seedSnapshot();
  let emulator: RunningEmulator;
  let clients: Clients;
  const IdentityStoreId = IDENTITY_STORE_ID;

  beforeEach(async () => {
    emulator = await startEmulator({ snapshot, pageSize: 2, quotas: false });
    clients = createClients(emulator.endpoint);
  });

  afterEach(async () => {
    clients.destroy();
    await emulator.close();
  });

  it.each([
    ['userName', 'carol@example.com', CAROL],
    ['emails.value', 'alice.alt@example.com', ALICE],
  ])('finds a user id by %s', async (AttributePath, AttributeValue, expected) => {
    const { UserId } = await clients.identityStore.send(
      new GetUserIdCommand({
        IdentityStoreId,
        AlternateIdentifier: { UniqueAttribute: { AttributePath, AttributeValue } },
      }),
    );

    expect(UserId).toBe(expected);
  });

  it('answers ResourceNotFoundException for an unknown user name', async () => {
    const error = await rejectionOf(
      clients.identityStore.send(
        new GetUserIdCommand({
          IdentityStoreId,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'nobody@example.com' } },
        }),
      ),
    );

    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect((error as ResourceNotFoundException).ResourceType).toBe('USER');
  });

  it('answers ValidationException for an attribute path AWS does not index', async () => {
    const error = await rejectionOf(
      clients.identityStore.send(
        new GetUserIdCommand({
          IdentityStoreId,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: 'title', AttributeValue: 'SRE' } },
        }),
      ),
    );

    expect(error).toBeInstanceOf(ValidationException);
  });

  it('finds a group id by displayName and answers ResourceNotFoundException when absent', async () => {
    const found = await clients.identityStore.send(
      new GetGroupIdCommand({
        IdentityStoreId,
        AlternateIdentifier: { UniqueAttribute: { AttributePath: 'displayName', AttributeValue: 'Auditors' } },
      }),
    );
    const missing = await rejectionOf(
      clients.identityStore.send(
        new GetGroupIdCommand({
          IdentityStoreId,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: 'displayName', AttributeValue: 'Nobody' } },
        }),
      ),
    );

    expect(found.GroupId).toBe(AUDITORS);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });

  it('describes a user with its attributes and status', async () => {
    const alice = await clients.identityStore.send(new DescribeUserCommand({ IdentityStoreId, UserId: ALICE }));
    const bob = await clients.identityStore.send(new DescribeUserCommand({ IdentityStoreId, UserId: BOB }));

    expect(alice).toMatchObject({
      UserName: 'alice@example.com',
      DisplayName: 'Alice',
      UserStatus: 'ENABLED',
      Title: 'SRE',
      UserType: 'Employee',
      Locale: 'en-GB',
      PreferredLanguage: 'en',
      Timezone: 'Europe/London',
      Emails: [
        { Value: 'alice@example.com', Primary: true },
        { Value: 'alice.alt@example.com', Primary: false },
      ],
    });
    expect(alice.Extensions).toBeUndefined();
    expect(bob.UserStatus).toBe('DISABLED');
  });

  it('returns the enterprise extension only when it is requested', async () => {
    const { Extensions } = await clients.identityStore.send(
      new DescribeUserCommand({ IdentityStoreId, UserId: ALICE, Extensions: ['aws:identitystore:enterprise'] }),
    );

    expect(Extensions).toEqual({
      'aws:identitystore:enterprise': {
        department: 'Engineering',
        costCenter: 'CC-100',
        division: 'Platform',
        organization: 'Example Corp',
        employeeNumber: 'E-1',
      },
    });
  });

  it('answers ResourceNotFoundException for an unknown identity store and ValidationException for a malformed one', async () => {
    const unknown = await rejectionOf(
      clients.identityStore.send(new DescribeUserCommand({ IdentityStoreId: 'd-0000000000', UserId: ALICE })),
    );
    const malformed = await rejectionOf(
      clients.identityStore.send(new DescribeUserCommand({ IdentityStoreId: 'not-a-store', UserId: ALICE })),
    );

    expect(unknown).toBeInstanceOf(ResourceNotFoundException);
    expect(malformed).toBeInstanceOf(ValidationException);
  });

  it('describes a group', async () => {
    const group = await clients.identityStore.send(new DescribeGroupCommand({ IdentityStoreId, GroupId: PLATFORM }));

    expect(group).toMatchObject({ GroupId: PLATFORM, DisplayName: 'Platform Admins' });
  });

  it('pages users and includes extensions on request', async () => {
    const users: { id: string; department: unknown }[] = [];
    for await (const page of paginateListUsers(
      { client: clients.identityStore },
      { IdentityStoreId, Extensions: ['aws:identitystore:enterprise'] },
    )) {
      expect(page.Users?.length).toBeLessThanOrEqual(2);
      for (const u of page.Users ?? []) {
        const enterprise = u.Extensions?.['aws:identitystore:enterprise'] as Record<string, unknown> | undefined;
        users.push({ id: u.UserId ?? '', department: enterprise?.department });
      }
    }

    expect(users).toEqual([
      { id: ALICE, department: 'Engineering' },
      { id: BOB, department: undefined },
      { id: CAROL, department: undefined },
    ]);
  });

  it('pages groups with MaxResults 1', async () => {
    const first = await clients.identityStore.send(new ListGroupsCommand({ IdentityStoreId, MaxResults: 1 }));
    const second = await clients.identityStore.send(
      new ListGroupsCommand({ IdentityStoreId, MaxResults: 1, NextToken: first.NextToken }),
    );

    expect(first.Groups?.map((g) => g.GroupId)).toEqual([PLATFORM]);
    expect(second.Groups?.map((g) => g.GroupId)).toEqual([DEVELOPERS]);
    expect(second.NextToken).toBeDefined();
  });

  it('lists a group’s members and a member’s groups', async () => {
    const members = await clients.identityStore.send(
      new ListGroupMembershipsCommand({ IdentityStoreId, GroupId: DEVELOPERS }),
    );
    const groups = await clients.identityStore.send(
      new ListGroupMembershipsForMemberCommand({ IdentityStoreId, MemberId: { UserId: ALICE } }),
    );

    expect(members.GroupMemberships?.map((m) => m.MemberId?.UserId)).toEqual([ALICE, BOB]);
    expect(groups.GroupMemberships?.map((m) => m.GroupId)).toEqual([PLATFORM, DEVELOPERS]);
    expect(groups.GroupMemberships?.every((m) => typeof m.MembershipId === 'string')).toBe(true);
  });

  it('creates, finds and deletes a membership', async () => {
    const created = await clients.identityStore.send(
      new CreateGroupMembershipCommand({ IdentityStoreId, GroupId: AUDITORS, MemberId: { UserId: CAROL } }),
    );
    const found = await clients.identityStore.send(
      new GetGroupMembershipIdCommand({ IdentityStoreId, GroupId: AUDITORS, MemberId: { UserId: CAROL } }),
    );
    await clients.identityStore.send(
      new DeleteGroupMembershipCommand({ IdentityStoreId, MembershipId: created.MembershipId }),
    );
    const afterDelete = await rejectionOf(
      clients.identityStore.send(
        new GetGroupMembershipIdCommand({ IdentityStoreId, GroupId: AUDITORS, MemberId: { UserId: CAROL } }),
      ),
    );

    expect(found.MembershipId).toBe(created.MembershipId);
    expect(afterDelete).toBeInstanceOf(ResourceNotFoundException);
  });

  it('answers ConflictException for a membership that exists', async () => {
    const error = await rejectionOf(
      clients.identityStore.send(
        new CreateGroupMembershipCommand({ IdentityStoreId, GroupId: PLATFORM, MemberId: { UserId: ALICE } }),
      ),
    );

    expect(error).toBeInstanceOf(ConflictException);
    expect((error as ConflictException).Reason).toBe('UNIQUENESS_CONSTRAINT_VIOLATION');
  });

  it('answers ResourceNotFoundException when deleting a membership that does not exist', async () => {
    const error = await rejectionOf(
      clients.identityStore.send(
        new DeleteGroupMembershipCommand({ IdentityStoreId, MembershipId: '00000000-0000-4000-8000-000000000000' }),
      ),
    );

    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });

  it('reflects world changes to users', async () => {
    emulator.world.updateUser(CAROL, { active: false, department: 'Finance' });

    const carol = await clients.identityStore.send(
      new DescribeUserCommand({ IdentityStoreId, UserId: CAROL, Extensions: ['aws:identitystore:enterprise'] }),
    );

    expect(carol.UserStatus).toBe('DISABLED');
    expect(carol.Extensions).toEqual({ 'aws:identitystore:enterprise': { department: 'Finance' } });
  });
});

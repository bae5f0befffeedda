import {
  ConflictException,
  CreateGroupMembershipCommand,
  DeleteGroupMembershipCommand,
  DescribeGroupCommand,
  DescribeUserCommand,
  GetGroupIdCommand,
  GetUserIdCommand,
  IdentitystoreClient,
  ListGroupMembershipsCommand,
  ListGroupMembershipsForMemberCommand,
  ListGroupsCommand,
  ListUsersCommand,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-identitystore';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { IdentityStoreAdapter, toUser } from '../../../shared/adapters/identity-store.js';

const STORE = 'd-1234567890';
const meta = { $metadata: {} };
const ids = mockClient(IdentitystoreClient);
const makeAdapter = () => new IdentityStoreAdapter(new IdentitystoreClient({}), STORE);

beforeEach(() => {
  ids.reset();
});

describe('IdentityStoreAdapter.getGroupIdByDisplayName', () => {
  it('asks GetGroupId by displayName and caches the answer', async () => {
    // Prepare
    ids.on(GetGroupIdCommand).resolves({ GroupId: 'g-1', IdentityStoreId: STORE });
    const adapter = makeAdapter();

    // Act
    const first = await adapter.getGroupIdByDisplayName('Platform Admins');
    const second = await adapter.getGroupIdByDisplayName('Platform Admins');

    // Assess
    expect([first, second]).toEqual(['g-1', 'g-1']);
    expect(ids.commandCalls(GetGroupIdCommand).map((c) => c.args[0].input)).toEqual([
      {
        IdentityStoreId: STORE,
        AlternateIdentifier: { UniqueAttribute: { AttributePath: 'displayName', AttributeValue: 'Platform Admins' } },
      },
    ]);
  });

  it('returns undefined for a missing group and caches the miss', async () => {
    // Prepare
    ids.on(GetGroupIdCommand).rejects(new ResourceNotFoundException({ message: 'no group', ...meta }));
    const adapter = makeAdapter();

    // Act
    const first = await adapter.getGroupIdByDisplayName('Nobody');
    const second = await adapter.getGroupIdByDisplayName('Nobody');

    // Assess
    expect([first, second]).toEqual([undefined, undefined]);
    expect(ids.commandCalls(GetGroupIdCommand)).toHaveLength(1);
  });

  it('throws when the identity store itself is not found', async () => {
    // Prepare
    ids.on(GetGroupIdCommand).rejects(
      new ResourceNotFoundException({
        message: 'no store',
        ResourceType: 'IDENTITY_STORE',
        ResourceId: 'd-0000000000',
        ...meta,
      }),
    );

    // Act
    const result = makeAdapter().getGroupIdByDisplayName('Platform Admins');

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('does not cache an error other than not found', async () => {
    // Prepare
    ids
      .on(GetGroupIdCommand)
      .rejectsOnce(new ThrottlingException({ message: 'slow down', ...meta }))
      .resolves({ GroupId: 'g-1', IdentityStoreId: STORE });
    const adapter = makeAdapter();

    // Act
    await expect(adapter.getGroupIdByDisplayName('Platform Admins')).rejects.toThrow('slow down');
    const retried = await adapter.getGroupIdByDisplayName('Platform Admins');

    // Assess
    expect(retried).toBe('g-1');
  });
});

describe('IdentityStoreAdapter.getUserIdByUserName', () => {
  it('asks GetUserId by userName and caches positive and negative answers', async () => {
    // Prepare
    ids
      .on(GetUserIdCommand)
      .rejects(new ResourceNotFoundException({ message: 'no user', ...meta }))
      .on(GetUserIdCommand, {
        AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'alice@example.com' } },
      })
      .resolves({ UserId: 'u-1', IdentityStoreId: STORE });
    const adapter = makeAdapter();

    // Act
    const found = [
      await adapter.getUserIdByUserName('alice@example.com'),
      await adapter.getUserIdByUserName('ghost@example.com'),
      await adapter.getUserIdByUserName('alice@example.com'),
      await adapter.getUserIdByUserName('ghost@example.com'),
    ];

    // Assess
    expect(found).toEqual(['u-1', undefined, 'u-1', undefined]);
    expect(ids.commandCalls(GetUserIdCommand)).toHaveLength(2);
    expect(ids.commandCalls(GetUserIdCommand)[0]?.args[0].input).toEqual({
      IdentityStoreId: STORE,
      AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'alice@example.com' } },
    });
  });
});

describe('IdentityStoreAdapter.describeUser', () => {
  it('requests the enterprise extension and maps every attribute', async () => {
    // Prepare
    ids.on(DescribeUserCommand).resolves({
      IdentityStoreId: STORE,
      UserId: 'u-1',
      UserName: 'alice@example.com',
      DisplayName: 'Alice',
      UserStatus: 'ENABLED',
      Emails: [{ Value: 'alice@example.com', Primary: true }, { Value: 'a@example.org' }],
      Title: 'SRE',
      UserType: 'Employee',
      Locale: 'en-GB',
      PreferredLanguage: 'en',
      Timezone: 'Europe/London',
      Extensions: {
        'aws:identitystore:enterprise': {
          department: 'Engineering',
          costCenter: 'CC-1',
          division: 'Platform',
          organization: 'Example',
          employeeNumber: '42',
          manager: { value: 'u-2' },
        },
      },
    });
    const adapter = makeAdapter();

    // Act
    const user = await adapter.describeUser('u-1');

    // Assess
    expect(user).toEqual({
      id: 'u-1',
      userName: 'alice@example.com',
      displayName: 'Alice',
      active: true,
      emails: ['alice@example.com', 'a@example.org'],
      title: 'SRE',
      userType: 'Employee',
      locale: 'en-GB',
      preferredLanguage: 'en',
      timezone: 'Europe/London',
      department: 'Engineering',
      costCenter: 'CC-1',
      division: 'Platform',
      organization: 'Example',
      employeeNumber: '42',
    });
    expect(ids.commandCalls(DescribeUserCommand)[0]?.args[0].input).toEqual({
      IdentityStoreId: STORE,
      UserId: 'u-1',
      Extensions: ['aws:identitystore:enterprise'],
    });
  });

  it('returns undefined for a user that does not exist', async () => {
    // Prepare
    ids
      .on(DescribeUserCommand)
      .rejects(new ResourceNotFoundException({ message: 'gone', ResourceType: 'USER', ResourceId: 'u-gone', ...meta }));

    // Act
    const user = await makeAdapter().describeUser('u-gone');

    // Assess
    expect(user).toBeUndefined();
  });

  it.each([
    ['the identity store', { ResourceType: 'IDENTITY_STORE', ResourceId: 'd-0000000000' }],
    ['another user', { ResourceType: 'USER', ResourceId: 'u-other' }],
    ['an unnamed resource', {}],
  ] as const)('throws, rather than calling the user deleted, when the missing resource is %s', async (_, fields) => {
    // Prepare
    ids.on(DescribeUserCommand).rejects(new ResourceNotFoundException({ message: 'not found', ...fields, ...meta }));

    // Act
    const user = makeAdapter().describeUser('u-1');

    // Assess
    await expect(user).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('toUser', () => {
  it.each([
    ['DISABLED', false],
    ['ENABLED', true],
    [undefined, true],
  ] as const)('maps UserStatus %s to active %s', (status, active) => {
    // Act
    const user = toUser({ UserId: 'u-1', UserName: 'bob', UserStatus: status });

    // Assess
    expect(user.active).toBe(active);
  });

  it('leaves out attributes the directory does not hold', () => {
    // Act
    const user = toUser({
      UserId: 'u-1',
      UserName: 'bob',
      Emails: [],
      Extensions: { 'aws:identitystore:enterprise': {} },
    });

    // Assess
    expect(user).toEqual({ id: 'u-1', userName: 'bob', active: true });
  });
});

describe('IdentityStoreAdapter.describeGroup', () => {
  it('returns the group, or undefined when it does not exist', async () => {
    // Prepare
    ids
      .on(DescribeGroupCommand)
      .rejects(new ResourceNotFoundException({ message: 'gone', ResourceType: 'GROUP', ...meta }))
      .on(DescribeGroupCommand, { GroupId: 'g-1' })
      .resolves({ GroupId: 'g-1', DisplayName: 'Platform Admins', IdentityStoreId: STORE });
    const adapter = makeAdapter();

    // Act
    const found = await adapter.describeGroup('g-1');
    const missing = await adapter.describeGroup('g-gone');

    // Assess
    expect(found).toEqual({ id: 'g-1', displayName: 'Platform Admins' });
    expect(missing).toBeUndefined();
    expect(ids.commandCalls(DescribeGroupCommand)[0]?.args[0].input).toEqual({
      IdentityStoreId: STORE,
      GroupId: 'g-1',
    });
  });
});

describe('IdentityStoreAdapter lists', () => {
  it('reads every page of users with the enterprise extension', async () => {
    // Prepare
    ids
      .on(ListUsersCommand, { NextToken: undefined })
      .resolves({ Users: [{ IdentityStoreId: STORE, UserId: 'u-1', UserName: 'alice' }], NextToken: 'n' })
      .on(ListUsersCommand, { NextToken: 'n' })
      .resolves({ Users: [{ IdentityStoreId: STORE, UserId: 'u-2', UserName: 'bob', UserStatus: 'DISABLED' }] });

    // Act
    const users = await makeAdapter().listUsers();

    // Assess
    expect(users).toEqual([
      { id: 'u-1', userName: 'alice', active: true },
      { id: 'u-2', userName: 'bob', active: false },
    ]);
    expect(ids.commandCalls(ListUsersCommand).map((c) => c.args[0].input)).toEqual([
      { IdentityStoreId: STORE, Extensions: ['aws:identitystore:enterprise'], NextToken: undefined },
      { IdentityStoreId: STORE, Extensions: ['aws:identitystore:enterprise'], NextToken: 'n' },
    ]);
  });

  it('reads every page of groups', async () => {
    // Prepare
    ids
      .on(ListGroupsCommand, { NextToken: undefined })
      .resolves({ Groups: [], NextToken: 'n' })
      .on(ListGroupsCommand, { NextToken: 'n' })
      .resolves({ Groups: [{ IdentityStoreId: STORE, GroupId: 'g-1', DisplayName: 'Developers' }] });

    // Act
    const groups = await makeAdapter().listGroups();

    // Assess
    expect(groups).toEqual([{ id: 'g-1', displayName: 'Developers' }]);
    expect(ids.commandCalls(ListGroupsCommand)).toHaveLength(2);
  });

  it('lists the memberships of a user with their membership ids', async () => {
    // Prepare
    ids
      .on(ListGroupMembershipsForMemberCommand, { NextToken: undefined })
      .resolves({
        GroupMemberships: [
          { IdentityStoreId: STORE, MembershipId: 'm-1', GroupId: 'g-1', MemberId: { UserId: 'u-1' } },
        ],
        NextToken: 'n',
      })
      .on(ListGroupMembershipsForMemberCommand, { NextToken: 'n' })
      .resolves({
        GroupMemberships: [
          { IdentityStoreId: STORE, MembershipId: 'm-2', GroupId: 'g-2', MemberId: { UserId: 'u-1' } },
        ],
      });

    // Act
    const memberships = await makeAdapter().listGroupMembershipsForMember('u-1');

    // Assess
    expect(memberships).toEqual([
      { membershipId: 'm-1', groupId: 'g-1', userId: 'u-1' },
      { membershipId: 'm-2', groupId: 'g-2', userId: 'u-1' },
    ]);
    expect(ids.commandCalls(ListGroupMembershipsForMemberCommand)[0]?.args[0].input).toEqual({
      IdentityStoreId: STORE,
      MemberId: { UserId: 'u-1' },
      NextToken: undefined,
    });
  });

  it('lists the members of a group with their membership ids', async () => {
    // Prepare
    ids.on(ListGroupMembershipsCommand).resolves({
      GroupMemberships: [
        { IdentityStoreId: STORE, MembershipId: 'm-1', GroupId: 'g-1', MemberId: { UserId: 'u-1' } },
        { IdentityStoreId: STORE, MembershipId: 'm-3', GroupId: 'g-1', MemberId: { UserId: 'u-3' } },
      ],
    });

    // Act
    const memberships = await makeAdapter().listGroupMemberships('g-1');

    // Assess
    expect(memberships.map((m) => m.userId)).toEqual(['u-1', 'u-3']);
    expect(ids.commandCalls(ListGroupMembershipsCommand)[0]?.args[0].input).toEqual({
      IdentityStoreId: STORE,
      GroupId: 'g-1',
      NextToken: undefined,
    });
  });
});

describe('IdentityStoreAdapter membership writes', () => {
  it('creates a membership with the exact input', async () => {
    // Prepare
    ids.on(CreateGroupMembershipCommand).resolves({ MembershipId: 'm-1', IdentityStoreId: STORE });

    // Act
    await makeAdapter().createGroupMembership('g-1', 'u-1');

    // Assess
    expect(ids.commandCalls(CreateGroupMembershipCommand)[0]?.args[0].input).toEqual({
      IdentityStoreId: STORE,
      GroupId: 'g-1',
      MemberId: { UserId: 'u-1' },
    });
  });

  it('counts a ConflictException (already a member) as done', async () => {
    // Prepare
    ids
      .on(CreateGroupMembershipCommand)
      .rejects(new ConflictException({ message: 'exists', Reason: 'UNIQUENESS_CONSTRAINT_VIOLATION', ...meta }));

    // Act
    const result = makeAdapter().createGroupMembership('g-1', 'u-1');

    // Assess
    await expect(result).resolves.toBeUndefined();
  });

  it('propagates a conflict with a concurrent modification', async () => {
    // Prepare
    ids
      .on(CreateGroupMembershipCommand)
      .rejects(new ConflictException({ message: 'busy', Reason: 'CONCURRENT_MODIFICATION', ...meta }));

    // Act
    const result = makeAdapter().createGroupMembership('g-1', 'u-1');

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'ConflictException' });
  });

  it('deletes by membership id and counts a missing membership as done', async () => {
    // Prepare
    ids
      .on(DeleteGroupMembershipCommand)
      .resolvesOnce({})
      .rejects(new ResourceNotFoundException({ message: 'gone', ResourceType: 'GROUP_MEMBERSHIP', ...meta }));
    const adapter = makeAdapter();

    // Act
    await adapter.deleteGroupMembership('m-1');
    const second = adapter.deleteGroupMembership('m-1');

    // Assess
    await expect(second).resolves.toBeUndefined();
    expect(ids.commandCalls(DeleteGroupMembershipCommand)[0]?.args[0].input).toEqual({
      IdentityStoreId: STORE,
      MembershipId: 'm-1',
    });
  });
});

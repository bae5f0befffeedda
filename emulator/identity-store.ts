import { AwsServiceError } from './errors.js';
import { paginate } from './pagination.js';
import { compact, type RequestInput, type ServiceDefinition, type ServiceSettings } from './service.js';
import type { MembershipRecord, SnapshotUser, WorldState } from './world.js';

/** Identity Store (`AWSIdentityStore`): users, groups and group memberships. */

const ENTERPRISE_EXTENSION = 'aws:identitystore:enterprise';
const IDENTITY_STORE_ID = /^d-[0-9a-f]{10}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type ResourceType = 'USER' | 'GROUP' | 'GROUP_MEMBERSHIP' | 'IDENTITY_STORE';

const validation = (message: string) => new AwsServiceError('ValidationException', message);

const notFound = (resourceType: ResourceType, resourceId: string, message?: string) =>
  new AwsServiceError('ResourceNotFoundException', message ?? `${resourceType} not found.`, {
    fields: { ResourceType: resourceType, ResourceId: resourceId },
  });

/** The enterprise extension document, keyed as the SCIM enterprise schema spells its attributes. */
const enterpriseExtension = (user: SnapshotUser): Record<string, string> | undefined => {
  const doc: Record<string, string | undefined> = compact({
    employeeNumber: user.employeeNumber,
    costCenter: user.costCenter,
    organization: user.organization,
    division: user.division,
    department: user.department,
  });
  const entries = Object.entries(doc).flatMap(([key, value]) => (value === undefined ? [] : [[key, value] as const]));
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
};

export const createIdentityStoreService = (world: WorldState, settings: ServiceSettings): ServiceDefinition => {
  const checkStore = (input: RequestInput): void => {
    const id = input.string('IdentityStoreId');
    if (!IDENTITY_STORE_ID.test(id)) {
      throw validation(`1 validation error detected: Value '${id}' at 'identityStoreId' failed to satisfy constraint`);
    }
    if (id !== world.identityStoreId) throw notFound('IDENTITY_STORE', id, `Identity store ${id} not found.`);
  };

  const requestedExtensions = (input: RequestInput): boolean => {
    const names = input.optionalStringList('Extensions') ?? [];
    const unsupported = names.find((name) => name !== ENTERPRISE_EXTENSION);
    if (unsupported !== undefined) throw validation(`Unsupported extension ${unsupported}.`);
    return names.length > 0;
  };

  const userShape = (user: SnapshotUser, withExtensions: boolean) => {
    const extension = withExtensions ? enterpriseExtension(user) : undefined;
    return compact({
      IdentityStoreId: world.identityStoreId,
      UserId: user.id,
      UserName: user.userName,
      DisplayName: user.displayName,
      Emails: user.emails?.map((Value, index) => ({ Value, Type: 'work', Primary: index === 0 })),
      UserType: user.userType,
      Title: user.title,
      PreferredLanguage: user.preferredLanguage,
      Locale: user.locale,
      Timezone: user.timezone,
      UserStatus: user.active === false ? 'DISABLED' : 'ENABLED',
      Extensions: extension === undefined ? undefined : { [ENTERPRISE_EXTENSION]: extension },
    });
  };

  const groupShape = (group: { id: string; displayName: string }) => ({
    IdentityStoreId: world.identityStoreId,
    GroupId: group.id,
    DisplayName: group.displayName,
  });

  const membershipShape = (m: MembershipRecord) => ({
    IdentityStoreId: world.identityStoreId,
    MembershipId: m.membershipId,
    GroupId: m.groupId,
    MemberId: { UserId: m.userId },
  });

  const page = <T>(input: RequestInput, items: readonly T[], scope: string) =>
    paginate(items, {
      scope,
      nextToken: input.raw('NextToken'),
      maxResults: input.raw('MaxResults'),
      pageSize: settings.pageSize,
      maxAllowed: 100,
      invalidToken: (message, cause) => new AwsServiceError('ValidationException', message, { cause }),
      invalidInput: validation,
    });

  const user = (userId: string): SnapshotUser => {
    const record = world.users.get(userId);
    if (record === undefined) throw notFound('USER', userId);
    return record;
  };

  const group = (groupId: string) => {
    const record = world.groups.get(groupId);
    if (record === undefined) throw notFound('GROUP', groupId);
    return record;
  };

  const memberUserId = (input: RequestInput): string => input.object('MemberId').string('UserId');

  /** `UniqueAttribute` lookups; an `ExternalId` never matches since the snapshot holds no external ids. */
  const uniqueAttribute = (input: RequestInput, allowedPaths: readonly string[]) => {
    const identifier = input.object('AlternateIdentifier');
    const unique = identifier.optionalObject('UniqueAttribute');
    if (unique === undefined) {
      const external = identifier.object('ExternalId');
      return { path: 'externalId', value: `${external.string('Issuer')}:${external.string('Id')}` };
    }
    const path = unique.string('AttributePath');
    const value = unique.raw('AttributeValue');
    if (!allowedPaths.includes(path)) throw validation(`Invalid attribute path ${path}.`);
    if (typeof value !== 'string') throw validation('AttributeValue must be a string.');
    return { path, value };
  };

  const filterValue = (input: RequestInput, attributePath: string): string | undefined => {
    const filters = input.raw('Filters');
    if (filters === undefined || filters === null) return undefined;
    if (!Array.isArray(filters) || filters.length > 1) throw validation('Filters must hold at most one filter.');
    const filter = filters[0] as { AttributePath?: unknown; AttributeValue?: unknown } | undefined;
    if (filter === undefined) return undefined;
    if (filter.AttributePath !== attributePath || typeof filter.AttributeValue !== 'string') {
      throw validation(`Only the ${attributePath} filter is supported.`);
    }
    return filter.AttributeValue;
  };

  const withStore =
    (handler: (input: RequestInput) => unknown) =>
    (input: RequestInput): unknown => {
      checkStore(input);
      return handler(input);
    };

  return {
    targetPrefix: 'AWSIdentityStore',
    family: 'identitystore',
    operations: {
      GetGroupId: withStore((input) => {
        const { path, value } = uniqueAttribute(input, ['displayName']);
        const found =
          path === 'displayName' ? [...world.groups.values()].find((g) => g.displayName === value) : undefined;
        if (found === undefined) throw notFound('GROUP', value, 'GROUP not found.');
        return { GroupId: found.id, IdentityStoreId: world.identityStoreId };
      }),
      GetUserId: withStore((input) => {
        const { path, value } = uniqueAttribute(input, ['userName', 'emails.value']);
        const users = [...world.users.values()];
        const found =
          path === 'userName'
            ? users.find((u) => u.userName === value)
            : path === 'emails.value'
              ? users.find((u) => u.emails?.includes(value))
              : undefined;
        if (found === undefined) throw notFound('USER', value, 'USER not found.');
        return { UserId: found.id, IdentityStoreId: world.identityStoreId };
      }),
      DescribeUser: withStore((input) => {
        const withExtensions = requestedExtensions(input);
        return userShape(user(input.string('UserId')), withExtensions);
      }),
      DescribeGroup: withStore((input) => groupShape(group(input.string('GroupId')))),
      ListUsers: withStore((input) => {
        const withExtensions = requestedExtensions(input);
        const userName = filterValue(input, 'UserName');
        const users = [...world.users.values()].filter((u) => userName === undefined || u.userName === userName);
        const result = page(input, users, `ListUsers:${userName ?? ''}`);
        return compact({ Users: result.items.map((u) => userShape(u, withExtensions)), NextToken: result.nextToken });
      }),
      ListGroups: withStore((input) => {
        const displayName = filterValue(input, 'DisplayName');
        const groups = [...world.groups.values()].filter(
          (g) => displayName === undefined || g.displayName === displayName,
        );
        const result = page(input, groups, `ListGroups:${displayName ?? ''}`);
        return compact({ Groups: result.items.map(groupShape), NextToken: result.nextToken });
      }),
      ListGroupMemberships: withStore((input) => {
        const groupId = group(input.string('GroupId')).id;
        const memberships = [...world.memberships.values()].filter((m) => m.groupId === groupId);
        const result = page(input, memberships, `ListGroupMemberships:${groupId}`);
        return compact({ GroupMemberships: result.items.map(membershipShape), NextToken: result.nextToken });
      }),
      ListGroupMembershipsForMember: withStore((input) => {
        const userId = user(memberUserId(input)).id;
        const memberships = [...world.memberships.values()].filter((m) => m.userId === userId);
        const result = page(input, memberships, `ListGroupMembershipsForMember:${userId}`);
        return compact({ GroupMemberships: result.items.map(membershipShape), NextToken: result.nextToken });
      }),
      GetGroupMembershipId: withStore((input) => {
        const groupId = input.string('GroupId');
        const userId = memberUserId(input);
        const m = world.findMembership(groupId, userId);
        if (m === undefined) throw notFound('GROUP_MEMBERSHIP', `${groupId}/${userId}`, 'GROUP_MEMBERSHIP not found.');
        return { MembershipId: m.membershipId, IdentityStoreId: world.identityStoreId };
      }),
      DescribeGroupMembership: withStore((input) => {
        const membershipId = input.string('MembershipId');
        const m = world.memberships.get(membershipId);
        if (m === undefined) throw notFound('GROUP_MEMBERSHIP', membershipId);
        return membershipShape(m);
      }),
      CreateGroupMembership: withStore((input) => {
        const groupId = group(input.string('GroupId')).id;
        const userId = user(memberUserId(input)).id;
        if (world.findMembership(groupId, userId) !== undefined) {
          throw new AwsServiceError('ConflictException', `User ${userId} is already a member of group ${groupId}.`, {
            fields: { Reason: 'UNIQUENESS_CONSTRAINT_VIOLATION' },
          });
        }
        const m = world.addMembership(groupId, userId);
        return { MembershipId: m.membershipId, IdentityStoreId: world.identityStoreId };
      }),
      DeleteGroupMembership: withStore((input) => {
        const membershipId = input.string('MembershipId');
        if (!world.memberships.delete(membershipId)) throw notFound('GROUP_MEMBERSHIP', membershipId);
        return {};
      }),
    },
  };
};

import {
  CreateGroupMembershipCommand,
  DeleteGroupMembershipCommand,
  DescribeGroupCommand,
  DescribeUserCommand,
  GetGroupIdCommand,
  GetUserIdCommand,
  type IdentitystoreClient,
  ListGroupMembershipsCommand,
  ListGroupMembershipsForMemberCommand,
  ListGroupsCommand,
  ListUsersCommand,
  type GroupMembership as SdkGroupMembership,
  type User as SdkUser,
} from '@aws-sdk/client-identitystore';
import type { Group, GroupMembership, User } from '../domain/model.js';
import type { IdentityStorePort } from '../domain/ports.js';
import { awsErrorName, isAwsError } from './aws-errors.js';
import { collectPages } from './paginate.js';

/** The only user extension Identity Store supports; it carries the SCIM enterprise attributes. */
export const ENTERPRISE_EXTENSION = 'aws:identitystore:enterprise';

const ENTERPRISE_ATTRIBUTES = ['department', 'costCenter', 'division', 'organization', 'employeeNumber'] as const;

/** The parts of an SDK user (`DescribeUser` answer or `ListUsers` item) that the model uses. */
type SdkUserLike = Pick<
  SdkUser,
  | 'UserId'
  | 'UserName'
  | 'DisplayName'
  | 'UserStatus'
  | 'Emails'
  | 'Title'
  | 'UserType'
  | 'Locale'
  | 'PreferredLanguage'
  | 'Timezone'
  | 'Extensions'
>;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Maps an Identity Store user to the model. Absent attributes stay absent (no empty strings), so
 * that an attribute selector never matches a value the directory does not hold.
 */
export const toUser = (user: SdkUserLike): User => {
  const result: Mutable<User> = {
    id: user.UserId ?? '',
    userName: user.UserName ?? '',
    active: user.UserStatus !== 'DISABLED',
  };
  if (user.DisplayName) result.displayName = user.DisplayName;
  const emails = (user.Emails ?? []).flatMap((email) => (email.Value ? [email.Value] : []));
  if (emails.length > 0) result.emails = emails;
  if (user.Title) result.title = user.Title;
  if (user.UserType) result.userType = user.UserType;
  if (user.Locale) result.locale = user.Locale;
  if (user.PreferredLanguage) result.preferredLanguage = user.PreferredLanguage;
  if (user.Timezone) result.timezone = user.Timezone;
  const enterprise = user.Extensions?.[ENTERPRISE_EXTENSION];
  if (typeof enterprise === 'object' && enterprise !== null && !Array.isArray(enterprise)) {
    const values = enterprise as Record<string, unknown>;
    for (const attribute of ENTERPRISE_ATTRIBUTES) {
      const value = values[attribute];
      if (typeof value === 'string' && value !== '') result[attribute] = value;
    }
  }
  return result;
};

const toMembership = (membership: SdkGroupMembership): GroupMembership[] => {
  const userId = membership.MemberId?.UserId;
  if (!membership.GroupId || !userId) return [];
  return [
    {
      groupId: membership.GroupId,
      userId,
      ...(membership.MembershipId ? { membershipId: membership.MembershipId } : {}),
    },
  ];
};

/**
 * {@link IdentityStorePort} over the Identity Store API. Name-to-id lookups are cached per
 * instance, misses included, because rules name the same groups and users on every account of a
 * sweep; the composition root decides how long an instance lives.
 */
export class IdentityStoreAdapter implements IdentityStorePort {
  readonly #groupIds = new Map<string, Promise<string | undefined>>();
  readonly #userIds = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly client: Pick<IdentitystoreClient, 'send'>,
    private readonly identityStoreId: string,
  ) {}

  getGroupIdByDisplayName(displayName: string): Promise<string | undefined> {
    return this.#cachedLookup(this.#groupIds, displayName, async () => {
      const response = await this.client.send(
        new GetGroupIdCommand({
          IdentityStoreId: this.identityStoreId,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: 'displayName', AttributeValue: displayName } },
        }),
      );
      return response.GroupId;
    });
  }

  getUserIdByUserName(userName: string): Promise<string | undefined> {
    return this.#cachedLookup(this.#userIds, userName, async () => {
      const response = await this.client.send(
        new GetUserIdCommand({
          IdentityStoreId: this.identityStoreId,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: userName } },
        }),
      );
      return response.UserId;
    });
  }

  async describeGroup(groupId: string): Promise<Group | undefined> {
    try {
      const response = await this.client.send(
        new DescribeGroupCommand({ IdentityStoreId: this.identityStoreId, GroupId: groupId }),
      );
      return { id: response.GroupId ?? groupId, displayName: response.DisplayName ?? '' };
    } catch (error) {
      if (isNotFound(error, 'GROUP', groupId)) return undefined;
      throw error;
    }
  }

  async describeUser(userId: string): Promise<User | undefined> {
    try {
      const response = await this.client.send(
        new DescribeUserCommand({
          IdentityStoreId: this.identityStoreId,
          UserId: userId,
          Extensions: [ENTERPRISE_EXTENSION],
        }),
      );
      return toUser({ ...response, UserId: response.UserId ?? userId });
    } catch (error) {
      if (isNotFound(error, 'USER', userId)) return undefined;
      throw error;
    }
  }

  async listUsers(): Promise<User[]> {
    const users = await collectPages(
      (NextToken) =>
        this.client.send(
          new ListUsersCommand({
            IdentityStoreId: this.identityStoreId,
            Extensions: [ENTERPRISE_EXTENSION],
            NextToken,
          }),
        ),
      (page) => page.Users,
    );
    return users.map(toUser);
  }

  async listGroups(): Promise<Group[]> {
    const groups = await collectPages(
      (NextToken) => this.client.send(new ListGroupsCommand({ IdentityStoreId: this.identityStoreId, NextToken })),
      (page) => page.Groups,
    );
    return groups.map((group) => ({ id: group.GroupId ?? '', displayName: group.DisplayName ?? '' }));
  }

  async listGroupMembershipsForMember(userId: string): Promise<GroupMembership[]> {
    const memberships = await collectPages(
      (NextToken) =>
        this.client.send(
          new ListGroupMembershipsForMemberCommand({
            IdentityStoreId: this.identityStoreId,
            MemberId: { UserId: userId },
            NextToken,
          }),
        ),
      (page) => page.GroupMemberships,
    );
    return memberships.flatMap(toMembership);
  }

  async listGroupMemberships(groupId: string): Promise<GroupMembership[]> {
    const memberships = await collectPages(
      (NextToken) =>
        this.client.send(
          new ListGroupMembershipsCommand({ IdentityStoreId: this.identityStoreId, GroupId: groupId, NextToken }),
        ),
      (page) => page.GroupMemberships,
    );
    return memberships.flatMap(toMembership);
  }

  async createGroupMembership(groupId: string, userId: string): Promise<void> {
    try {
      await this.client.send(
        new CreateGroupMembershipCommand({
          IdentityStoreId: this.identityStoreId,
          GroupId: groupId,
          MemberId: { UserId: userId },
        }),
      );
    } catch (error) {
      // A uniqueness conflict means the membership exists, which is what we want. A conflict with a
      // concurrent modification is a real failure for the caller to retry.
      if (awsErrorName(error) === 'ConflictException' && conflictReason(error) !== 'CONCURRENT_MODIFICATION') return;
      throw error;
    }
  }

  async deleteGroupMembership(membershipId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteGroupMembershipCommand({ IdentityStoreId: this.identityStoreId, MembershipId: membershipId }),
      );
    } catch (error) {
      if (isNotFound(error, 'GROUP_MEMBERSHIP', membershipId)) return;
      throw error;
    }
  }

  #cachedLookup(
    cache: Map<string, Promise<string | undefined>>,
    key: string,
    lookup: () => Promise<string | undefined>,
  ): Promise<string | undefined> {
    let cached = cache.get(key);
    if (!cached) {
      cached = lookup().catch((error: unknown) => {
        // A name that does not resolve only makes its rule unresolved, which revokes nothing; a
        // wrong identity store is a configuration error, not a miss.
        if (isAwsError(error, 'ResourceNotFoundException') && notFoundType(error) !== 'IDENTITY_STORE')
          return undefined;
        // Only answers are cached; an error must be retried by the next caller.
        cache.delete(key);
        throw error;
      });
      cache.set(key, cached);
    }
    return cached;
  }
}

const notFoundType = (error: unknown): unknown =>
  typeof error === 'object' && error !== null ? (error as { ResourceType?: unknown }).ResourceType : undefined;

const notFoundId = (error: unknown): unknown =>
  typeof error === 'object' && error !== null ? (error as { ResourceId?: unknown }).ResourceId : undefined;

/**
 * Whether a `ResourceNotFoundException` says that this very resource does not exist. Identity
 * Store answers the same exception for a wrong identity store id (`ResourceType: IDENTITY_STORE`),
 * and reading that as "the user is gone" would offboard a user who exists: only a not-found whose
 * `ResourceType` is the resource asked for (and whose `ResourceId`, when given, is its id) counts.
 * Anything else is an error, retried and in the end dead-lettered.
 */
const isNotFound = (error: unknown, type: 'USER' | 'GROUP' | 'GROUP_MEMBERSHIP', id: string): boolean => {
  if (!isAwsError(error, 'ResourceNotFoundException') || notFoundType(error) !== type) return false;
  const resourceId = notFoundId(error);
  return resourceId === undefined || resourceId === id;
};

const conflictReason = (error: unknown): unknown =>
  typeof error === 'object' && error !== null ? (error as { Reason?: unknown }).Reason : undefined;

import type { PrincipalType } from '../domain/model.js';
import type { Envelope } from './envelope.js';
import { MEMBERSHIP_ID_ONLY_REASON } from './identity.js';
import { type FieldAt, fieldAt, firstAt, principalIdSchema } from './ids.js';
import { type EventContext, ignored, MalformedEventError, type ParseResult, work } from './result.js';

/**
 * Native Identity Store notifications (`source: aws.identitystore`, not CloudTrail). The
 * detail-types below the first six are not confirmed by the documentation we could read, and the
 * `detail` schema is not published at all (docs/aws-facts.md §1.3, §5 question 4); see docs/events.md.
 */
export const IDENTITY_NATIVE_SOURCE = 'aws.identitystore';

const USER_TYPES = ['User Created', 'User Updated', 'User Deleted'] as const;
const GROUP_TYPES = ['Group Created', 'Group Updated', 'Group Deleted'] as const;
const UNVERIFIED_USER_TYPES = ['User Enabled', 'User Disabled'] as const;
const UNVERIFIED_MEMBERSHIP_TYPES = ['Group Membership Created', 'Group Membership Deleted'] as const;

export const IDENTITY_NATIVE_DETAIL_TYPES: readonly string[] = [
  ...USER_TYPES,
  ...GROUP_TYPES,
  ...UNVERIFIED_USER_TYPES,
  ...UNVERIFIED_MEMBERSHIP_TYPES,
];

const at = (path: string): FieldAt<string> => fieldAt(path, principalIdSchema);

const USER_FIELDS = [at('userId'), at('user-id'), at('id')];
const GROUP_FIELDS = [at('groupId'), at('group-id'), at('id')];
// In a membership notification a bare `id` would be the membership's, so it is not read.
const MEMBER_FIELDS = [at('userId'), at('user-id'), at('memberId.userId')];
const MEMBERSHIP_GROUP_FIELDS = [at('groupId'), at('group-id')];

/** `arn:<partition>:identitystore:<region?>:<account?>:user/<id>` (or `group/<id>`). */
const IDENTITY_ARN = /^arn:aws[a-z-]*:identitystore:[^:]*:[^:]*:(user|group)\/([^/]+)$/;

const idFromResources = (resources: readonly unknown[] | undefined, kind: 'user' | 'group'): string | undefined => {
  for (const resource of resources ?? []) {
    const match = typeof resource === 'string' ? IDENTITY_ARN.exec(resource) : null;
    if (match?.[1] === kind) {
      const id = principalIdSchema.safeParse(match[2]);
      if (id.success) return id.data;
    }
  }
  return undefined;
};

const principal = (context: EventContext, principalType: PrincipalType, principalId: string): ParseResult =>
  work(context, [{ kind: 'principal', principalType, principalId }]);

const find = (envelope: Envelope, fields: readonly FieldAt<string>[], kind: 'user' | 'group'): string | undefined =>
  firstAt(envelope.detail, fields) ?? idFromResources(envelope.resources, kind);

/** Maps a native Identity Store notification to the principal it is about. */
export const parseIdentityNotification = (context: EventContext, envelope: Envelope): ParseResult => {
  const type = envelope['detail-type'];
  if ((UNVERIFIED_MEMBERSHIP_TYPES as readonly string[]).includes(type)) {
    const userId = find(envelope, MEMBER_FIELDS, 'user');
    if (userId !== undefined) return principal(context, 'USER', userId);
    const groupId = find(envelope, MEMBERSHIP_GROUP_FIELDS, 'group');
    if (groupId !== undefined) return principal(context, 'GROUP', groupId);
    return ignored(MEMBERSHIP_ID_ONLY_REASON);
  }
  const isUser = ([...USER_TYPES, ...UNVERIFIED_USER_TYPES] as readonly string[]).includes(type);
  const isGroup = (GROUP_TYPES as readonly string[]).includes(type);
  if (!isUser && !isGroup) return ignored(`Identity Store notification ${type} is not handled`);
  const principalId = isUser ? find(envelope, USER_FIELDS, 'user') : find(envelope, GROUP_FIELDS, 'group');
  if (principalId === undefined) {
    const fields = (isUser ? USER_FIELDS : GROUP_FIELDS).map((field) => `detail.${field.path}`);
    throw new MalformedEventError(
      context,
      `no well-formed ${isUser ? 'user' : 'group'} id at ${fields.join(' or ')} or in resources[]`,
    );
  }
  return principal(context, isUser ? 'USER' : 'GROUP', principalId);
};

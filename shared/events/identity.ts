import type { PrincipalType } from '../domain/model.js';
import { type FieldAt, fieldAt, firstAt, principalIdSchema, requireAt } from './ids.js';
import { type EventContext, ignored, type ParseResult, work } from './result.js';

/**
 * Identity Store changes reach CloudTrail under three event sources depending on who made them
 * (docs/aws-facts.md §0.3, §1.3): the console (and SCIM tokens older than September 2024), the Identity
 * Store API, and SCIM. The same handling applies to an event name whichever source carries it.
 */
export const IDENTITY_EVENT_SOURCES = [
  'sso-directory.amazonaws.com',
  'identitystore.amazonaws.com',
  'identitystore-scim.amazonaws.com',
] as const;

const at = (path: string): FieldAt<string> => fieldAt(path, principalIdSchema);

/** Console, Identity Store API and SCIM keep the id in different places; whichever is well-formed wins. */
const USER_ID = [
  at('requestParameters.userId'),
  at('requestParameters.id'),
  at('responseElements.user.userId'),
  at('responseElements.userId'),
  at('responseElements.id'),
];
const GROUP_ID = [
  at('requestParameters.groupId'),
  at('requestParameters.id'),
  at('responseElements.group.groupId'),
  at('responseElements.groupId'),
  at('responseElements.id'),
];
const MEMBERSHIP_GROUP_ID = [at('requestParameters.groupId')];
const MEMBER_USER_ID = [at('requestParameters.member.memberId'), at('requestParameters.memberId.userId')];

interface PrincipalRule {
  readonly principalType: PrincipalType;
  readonly fields: readonly FieldAt<string>[];
  readonly what: string;
}

const user: PrincipalRule = { principalType: 'USER', fields: USER_ID, what: 'user id' };
const group: PrincipalRule = { principalType: 'GROUP', fields: GROUP_ID, what: 'group id' };
/**
 * A membership change names the member only: the user's reconcile covers both the membership
 * rules and the user's access, and the group's own assignments do not depend on its members.
 */
const member: PrincipalRule = { principalType: 'USER', fields: MEMBER_USER_ID, what: 'member user id' };

const RULES: ReadonlyMap<string, PrincipalRule> = new Map([
  // Users. Disable and delete name the user too: the worker decides offboarding from live state.
  ['CreateUser', user],
  ['UpdateUser', user],
  ['PutUser', user],
  ['PatchUser', user],
  ['EnableUser', user],
  ['DisableUser', user],
  ['DeleteUser', user],
  // Groups. UpdateGroup may have renamed the group, and rules name groups by display name.
  ['CreateGroup', group],
  ['UpdateGroup', group],
  ['DeleteGroup', group],
  // SCIM hides the members of a PatchGroup, so the group is the narrowest scope it names.
  ['PatchGroup', group],
  ['AddMemberToGroup', member],
  ['RemoveMemberFromGroup', member],
  ['CreateGroupMembership', member],
]);

/** Identity event names that name a scope (the EventBridge rule matches exactly these). */
export const IDENTITY_EVENT_NAMES: readonly string[] = [...RULES.keys(), 'DeleteGroupMembership'];

const READ_ONLY_NAME = /^(Get|List|Describe|Search|IsMemberInGroups)/;

export const MEMBERSHIP_ID_ONLY_REASON = 'membership id only; the scheduled sweep repairs memberships';

/** Maps an Identity Store CloudTrail record (no `errorCode`) to the principal it changed. */
export const parseIdentityRecord = (context: EventContext, detail: unknown, readOnly: boolean): ParseResult => {
  if (readOnly || READ_ONLY_NAME.test(context.eventName)) return ignored('read-only call');
  if (context.eventName === 'DeleteGroupMembership') {
    // The API takes only a membership id, which cannot be resolved once deleted. Fanning out the
    // whole organization for one membership would be out of all proportion; the sweep repairs it.
    const groupId = firstAt(detail, MEMBERSHIP_GROUP_ID);
    if (groupId === undefined) return ignored(MEMBERSHIP_ID_ONLY_REASON);
    return work(context, [{ kind: 'principal', principalType: 'GROUP', principalId: groupId }]);
  }
  const rule = RULES.get(context.eventName);
  if (rule === undefined) return ignored(`identity event ${context.eventName} is not handled`);
  const principalId = requireAt(context, detail, rule.fields, rule.what);
  return work(context, [{ kind: 'principal', principalType: rule.principalType, principalId }]);
};

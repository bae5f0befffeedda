import type { EmulatorWorld } from '../../emulator/types.js';
import type { Snapshot } from '../../shared/domain/snapshot.js';
import { ouPath } from '../plan-format.js';

/**
 * Makes a simulated event *happen* in the emulated world before it is delivered: in AWS the
 * change comes first and the CloudTrail record after it, and the worker reads the live state, so
 * an event delivered to an unchanged world would be reconciled against the past.
 *
 * Only ids are read, never names: events mask them (docs/aws-facts.md §0.2). What cannot be derived from
 * ids (a created user's attributes, a new account's name) comes from the snapshot or a
 * placeholder; docs/simulate.md lists every derivation.
 */

/** What the event did to the world, in one sentence. */
export interface EffectDescription {
  readonly summary: string;
  /** `false` when nothing changed: the change is already there, or the event names something unknown. */
  readonly applied: boolean;
}

const API_CALL = 'AWS API Call via CloudTrail';
const SERVICE_EVENT = 'AWS Service Event via CloudTrail';
const ACCOUNT_ID = /^\d{12}$/;
const MASKED = /^(\*+|HIDDEN_DUE_TO_SECURITY_REASONS)$/;
/** `arn:<partition>:organizations::<management>:account/o-<org>/<accountId>` */
const ACCOUNT_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:account\/o-[a-z0-9]+\/(\d{12})$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const at = (value: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((current, key) => (isRecord(current) ? current[key] : undefined), value);

const textAt = (value: unknown, ...paths: string[]): string | undefined => {
  for (const path of paths) {
    const found = at(value, path);
    if (typeof found === 'string' && found !== '') return found;
  }
  return undefined;
};

const accountIdAt = (value: unknown, ...paths: string[]): string | undefined => {
  for (const path of paths) {
    const found = at(value, path);
    if (typeof found === 'string' && ACCOUNT_ID.test(found)) return found;
  }
  return undefined;
};

const unchanged = (summary: string): EffectDescription => ({ summary, applied: false });
const changed = (summary: string): EffectDescription => ({ summary, applied: true });

/** A read-only picture of the world for one effect, with the names a summary needs. */
class Org {
  readonly snapshot: Snapshot;
  readonly rootId: string;

  constructor(private readonly world: EmulatorWorld) {
    this.snapshot = world.exportSnapshot();
    this.rootId = this.snapshot.organizationalUnits.find((ou) => ou.parentId === null)?.id ?? '';
  }

  account(id: string) {
    return this.snapshot.accounts.find((a) => a.id === id);
  }
  hasParent(id: string): boolean {
    return this.snapshot.organizationalUnits.some((ou) => ou.id === id);
  }
  where(parentId: string): string {
    return parentId === this.rootId ? 'the root' : ouPath(this.snapshot, parentId);
  }
  accountText(id: string): string {
    const account = this.account(id);
    return account === undefined ? `account ${id}` : `account ${id} (${account.name})`;
  }
  user(id: string) {
    return this.snapshot.users.find((u) => u.id === id);
  }
  userText(id: string): string {
    const user = this.user(id);
    return user === undefined ? `user ${id}` : `user ${user.userName}`;
  }
  group(id: string) {
    return this.snapshot.groups.find((g) => g.id === id);
  }
  groupText(id: string): string {
    const group = this.group(id);
    return group === undefined ? `group ${id}` : `group ${group.displayName}`;
  }
  get w(): EmulatorWorld {
    return this.world;
  }
}

/**
 * Puts an account under `parentId` (the root when absent): creates it if the organization does not
 * hold it yet, moves it otherwise. A new account is named `account-<id>`, since events mask names
 * (Control Tower's lifecycle events are the exception and pass theirs).
 */
const placeAccount = (org: Org, accountId: string, parentId: string | undefined, name?: string): EffectDescription => {
  const target = parentId ?? org.rootId;
  const existing = org.account(accountId);
  if (!org.hasParent(target)) {
    return unchanged(
      `${target} is not a root or OU of this organization, so ${org.accountText(accountId)} stays as it is`,
    );
  }
  if (existing === undefined) {
    const named = name !== undefined && !MASKED.test(name) ? name : `account-${accountId}`;
    org.w.createAccount({ id: accountId, name: named, email: `${named}@example.invalid`, parentId: target });
    return changed(`account ${accountId} (${named}) created in ${org.where(target)}`);
  }
  if (parentId === undefined || existing.parentId === target) {
    return unchanged(`${org.accountText(accountId)} is already in ${org.where(existing.parentId)}`);
  }
  org.w.moveAccount(accountId, target);
  return changed(`${org.accountText(accountId)} moved from ${org.where(existing.parentId)} to ${org.where(target)}`);
};

const setStatus = (org: Org, accountId: string, status: 'PENDING_CLOSURE' | 'SUSPENDED'): EffectDescription => {
  const account = org.account(accountId);
  if (account === undefined) return unchanged(`account ${accountId} is not in the organization`);
  if (account.status === status) return unchanged(`${org.accountText(accountId)} is already ${status}`);
  org.w.setAccountStatus(accountId, status);
  return changed(`${org.accountText(accountId)} is now ${status}`);
};

const removeAccount = (org: Org, accountId: string): EffectDescription => {
  if (org.account(accountId) === undefined) return unchanged(`account ${accountId} is not in the organization`);
  const text = org.accountText(accountId);
  org.w.removeAccount(accountId);
  return changed(`${text} left the organization`);
};

const setUserActive = (org: Org, userId: string, active: boolean): EffectDescription => {
  const user = org.user(userId);
  const verb = active ? 'enable' : 'disable';
  if (user === undefined) return unchanged(`user ${userId} is not in the directory: nothing to ${verb}`);
  if (user.active === active) return unchanged(`${org.userText(userId)} is already ${verb}d`);
  org.w.updateUser(userId, { active });
  return changed(`${org.userText(userId)} ${verb}d`);
};

const deleteUser = (org: Org, userId: string): EffectDescription => {
  if (org.user(userId) === undefined) return unchanged(`user ${userId} is not in the directory (already deleted)`);
  const text = org.userText(userId);
  org.w.deleteUser(userId);
  return changed(`${text} deleted (with its group memberships; its account assignments stay behind)`);
};

const deleteGroup = (org: Org, groupId: string): EffectDescription => {
  if (org.group(groupId) === undefined) return unchanged(`group ${groupId} is not in the directory (already deleted)`);
  const text = org.groupText(groupId);
  org.w.deleteGroup(groupId);
  return changed(`${text} deleted (with its memberships; its account assignments stay behind)`);
};

const membership = (org: Org, groupId: string, userId: string, add: boolean): EffectDescription => {
  if (org.group(groupId) === undefined || org.user(userId) === undefined) {
    return unchanged(`${org.groupText(groupId)} or ${org.userText(userId)} is not in the directory`);
  }
  const member = org.snapshot.groupMemberships.some((m) => m.groupId === groupId && m.userId === userId);
  const pair = `${org.userText(userId)} ${add ? 'added to' : 'removed from'} ${org.groupText(groupId)}`;
  if (member === add) return unchanged(`${pair} already`);
  if (add) org.w.addGroupMember(groupId, userId);
  else org.w.removeGroupMember(groupId, userId);
  return changed(pair);
};

/** A created principal's attributes are masked in every source: the snapshot must hold it. */
const createdPrincipal = (org: Org, kind: 'user' | 'group', id: string | undefined): EffectDescription => {
  if (id === undefined) return unchanged(`no ${kind} id in the event: nothing can be derived from it`);
  const known = kind === 'user' ? org.user(id) !== undefined : org.group(id) !== undefined;
  const text = kind === 'user' ? org.userText(id) : org.groupText(id);
  return unchanged(
    known
      ? `${text} is in the directory; the event masks its attributes`
      : `${kind} ${id} is not in the directory, and the event masks its attributes: nothing can be derived`,
  );
};

const tagResource = (org: Org, record: unknown, add: boolean): EffectDescription | undefined => {
  const accountId = accountIdAt(record, 'requestParameters.resourceId');
  if (accountId === undefined) return undefined;
  if (org.account(accountId) === undefined) return unchanged(`account ${accountId} is not in the organization`);
  if (add) {
    const tags: Record<string, string> = {};
    const listed = at(record, 'requestParameters.tags');
    for (const tag of Array.isArray(listed) ? listed : []) {
      const key = textAt(tag, 'key', 'Key');
      const value = at(tag, 'value') ?? at(tag, 'Value');
      if (key !== undefined && typeof value === 'string') tags[key] = value;
    }
    org.w.tagAccount(accountId, tags);
    return changed(`${org.accountText(accountId)} tagged ${formatTags(tags)}`);
  }
  const listed = at(record, 'requestParameters.tagKeys');
  const keys = (Array.isArray(listed) ? listed : []).filter((k): k is string => typeof k === 'string');
  org.w.untagAccount(accountId, keys);
  return changed(`${org.accountText(accountId)} untagged ${keys.join(', ') || '(no keys)'}`);
};

/** `aws.tag` "Tag Change on Resource": the full current tag map, and the changed keys. */
const tagChange = (org: Org, event: Record<string, unknown>): EffectDescription | undefined => {
  const resources = event.resources;
  const arn = Array.isArray(resources) && typeof resources[0] === 'string' ? resources[0] : '';
  const accountId = ACCOUNT_ARN.exec(arn)?.[1];
  if (accountId === undefined || textAt(event, 'detail.service') !== 'organizations') return undefined;
  if (org.account(accountId) === undefined) return unchanged(`account ${accountId} is not in the organization`);
  const current = at(event, 'detail.tags');
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(isRecord(current) ? current : {})) {
    if (typeof value === 'string') tags[key] = value;
  }
  const changedKeys = at(event, 'detail.changed-tag-keys');
  // A changed key that is missing from the current map was deleted.
  const removed = (Array.isArray(changedKeys) ? changedKeys : []).filter(
    (k): k is string => typeof k === 'string' && !(k in tags),
  );
  org.w.tagAccount(accountId, tags);
  if (removed.length > 0) org.w.untagAccount(accountId, removed);
  const gone = removed.length > 0 ? `, removed ${removed.join(', ')}` : '';
  return changed(`${org.accountText(accountId)} tags are now ${formatTags(tags)}${gone}`);
};

const formatTags = (tags: Record<string, string>): string =>
  Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ') || '(none)';

/** Where Organizations' membership service events may keep the account id (their JSON is unpublished). */
const membershipAccountId = (record: unknown): string | undefined => {
  const direct = accountIdAt(record, 'serviceEventDetails.accountId', 'requestParameters.accountId');
  if (direct !== undefined) return direct;
  const details = at(record, 'serviceEventDetails');
  for (const nested of Object.values(isRecord(details) ? details : {})) {
    const id = accountIdAt(nested, 'accountId');
    if (id !== undefined) return id;
  }
  return accountIdAt(record, 'responseElements.accountId');
};

type Effect = (org: Org, record: Record<string, unknown>) => EffectDescription | undefined;

const ifAccount = (id: string | undefined, run: (id: string) => EffectDescription): EffectDescription | undefined =>
  id === undefined ? undefined : run(id);

const ORGANIZATIONS: ReadonlyMap<string, Effect> = new Map<string, Effect>([
  [
    'CreateAccountResult',
    (org, r) =>
      textAt(r, 'serviceEventDetails.createAccountStatus.state') === 'SUCCEEDED'
        ? ifAccount(accountIdAt(r, 'serviceEventDetails.createAccountStatus.accountId'), (id) =>
            placeAccount(org, id, undefined),
          )
        : undefined,
  ],
  [
    'AccountJoinedOrganization',
    (org, r) => ifAccount(membershipAccountId(r), (id) => placeAccount(org, id, undefined)),
  ],
  [
    'AcceptHandshake',
    (org, r) => {
      const parties = at(r, 'responseElements.handshake.parties');
      const party = (Array.isArray(parties) ? parties : []).find((p) => textAt(p, 'type')?.toUpperCase() === 'ACCOUNT');
      return ifAccount(accountIdAt(party, 'id'), (id) => placeAccount(org, id, undefined));
    },
  ],
  [
    'MoveAccount',
    (org, r) => {
      const destination = textAt(r, 'requestParameters.destinationParentId');
      return ifAccount(accountIdAt(r, 'requestParameters.accountId'), (id) =>
        destination === undefined ? unchanged('the event names no destination') : placeAccount(org, id, destination),
      );
    },
  ],
  ['TagResource', (org, r) => tagResource(org, r, true)],
  ['UntagResource', (org, r) => tagResource(org, r, false)],
  [
    'CloseAccount',
    (org, r) => ifAccount(accountIdAt(r, 'requestParameters.accountId'), (id) => setStatus(org, id, 'PENDING_CLOSURE')),
  ],
  [
    'CloseAccountResult',
    (org, r) =>
      textAt(r, 'serviceEventDetails.closeAccountStatus.state') === 'SUCCEEDED'
        ? ifAccount(accountIdAt(r, 'serviceEventDetails.closeAccountStatus.accountId'), (id) =>
            setStatus(org, id, 'SUSPENDED'),
          )
        : undefined,
  ],
  [
    'RemoveAccountFromOrganization',
    (org, r) => ifAccount(accountIdAt(r, 'requestParameters.accountId'), (id) => removeAccount(org, id)),
  ],
  ['AccountDepartedOrganization', (org, r) => ifAccount(membershipAccountId(r), (id) => removeAccount(org, id))],
]);

const managedAccount =
  (field: string): Effect =>
  (org, r) => {
    const status = at(r, `serviceEventDetails.${field}`);
    if (textAt(status, 'state') !== 'SUCCEEDED') return undefined;
    const ouId = textAt(status, 'organizationalUnit.organizationalUnitId');
    return ifAccount(accountIdAt(status, 'account.accountId'), (id) =>
      ouId === undefined
        ? unchanged('the event names no OU')
        : placeAccount(org, id, ouId, textAt(status, 'account.accountName')),
    );
  };

const CONTROL_TOWER: ReadonlyMap<string, Effect> = new Map([
  ['CreateManagedAccount', managedAccount('createManagedAccountStatus')],
  ['UpdateManagedAccount', managedAccount('updateManagedAccountStatus')],
]);

const userIdOf = (r: unknown): string | undefined => textAt(r, 'requestParameters.userId', 'requestParameters.id');
const groupIdOf = (r: unknown): string | undefined => textAt(r, 'requestParameters.groupId', 'requestParameters.id');
const withId = (id: string | undefined, run: (id: string) => EffectDescription): EffectDescription | undefined =>
  id === undefined ? undefined : run(id);
const memberOf =
  (memberPath: string, add: boolean): Effect =>
  (org, r) => {
    const groupId = textAt(r, 'requestParameters.groupId');
    const userId = textAt(r, memberPath);
    return groupId === undefined || userId === undefined ? undefined : membership(org, groupId, userId, add);
  };

const IDENTITY: ReadonlyMap<string, Effect> = new Map<string, Effect>([
  ['DisableUser', (org, r) => withId(userIdOf(r), (id) => setUserActive(org, id, false))],
  ['EnableUser', (org, r) => withId(userIdOf(r), (id) => setUserActive(org, id, true))],
  ['DeleteUser', (org, r) => withId(userIdOf(r), (id) => deleteUser(org, id))],
  ['DeleteGroup', (org, r) => withId(groupIdOf(r), (id) => deleteGroup(org, id))],
  ['AddMemberToGroup', memberOf('requestParameters.member.memberId', true)],
  ['CreateGroupMembership', memberOf('requestParameters.memberId.userId', true)],
  ['RemoveMemberFromGroup', memberOf('requestParameters.member.memberId', false)],
  [
    'CreateUser',
    (org, r) =>
      createdPrincipal(
        org,
        'user',
        textAt(r, 'responseElements.user.userId', 'responseElements.userId', 'responseElements.id'),
      ),
  ],
  [
    'CreateGroup',
    (org, r) =>
      createdPrincipal(
        org,
        'group',
        textAt(r, 'responseElements.group.groupId', 'responseElements.groupId', 'responseElements.id'),
      ),
  ],
]);

/** The assignment a CreateAccountAssignment or DeleteAccountAssignment call names, if it is well-formed. */
const assignmentOf = (org: Org, r: unknown) => {
  const accountId = accountIdAt(r, 'requestParameters.targetId');
  const permissionSetArn = textAt(r, 'requestParameters.permissionSetArn');
  const principalType = textAt(r, 'requestParameters.principalType');
  const principalId = textAt(r, 'requestParameters.principalId');
  if (accountId === undefined || permissionSetArn === undefined || principalId === undefined) return undefined;
  if (principalType !== 'USER' && principalType !== 'GROUP') return undefined;
  const permissionSet = org.snapshot.permissionSets.find((p) => p.arn === permissionSetArn)?.name ?? permissionSetArn;
  const principal = principalType === 'USER' ? org.userText(principalId) : org.groupText(principalId);
  return {
    assignment: { accountId, permissionSetArn, principalType, principalId } as const,
    text: `${permissionSet} for ${principal} on ${org.accountText(accountId)}`,
  };
};

const ASSIGNMENTS: ReadonlyMap<string, Effect> = new Map<string, Effect>([
  [
    'CreateAccountAssignment',
    (org, r) => {
      const named = assignmentOf(org, r);
      if (named === undefined) return undefined;
      const wanted = named.assignment;
      const same = (a: typeof wanted | Snapshot['assignments'][number]): boolean =>
        a.accountId === wanted.accountId &&
        a.permissionSetArn === wanted.permissionSetArn &&
        a.principalType === wanted.principalType &&
        a.principalId === wanted.principalId;
      if (org.snapshot.assignments.some(same)) {
        return unchanged(`${named.text} was already assigned`);
      }
      if (org.account(named.assignment.accountId) === undefined) return unchanged(`${named.text}: no such account`);
      org.w.createAssignment(named.assignment);
      return changed(`${named.text} assigned by hand`);
    },
  ],
  [
    'DeleteAccountAssignment',
    (org, r) => {
      const named = assignmentOf(org, r);
      if (named === undefined) return undefined;
      return org.w.deleteAssignment(named.assignment)
        ? changed(`${named.text} removed by hand`)
        : unchanged(`${named.text} is already gone`);
    },
  ],
]);

const EFFECTS: ReadonlyMap<string, ReadonlyMap<string, Effect>> = new Map([
  ['sso.amazonaws.com', ASSIGNMENTS],
  ['organizations.amazonaws.com', ORGANIZATIONS],
  ['controltower.amazonaws.com', CONTROL_TOWER],
  ['sso-directory.amazonaws.com', IDENTITY],
  ['identitystore.amazonaws.com', IDENTITY],
  ['identitystore-scim.amazonaws.com', IDENTITY],
]);

/**
 * Applies to the world the change an event reports, derived from its ids, and says what it did.
 * `undefined` when the event reports no change the world models: an SSM rules change (the caller
 * publishes the new documents itself), a failed call (`errorCode`), a failed account creation,
 * a native Identity Store notification, or anything the intake ignores.
 *
 * @example
 * const effect = applyEventEffect(system.world, moveAccountEvent);
 * // { summary: 'account 444455550001 (payments-prod) moved from /Workloads/Prod to /Workloads/Staging', applied: true }
 * await system.deliver(moveAccountEvent);
 */
export const applyEventEffect = (world: EmulatorWorld, event: unknown): EffectDescription | undefined => {
  if (!isRecord(event)) return undefined;
  const source = textAt(event, 'source');
  const detailType = textAt(event, 'detail-type');
  if (source === 'aws.tag' && detailType === 'Tag Change on Resource') return tagChange(new Org(world), event);
  if (detailType !== API_CALL && detailType !== SERVICE_EVENT) return undefined;
  const record = event.detail;
  if (!isRecord(record)) return undefined;
  // A failed call changed nothing.
  if (record.errorCode !== undefined && record.errorCode !== null) return undefined;
  const eventSource =
    textAt(record, 'eventSource') ??
    (source === undefined ? undefined : `${source.replace(/^aws\./, '')}.amazonaws.com`);
  const eventName = textAt(record, 'eventName');
  const effect = eventName === undefined ? undefined : EFFECTS.get(eventSource ?? '')?.get(eventName);
  return effect?.(new Org(world), record);
};

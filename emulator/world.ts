import { randomUUID } from 'node:crypto';
import type { AccountAssignment, AccountStatus } from '../shared/domain/model.js';
import type { Snapshot } from '../shared/domain/snapshot.js';
import { EmulatorWorldError } from './errors.js';
import type { EmulatorWorld } from './types.js';

/**
 * The emulated organization, identity store, Identity Center instance and parameter store: one
 * mutable state that the four services and the in-process world API share.
 */

export type SnapshotUser = Snapshot['users'][number];
export type ParameterTier = 'Standard' | 'Advanced';

export interface OrganizationalUnitRecord {
  readonly id: string;
  name: string;
  parentId: string | null;
}

export interface AccountRecord {
  readonly id: string;
  name: string;
  email: string;
  status: AccountStatus;
  parentId: string;
  tags: Record<string, string>;
  readonly joinedAt: number;
}

export interface PermissionSetRecord {
  readonly arn: string;
  readonly name: string;
  readonly createdAt: number;
}

export interface MembershipRecord {
  readonly membershipId: string;
  readonly groupId: string;
  readonly userId: string;
}

export interface ParameterVersion {
  readonly version: number;
  readonly value: string;
  readonly type: string;
  readonly tier: ParameterTier;
  readonly dataType: string;
  readonly description?: string;
  readonly lastModified: number;
}

/** Standard and advanced parameter value limits (docs/aws-facts.md §3.5). */
export const STANDARD_VALUE_LIMIT = 4096;
export const ADVANCED_VALUE_LIMIT = 8192;

const assignmentKey = (a: AccountAssignment): string =>
  `${a.accountId}|${a.permissionSetArn}|${a.principalType}|${a.principalId}`;

export class WorldState {
  readonly instanceArn: string;
  readonly identityStoreId: string;
  readonly managementAccountId: string;
  readonly rootId: string;
  readonly createdAt: number;
  readonly organizationalUnits = new Map<string, OrganizationalUnitRecord>();
  readonly accounts = new Map<string, AccountRecord>();
  readonly permissionSets = new Map<string, PermissionSetRecord>();
  readonly groups = new Map<string, { readonly id: string; displayName: string }>();
  readonly users = new Map<string, SnapshotUser>();
  readonly memberships = new Map<string, MembershipRecord>();
  readonly parameters = new Map<string, ParameterVersion[]>();
  private readonly assignments = new Map<string, AccountAssignment>();

  constructor(snapshot: Snapshot, now: number) {
    this.createdAt = now;
    this.instanceArn = snapshot.instanceArn;
    this.identityStoreId = snapshot.identityStoreId;
    this.managementAccountId = snapshot.managementAccountId;
    const root = snapshot.organizationalUnits.find((ou) => ou.parentId === null);
    if (root === undefined) throw new EmulatorWorldError('The snapshot has no root (an OU with parentId null)');
    this.rootId = root.id;
    for (const ou of snapshot.organizationalUnits) this.organizationalUnits.set(ou.id, { ...ou });
    for (const a of snapshot.accounts) this.accounts.set(a.id, { ...a, tags: { ...a.tags }, joinedAt: now });
    for (const ps of snapshot.permissionSets) this.permissionSets.set(ps.arn, { ...ps, createdAt: now });
    for (const g of snapshot.groups) this.groups.set(g.id, { ...g });
    for (const u of snapshot.users) this.users.set(u.id, copyUser(u));
    for (const m of snapshot.groupMemberships) this.addMembership(m.groupId, m.userId);
    for (const a of snapshot.assignments) this.addAssignment(a);
  }

  findMembership(groupId: string, userId: string): MembershipRecord | undefined {
    for (const m of this.memberships.values()) if (m.groupId === groupId && m.userId === userId) return m;
    return undefined;
  }

  addMembership(groupId: string, userId: string): MembershipRecord {
    const existing = this.findMembership(groupId, userId);
    if (existing !== undefined) return existing;
    const record = { membershipId: randomUUID(), groupId, userId };
    this.memberships.set(record.membershipId, record);
    return record;
  }

  principalExists(principalType: string, principalId: string): boolean {
    return principalType === 'USER' ? this.users.has(principalId) : this.groups.has(principalId);
  }

  /**
   * Deletes a permission set unless an assignment still uses it: Identity Center refuses to delete
   * a permission set that is assigned (docs/aws-facts.md §3.1). Requests in flight do not hold it;
   * a create among them ends `FAILED` when it lands.
   */
  deletePermissionSet(arn: string): 'deleted' | 'unknown' | 'assigned' {
    if (!this.permissionSets.has(arn)) return 'unknown';
    for (const a of this.assignments.values()) if (a.permissionSetArn === arn) return 'assigned';
    this.permissionSets.delete(arn);
    return 'deleted';
  }

  hasAssignment(a: AccountAssignment): boolean {
    return this.assignments.has(assignmentKey(a));
  }

  addAssignment(a: AccountAssignment): void {
    const { accountId, permissionSetArn, principalType, principalId } = a;
    this.assignments.set(assignmentKey(a), { accountId, permissionSetArn, principalType, principalId });
  }

  removeAssignment(a: AccountAssignment): boolean {
    return this.assignments.delete(assignmentKey(a));
  }

  listAssignments(filter: (a: AccountAssignment) => boolean = () => true): AccountAssignment[] {
    return [...this.assignments.values()].filter(filter);
  }

  /** Appends a parameter version; tier and limits are the caller's to check. */
  putParameterVersion(
    name: string,
    value: string,
    details: { type: string; tier: ParameterTier; dataType?: string; description?: string; now: number },
  ): ParameterVersion {
    const versions = this.parameters.get(name) ?? [];
    const previous = versions.at(-1);
    const description = details.description ?? previous?.description;
    const version: ParameterVersion = {
      version: (previous?.version ?? 0) + 1,
      value,
      type: details.type,
      tier: details.tier,
      dataType: details.dataType ?? previous?.dataType ?? 'text',
      ...(description === undefined ? {} : { description }),
      lastModified: details.now,
    };
    this.parameters.set(name, [...versions, version]);
    return version;
  }

  toSnapshot(): Snapshot {
    return {
      instanceArn: this.instanceArn,
      identityStoreId: this.identityStoreId,
      managementAccountId: this.managementAccountId,
      organizationalUnits: [...this.organizationalUnits.values()].map((ou) => ({ ...ou })),
      accounts: [...this.accounts.values()].map(({ joinedAt: _joinedAt, ...a }) => ({ ...a, tags: { ...a.tags } })),
      permissionSets: [...this.permissionSets.values()].map(({ arn, name }) => ({ arn, name })),
      groups: [...this.groups.values()].map((g) => ({ ...g })),
      users: [...this.users.values()].map(copyUser),
      groupMemberships: [...this.memberships.values()].map(({ groupId, userId }) => ({ groupId, userId })),
      assignments: this.listAssignments(),
    };
  }
}

const copyUser = (user: SnapshotUser): SnapshotUser => {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(user)) {
    if (value !== undefined) copy[key] = Array.isArray(value) ? [...value] : value;
  }
  return copy as SnapshotUser;
};

/**
 * The in-process world API. `beforeRead` lets due assignment requests land first, so that an
 * export never shows a request that has already completed in emulated time as missing.
 */
export const createWorldApi = (
  state: WorldState,
  hooks: { readonly now: () => number; readonly beforeRead: () => void },
  options: { readonly departedAccountAssignments?: 'deleted' | 'kept' } = {},
): EmulatorWorld => {
  const account = (accountId: string): AccountRecord => {
    const record = state.accounts.get(accountId);
    if (record === undefined) throw new EmulatorWorldError(`Unknown account ${accountId}`);
    return record;
  };
  const parent = (parentId: string): string => {
    if (!state.organizationalUnits.has(parentId)) throw new EmulatorWorldError(`Unknown root or OU ${parentId}`);
    return parentId;
  };
  const user = (userId: string): SnapshotUser => {
    const record = state.users.get(userId);
    if (record === undefined) throw new EmulatorWorldError(`Unknown user ${userId}`);
    return record;
  };
  const group = (groupId: string) => {
    const record = state.groups.get(groupId);
    if (record === undefined) throw new EmulatorWorldError(`Unknown group ${groupId}`);
    return record;
  };
  const dropMemberships = (match: (m: MembershipRecord) => boolean): void => {
    for (const m of [...state.memberships.values()]) if (match(m)) state.memberships.delete(m.membershipId);
  };

  return {
    exportSnapshot: () => {
      hooks.beforeRead();
      return state.toSnapshot();
    },
    createAccount: ({ id, name, email, parentId, tags }) => {
      if (!/^\d{12}$/.test(id)) throw new EmulatorWorldError(`Account id must be 12 digits, got ${id}`);
      if (state.accounts.has(id)) throw new EmulatorWorldError(`Account ${id} already exists`);
      state.accounts.set(id, {
        id,
        name,
        email,
        status: 'ACTIVE',
        parentId: parent(parentId ?? state.rootId),
        tags: { ...tags },
        joinedAt: hooks.now(),
      });
    },
    moveAccount: (accountId, destinationParentId) => {
      account(accountId).parentId = parent(destinationParentId);
    },
    setAccountStatus: (accountId, status) => {
      account(accountId).status = status;
    },
    removeAccount: (accountId) => {
      account(accountId);
      state.accounts.delete(accountId);
      // What AWS does with them is not settled (docs/aws-facts.md §3.6): by default they go with the
      // account, as AWS's account-migration guidance says; `kept` models the reports of lingering ones.
      if (options.departedAccountAssignments === 'kept') return;
      for (const a of state.listAssignments((x) => x.accountId === accountId)) state.removeAssignment(a);
    },
    tagAccount: (accountId, tags) => {
      Object.assign(account(accountId).tags, tags);
    },
    untagAccount: (accountId, keys) => {
      const record = account(accountId);
      for (const key of keys) delete record.tags[key];
    },
    createUser: (newUser) => {
      if (state.users.has(newUser.id)) throw new EmulatorWorldError(`User ${newUser.id} already exists`);
      state.users.set(newUser.id, copyUser({ ...newUser, active: newUser.active ?? true }));
    },
    updateUser: (userId, changes) => {
      const merged: Record<string, unknown> = { ...user(userId) };
      for (const [key, value] of Object.entries(changes)) {
        if (value === undefined) delete merged[key];
        else merged[key] = value;
      }
      state.users.set(userId, copyUser({ ...(merged as SnapshotUser), id: userId }));
    },
    deleteUser: (userId) => {
      user(userId);
      state.users.delete(userId);
      // Identity Store drops a deleted user's memberships; account assignments stay behind, orphaned.
      dropMemberships((m) => m.userId === userId);
    },
    createGroup: ({ id, displayName }) => {
      if (state.groups.has(id)) throw new EmulatorWorldError(`Group ${id} already exists`);
      state.groups.set(id, { id, displayName });
    },
    deleteGroup: (groupId) => {
      group(groupId);
      state.groups.delete(groupId);
      dropMemberships((m) => m.groupId === groupId);
    },
    addGroupMember: (groupId, userId) => {
      group(groupId);
      user(userId);
      state.addMembership(groupId, userId);
    },
    removeGroupMember: (groupId, userId) => {
      const m = state.findMembership(groupId, userId);
      if (m !== undefined) state.memberships.delete(m.membershipId);
    },
    createAssignment: (a) => {
      account(a.accountId);
      if (!state.principalExists(a.principalType, a.principalId)) {
        throw new EmulatorWorldError(`Unknown ${a.principalType.toLowerCase()} ${a.principalId}`);
      }
      state.addAssignment(a);
    },
    deleteAssignment: (a) => state.removeAssignment(a),
    deletePermissionSet: (permissionSetArn) => {
      hooks.beforeRead();
      const result = state.deletePermissionSet(permissionSetArn);
      if (result === 'unknown') throw new EmulatorWorldError(`Unknown permission set ${permissionSetArn}`);
      if (result === 'assigned') {
        throw new EmulatorWorldError(
          `Permission set ${permissionSetArn} is still assigned; remove its assignments first`,
        );
      }
    },
    putParameter: (name, value) => {
      const previous = state.parameters.get(name)?.at(-1);
      if (value.length > ADVANCED_VALUE_LIMIT) {
        throw new EmulatorWorldError(`Parameter ${name} is longer than ${ADVANCED_VALUE_LIMIT} characters`);
      }
      const tier: ParameterTier =
        previous?.tier === 'Advanced' || value.length > STANDARD_VALUE_LIMIT ? 'Advanced' : 'Standard';
      state.putParameterVersion(name, value, { type: previous?.type ?? 'String', tier, now: hooks.now() });
    },
    deleteParameter: (name) => {
      if (!state.parameters.delete(name)) throw new EmulatorWorldError(`Unknown parameter ${name}`);
    },
  };
};

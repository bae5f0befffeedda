import { AssignmentOperationError, PrincipalListingUnavailableError } from '../../../shared/domain/errors.js';
import {
  type Account,
  type AccountAssignment,
  type AccountStatus,
  assignmentKey,
  type Group,
  type GroupMembership,
  type OrganizationalUnit,
  type PermissionSet,
  type PrincipalType,
  type User,
} from '../../../shared/domain/model.js';
import type { IdentityStorePort, OrganizationsPort, SsoAdminPort } from '../../../shared/domain/ports.js';

type MutableAccount = { -readonly [K in keyof Omit<Account, 'tags'>]: Account[K] } & { tags: Record<string, string> };

/** The state the fake holds: the snapshot format of docs/design.md §6, with membership ids. */
export interface OrganizationState {
  managementAccountId: string;
  organizationalUnits: OrganizationalUnit[];
  accounts: MutableAccount[];
  permissionSets: PermissionSet[];
  groups: Group[];
  users: User[];
  groupMemberships: (GroupMembership & { membershipId: string })[];
  assignments: AccountAssignment[];
}

export type OrganizationSeed = Partial<Omit<OrganizationState, 'accounts' | 'groupMemberships'>> & {
  accounts?: (Omit<Account, 'tags'> & { tags?: Record<string, string> })[];
  groupMemberships?: GroupMembership[];
};

type PortMethod = keyof OrganizationsPort | keyof IdentityStorePort | keyof SsoAdminPort;

export interface RecordedCall {
  readonly method: PortMethod;
  readonly args: readonly unknown[];
}

interface Fault {
  readonly method: PortMethod;
  readonly error: Error;
  readonly match: (args: readonly unknown[]) => boolean;
  remaining: number;
}

/**
 * One in-memory organization behind the three directory ports (Organizations, Identity Store,
 * SSO Admin), sharing one state, so that a reconcile can be run and its end state inspected.
 *
 * Switches: {@link failOn} makes calls fail, {@link principalListingUnavailable} answers as a
 * delegated administrator does, {@link beforeNext} runs a change of the world just before a call
 * (to race a reconcile), and {@link calls} records every call.
 *
 * Semantics follow the ports: lookups of missing things return `undefined`; creating an
 * assignment that exists, or deleting one that is gone, succeeds; creating one for a principal,
 * account or permission set that does not exist fails as Identity Center's request status does.
 */
export class InMemoryOrganization implements OrganizationsPort, IdentityStorePort, SsoAdminPort {
  readonly state: OrganizationState;
  readonly calls: RecordedCall[] = [];
  principalListingUnavailable = false;
  /** Identity Center keeps assignments of a principal deleted outside it (AD, SCIM); so can the fake. */
  keepAssignmentsOfDeletedPrincipals = true;
  #faults: Fault[] = [];
  #hooks: { method: PortMethod; run: () => void }[] = [];
  #nextMembershipId = 1;

  constructor(seed: OrganizationSeed = {}) {
    this.state = {
      managementAccountId: seed.managementAccountId ?? '111111111111',
      organizationalUnits: [...(seed.organizationalUnits ?? [{ id: 'r-root', name: 'Root', parentId: null }])],
      accounts: (seed.accounts ?? []).map((a) => ({ ...a, tags: { ...(a.tags ?? {}) } })),
      permissionSets: [...(seed.permissionSets ?? [])],
      groups: [...(seed.groups ?? [])],
      users: [...(seed.users ?? [])],
      groupMemberships: (seed.groupMemberships ?? []).map((m) => ({
        ...m,
        membershipId: m.membershipId ?? this.#membershipId(),
      })),
      assignments: [...(seed.assignments ?? [])],
    };
  }

  // ---- switches --------------------------------------------------------------------------

  /** The next `times` calls of `method` (matching `match`, when given) throw `error`. */
  failOn(
    method: PortMethod,
    error: Error,
    options: { readonly times?: number; readonly match?: (args: readonly unknown[]) => boolean } = {},
  ): this {
    this.#faults.push({ method, error, match: options.match ?? (() => true), remaining: options.times ?? Infinity });
    return this;
  }

  /** Runs `change` once, just before the next call of `method` is served. */
  beforeNext(method: PortMethod, change: () => void): this {
    this.#hooks.push({ method, run: change });
    return this;
  }

  callsOf(method: PortMethod): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  writeCalls(): RecordedCall[] {
    const writes: PortMethod[] = [
      'createAccountAssignment',
      'deleteAccountAssignment',
      'createGroupMembership',
      'deleteGroupMembership',
    ];
    return this.calls.filter((c) => writes.includes(c.method));
  }

  // ---- changes of the world (what people and AWS do between events) ----------------------

  createAccount(account: { id: string; name?: string; parentId?: string; tags?: Record<string, string> }): void {
    const root = this.state.organizationalUnits.find((o) => o.parentId === null);
    this.state.accounts.push({
      id: account.id,
      name: account.name ?? `account-${account.id}`,
      email: `${account.id}@example.com`,
      status: 'ACTIVE',
      parentId: account.parentId ?? root?.id ?? 'r-root',
      tags: { ...(account.tags ?? {}) },
    });
  }

  moveAccount(accountId: string, parentId: string): void {
    this.#account(accountId).parentId = parentId;
  }

  setAccountStatus(accountId: string, status: AccountStatus): void {
    this.#account(accountId).status = status;
  }

  tagAccount(accountId: string, tags: Record<string, string>): void {
    Object.assign(this.#account(accountId).tags, tags);
  }

  removeAccount(accountId: string): void {
    this.state.accounts = this.state.accounts.filter((a) => a.id !== accountId);
  }

  createUser(user: User): void {
    this.state.users.push(user);
  }

  updateUser(userId: string, changes: Partial<Omit<User, 'id'>>): void {
    this.state.users = this.state.users.map((u) => (u.id === userId ? { ...u, ...changes } : u));
  }

  deleteUser(userId: string): void {
    this.state.users = this.state.users.filter((u) => u.id !== userId);
    this.state.groupMemberships = this.state.groupMemberships.filter((m) => m.userId !== userId);
    if (!this.keepAssignmentsOfDeletedPrincipals) this.#dropAssignmentsOf('USER', userId);
  }

  createGroup(group: Group): void {
    this.state.groups.push(group);
  }

  deleteGroup(groupId: string): void {
    this.state.groups = this.state.groups.filter((g) => g.id !== groupId);
    this.state.groupMemberships = this.state.groupMemberships.filter((m) => m.groupId !== groupId);
    if (!this.keepAssignmentsOfDeletedPrincipals) this.#dropAssignmentsOf('GROUP', groupId);
  }

  /**
   * Deletes a permission set as an administrator can: Identity Center refuses to delete one that
   * is still assigned (docs/aws-facts.md §3.1), so its assignments go first.
   */
  deletePermissionSet(permissionSetArn: string): void {
    this.state.assignments = this.state.assignments.filter((a) => a.permissionSetArn !== permissionSetArn);
    this.state.permissionSets = this.state.permissionSets.filter((p) => p.arn !== permissionSetArn);
  }

  addGroupMember(groupId: string, userId: string): void {
    if (!this.#isMember(groupId, userId)) {
      this.state.groupMemberships.push({ groupId, userId, membershipId: this.#membershipId() });
    }
  }

  assignmentsOf(principalId: string): AccountAssignment[] {
    return this.state.assignments.filter((a) => a.principalId === principalId);
  }

  assignmentsOn(accountId: string): AccountAssignment[] {
    return this.state.assignments.filter((a) => a.accountId === accountId);
  }

  membersOf(groupId: string): string[] {
    return this.state.groupMemberships.filter((m) => m.groupId === groupId).map((m) => m.userId);
  }

  // ---- OrganizationsPort -----------------------------------------------------------------

  async listOrganizationalUnits(): Promise<OrganizationalUnit[]> {
    this.#enter('listOrganizationalUnits', []);
    return this.state.organizationalUnits.map((o) => ({ ...o }));
  }

  async listAccounts(options: { readonly withTags: boolean }): Promise<Account[]> {
    this.#enter('listAccounts', [options]);
    return this.state.accounts.map((a) => this.#toAccount(a, options.withTags));
  }

  async describeAccount(accountId: string, options: { readonly withTags: boolean }): Promise<Account | undefined> {
    this.#enter('describeAccount', [accountId, options]);
    const account = this.state.accounts.find((a) => a.id === accountId);
    return account === undefined ? undefined : this.#toAccount(account, options.withTags);
  }

  async listAccountTags(accountId: string): Promise<Record<string, string> | undefined> {
    this.#enter('listAccountTags', [accountId]);
    const account = this.state.accounts.find((a) => a.id === accountId);
    return account === undefined ? undefined : { ...account.tags };
  }

  // ---- IdentityStorePort -----------------------------------------------------------------

  async getGroupIdByDisplayName(displayName: string): Promise<string | undefined> {
    this.#enter('getGroupIdByDisplayName', [displayName]);
    return this.state.groups.find((g) => g.displayName === displayName)?.id;
  }

  async getUserIdByUserName(userName: string): Promise<string | undefined> {
    this.#enter('getUserIdByUserName', [userName]);
    return this.state.users.find((u) => u.userName === userName)?.id;
  }

  async describeGroup(groupId: string): Promise<Group | undefined> {
    this.#enter('describeGroup', [groupId]);
    const group = this.state.groups.find((g) => g.id === groupId);
    return group === undefined ? undefined : { ...group };
  }

  async describeUser(userId: string): Promise<User | undefined> {
    this.#enter('describeUser', [userId]);
    const user = this.state.users.find((u) => u.id === userId);
    return user === undefined ? undefined : { ...user };
  }

  async listUsers(): Promise<User[]> {
    this.#enter('listUsers', []);
    return this.state.users.map((u) => ({ ...u }));
  }

  async listGroups(): Promise<Group[]> {
    this.#enter('listGroups', []);
    return this.state.groups.map((g) => ({ ...g }));
  }

  async listGroupMembershipsForMember(userId: string): Promise<GroupMembership[]> {
    this.#enter('listGroupMembershipsForMember', [userId]);
    return this.state.groupMemberships.filter((m) => m.userId === userId).map((m) => ({ ...m }));
  }

  async listGroupMemberships(groupId: string): Promise<GroupMembership[]> {
    this.#enter('listGroupMemberships', [groupId]);
    return this.state.groupMemberships.filter((m) => m.groupId === groupId).map((m) => ({ ...m }));
  }

  async createGroupMembership(groupId: string, userId: string): Promise<void> {
    this.#enter('createGroupMembership', [groupId, userId]);
    if (!this.state.groups.some((g) => g.id === groupId)) throw new FakeNotFoundError(`group ${groupId}`);
    if (!this.state.users.some((u) => u.id === userId)) throw new FakeNotFoundError(`user ${userId}`);
    this.addGroupMember(groupId, userId);
  }

  async deleteGroupMembership(membershipId: string): Promise<void> {
    this.#enter('deleteGroupMembership', [membershipId]);
    this.state.groupMemberships = this.state.groupMemberships.filter((m) => m.membershipId !== membershipId);
  }

  // ---- SsoAdminPort ----------------------------------------------------------------------

  async listPermissionSets(): Promise<PermissionSet[]> {
    this.#enter('listPermissionSets', []);
    return this.state.permissionSets.map((p) => ({ ...p }));
  }

  async describePermissionSet(permissionSetArn: string): Promise<PermissionSet | undefined> {
    this.#enter('describePermissionSet', [permissionSetArn]);
    const found = this.state.permissionSets.find((p) => p.arn === permissionSetArn);
    return found === undefined ? undefined : { ...found };
  }

  async listAccountAssignments(
    accountId: string,
    options?: { readonly permissionSetArns?: readonly string[]; readonly likelyProvisioned?: readonly string[] },
  ): Promise<AccountAssignment[]> {
    this.#enter('listAccountAssignments', options === undefined ? [accountId] : [accountId, options]);
    const only = options?.permissionSetArns === undefined ? undefined : new Set(options.permissionSetArns);
    return this.assignmentsOn(accountId)
      .filter((a) => only === undefined || only.has(a.permissionSetArn))
      .map((a) => ({ ...a }));
  }

  async listAccountAssignmentsForPrincipal(
    principalType: PrincipalType,
    principalId: string,
  ): Promise<AccountAssignment[]> {
    this.#enter('listAccountAssignmentsForPrincipal', [principalType, principalId]);
    if (this.principalListingUnavailable) throw new PrincipalListingUnavailableError();
    return this.state.assignments
      .filter((a) => a.principalType === principalType && a.principalId === principalId)
      .map((a) => ({ ...a }));
  }

  async createAccountAssignment(assignment: AccountAssignment): Promise<void> {
    this.#enter('createAccountAssignment', [assignment]);
    const principalExists =
      assignment.principalType === 'USER'
        ? this.state.users.some((u) => u.id === assignment.principalId)
        : this.state.groups.some((g) => g.id === assignment.principalId);
    if (!principalExists) throw new AssignmentOperationError('create', 'the principal does not exist');
    if (!this.state.accounts.some((a) => a.id === assignment.accountId)) {
      throw new AssignmentOperationError('create', 'the account is not in the organization');
    }
    if (!this.state.permissionSets.some((p) => p.arn === assignment.permissionSetArn)) {
      throw new AssignmentOperationError('create', 'the permission set does not exist');
    }
    const key = assignmentKey(assignment);
    if (!this.state.assignments.some((a) => assignmentKey(a) === key)) this.state.assignments.push({ ...assignment });
  }

  async deleteAccountAssignment(assignment: AccountAssignment): Promise<void> {
    this.#enter('deleteAccountAssignment', [assignment]);
    const key = assignmentKey(assignment);
    this.state.assignments = this.state.assignments.filter((a) => assignmentKey(a) !== key);
  }

  // ---- internals -------------------------------------------------------------------------

  #enter(method: PortMethod, args: readonly unknown[]): void {
    this.calls.push({ method, args });
    const hook = this.#hooks.findIndex((h) => h.method === method);
    if (hook >= 0) {
      const [removed] = this.#hooks.splice(hook, 1);
      removed?.run();
    }
    const fault = this.#faults.find((f) => f.method === method && f.remaining > 0 && f.match(args));
    if (fault !== undefined) {
      fault.remaining -= 1;
      throw fault.error;
    }
  }

  #account(accountId: string): MutableAccount {
    const account = this.state.accounts.find((a) => a.id === accountId);
    if (account === undefined) throw new Error(`fake: no account ${accountId}`);
    return account;
  }

  #toAccount(account: OrganizationState['accounts'][number], withTags: boolean): Account {
    const { tags, ...rest } = account;
    return withTags ? { ...rest, tags: { ...tags } } : { ...rest };
  }

  #isMember(groupId: string, userId: string): boolean {
    return this.state.groupMemberships.some((m) => m.groupId === groupId && m.userId === userId);
  }

  #membershipId(): string {
    const id = `m-${String(this.#nextMembershipId).padStart(4, '0')}`;
    this.#nextMembershipId += 1;
    return id;
  }

  #dropAssignmentsOf(principalType: PrincipalType, principalId: string): void {
    this.state.assignments = this.state.assignments.filter(
      (a) => !(a.principalType === principalType && a.principalId === principalId),
    );
  }
}

/** What the fake throws for a write about a group or user that does not exist. */
export class FakeNotFoundError extends Error {
  constructor(what: string) {
    super(`fake: ${what} does not exist`);
    this.name = 'FakeNotFoundError';
  }
}

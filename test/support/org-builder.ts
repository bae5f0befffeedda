import type {
  Account,
  AccountAssignment,
  AccountStatus,
  Group,
  GroupMembership,
  OrganizationalUnit,
  OrganizationView,
  PermissionSet,
  PrincipalType,
  User,
} from '../../shared/domain/model.js';
import type { AssignmentRule, MembershipRule, RuleSet, Settings, Targets } from '../../shared/domain/rules/schema.js';
import type { Snapshot } from '../../shared/domain/snapshot.js';

/**
 * A fluent builder of organization fixtures for tests: OUs by path, accounts, permission sets,
 * groups, users, memberships and assignments by name, with stable ids you can ask back for.
 *
 * @example
 * const org = orgBuilder()
 *   .account('222233334444', { ou: '/Workloads/Prod', tags: { env: 'prod' } })
 *   .permissionSet('ReadOnlyAccess')
 *   .group('Platform Admins')
 *   .user('alice@example.com', { title: 'SRE' })
 *   .assign('222233334444', 'ReadOnlyAccess', { group: 'Platform Admins' });
 * plan({ ruleSet, view: org.view(), actualAssignments: org.assignments(), actualMemberships: org.memberships() });
 */
export class OrgBuilder {
  static readonly ROOT_ID = 'r-ab12';
  static readonly INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-0123456789abcdef';
  static readonly IDENTITY_STORE_ID = 'd-0123456789';

  private managementAccountId = '111111111111';
  private readonly ous: OrganizationalUnit[] = [{ id: OrgBuilder.ROOT_ID, name: 'Root', parentId: null }];
  private readonly ouIdByPath = new Map<string, string>([['/', OrgBuilder.ROOT_ID]]);
  private readonly accounts: Account[] = [];
  private readonly permissionSets: PermissionSet[] = [];
  private readonly groups: Group[] = [];
  private readonly users: User[] = [];
  private readonly groupMemberships: GroupMembership[] = [];
  private readonly actualAssignments: AccountAssignment[] = [];

  /** Adds an OU (and any missing ancestor) by path; returns the builder. */
  ou(path: string): this {
    this.ensureOu(path);
    return this;
  }

  /**
   * Adds an account under `ou` (a path, default the root). `tags: 'unread'` models a view built
   * without reading tags; the default is read and empty.
   */
  account(
    id: string,
    options: {
      readonly ou?: string;
      readonly name?: string;
      readonly status?: AccountStatus;
      readonly tags?: Readonly<Record<string, string>> | 'unread';
    } = {},
  ): this {
    const tags = options.tags === 'unread' ? undefined : (options.tags ?? {});
    this.accounts.push({
      id,
      name: options.name ?? `account-${id}`,
      email: `aws+${id}@example.com`,
      status: options.status ?? 'ACTIVE',
      parentId: this.ensureOu(options.ou ?? '/'),
      ...(tags === undefined ? {} : { tags }),
    });
    return this;
  }

  /** Adds the management account (under the root unless `ou` says otherwise) and marks it as such. */
  managementAccount(id: string, options: { readonly ou?: string } = {}): this {
    this.managementAccountId = id;
    return this.account(id, { ...options, name: 'management' });
  }

  permissionSet(name: string): this {
    const n = (this.permissionSets.length + 1).toString(16).padStart(16, '0');
    this.permissionSets.push({ arn: `${OrgBuilder.INSTANCE_ARN.replace('instance', 'permissionSet')}/ps-${n}`, name });
    return this;
  }

  group(displayName: string): this {
    this.groups.push({ id: `group-${this.groups.length + 1}`, displayName });
    return this;
  }

  user(userName: string, attributes: Partial<Omit<User, 'id' | 'userName'>> = {}): this {
    this.users.push({ id: `user-${this.users.length + 1}`, userName, active: true, ...attributes });
    return this;
  }

  member(groupName: string, userName: string): this {
    this.groupMemberships.push({ groupId: this.groupId(groupName), userId: this.userId(userName) });
    return this;
  }

  /** Records an existing assignment; a principal can be named, or given by id (e.g. a deleted one). */
  assign(
    accountId: string,
    permissionSetName: string,
    principal:
      | { readonly group: string }
      | { readonly user: string }
      | { readonly principalType: PrincipalType; readonly principalId: string },
  ): this {
    this.actualAssignments.push({
      accountId,
      permissionSetArn: this.permissionSetArn(permissionSetName),
      ...this.principalOf(principal),
    });
    return this;
  }

  ouId(path: string): string {
    return this.found(this.ouIdByPath.get(path), `OU ${path}`);
  }

  permissionSetArn(name: string): string {
    return this.found(this.permissionSets.find((p) => p.name === name)?.arn, `permission set ${name}`);
  }

  groupId(displayName: string): string {
    return this.found(this.groups.find((g) => g.displayName === displayName)?.id, `group ${displayName}`);
  }

  userId(userName: string): string {
    return this.found(this.users.find((u) => u.userName === userName)?.id, `user ${userName}`);
  }

  /** The assignment key fields for a named principal, for building expectations. */
  assignment(
    accountId: string,
    permissionSetName: string,
    principal: { readonly group: string } | { readonly user: string },
  ): AccountAssignment {
    return { accountId, permissionSetArn: this.permissionSetArn(permissionSetName), ...this.principalOf(principal) };
  }

  view(): OrganizationView {
    return {
      managementAccountId: this.managementAccountId,
      organizationalUnits: [...this.ous],
      accounts: [...this.accounts],
      permissionSets: [...this.permissionSets],
      groups: [...this.groups],
      users: [...this.users],
      groupMemberships: [...this.groupMemberships],
    };
  }

  assignments(): AccountAssignment[] {
    return [...this.actualAssignments];
  }

  memberships(): GroupMembership[] {
    return [...this.groupMemberships];
  }

  snapshot(): Snapshot {
    return {
      instanceArn: OrgBuilder.INSTANCE_ARN,
      identityStoreId: OrgBuilder.IDENTITY_STORE_ID,
      managementAccountId: this.managementAccountId,
      organizationalUnits: [...this.ous],
      accounts: this.accounts.map((a) => ({ ...a, tags: { ...(a.tags ?? {}) } })),
      permissionSets: [...this.permissionSets],
      groups: [...this.groups],
      users: this.users.map(({ emails, ...u }) => ({ ...u, ...(emails === undefined ? {} : { emails: [...emails] }) })),
      groupMemberships: [...this.groupMemberships],
      assignments: [...this.actualAssignments],
    };
  }

  private principalOf(
    principal:
      | { readonly group: string }
      | { readonly user: string }
      | { readonly principalType: PrincipalType; readonly principalId: string },
  ): { principalType: PrincipalType; principalId: string } {
    if ('group' in principal) return { principalType: 'GROUP', principalId: this.groupId(principal.group) };
    if ('user' in principal) return { principalType: 'USER', principalId: this.userId(principal.user) };
    return { principalType: principal.principalType, principalId: principal.principalId };
  }

  private ensureOu(path: string): string {
    const known = this.ouIdByPath.get(path);
    if (known !== undefined) return known;
    const cut = path.lastIndexOf('/');
    const parentPath = cut <= 0 ? '/' : path.slice(0, cut);
    const parentId = this.ensureOu(parentPath);
    const id = `ou-ab12-${this.ous.length.toString(16).padStart(8, '0')}`;
    this.ous.push({ id, name: path.slice(cut + 1), parentId });
    this.ouIdByPath.set(path, id);
    return id;
  }

  private found<T>(value: T | undefined, what: string): T {
    if (value === undefined) throw new Error(`OrgBuilder: unknown ${what}`);
    return value;
  }
}

export const orgBuilder = (): OrgBuilder => new OrgBuilder();

/** Settings as tests write them: any subset, nested objects included. */
export interface SettingsOverrides {
  readonly managedPermissionSets?: Settings['managedPermissionSets'];
  readonly protected?: Partial<Settings['protected']>;
  readonly revocationGuard?: Partial<Settings['revocationGuard']>;
  readonly mode?: Settings['mode'];
  readonly offboarding?: Partial<Settings['offboarding']>;
  readonly includeManagementAccount?: boolean;
}

/** An assignment rule with `targets` optional (every account). */
export type AssignmentRuleInput = Omit<AssignmentRule, 'targets'> & { readonly targets?: Targets };
/** A membership rule with `policy` optional (additive). */
export type MembershipRuleInput = Omit<MembershipRule, 'policy'> & { readonly policy?: MembershipRule['policy'] };

/** The settings every rule set gets when a document says nothing (the schema's defaults). */
export const defaultSettings = (overrides: SettingsOverrides = {}): Settings => ({
  managedPermissionSets: overrides.managedPermissionSets,
  protected: {
    permissionSets: overrides.protected?.permissionSets ?? [],
    principals: overrides.protected?.principals ?? [],
    accounts: overrides.protected?.accounts ?? [],
  },
  revocationGuard: {
    maxPerRun: overrides.revocationGuard?.maxPerRun ?? 100,
    ...(overrides.revocationGuard?.maxFraction === undefined
      ? {}
      : { maxFraction: overrides.revocationGuard.maxFraction }),
  },
  mode: overrides.mode ?? 'enforce',
  offboarding: {
    onUserDisabled: overrides.offboarding?.onUserDisabled ?? true,
    removeGroupMemberships: overrides.offboarding?.removeGroupMemberships ?? true,
  },
  includeManagementAccount: overrides.includeManagementAccount ?? false,
});

/**
 * A validated-looking {@link RuleSet} built directly, without the YAML loader.
 *
 * @example
 * ruleSetOf({ assignments: [{ id: 'r1', principals: [{ group: 'Ops' }], permissionSets: ['ReadOnlyAccess'] }] })
 */
export const ruleSetOf = (input: {
  readonly settings?: SettingsOverrides;
  readonly assignments?: readonly AssignmentRuleInput[];
  readonly memberships?: readonly MembershipRuleInput[];
}): RuleSet => {
  const assignments: AssignmentRule[] = (input.assignments ?? []).map((r) => ({ ...r, targets: r.targets ?? {} }));
  const memberships: MembershipRule[] = (input.memberships ?? []).map((r) => ({
    ...r,
    policy: r.policy ?? 'additive',
  }));
  const sources: Record<string, string> = {};
  for (const r of [...assignments, ...memberships]) sources[r.id] = 'test.yaml';
  return { settings: defaultSettings(input.settings), assignments, memberships, sources };
};

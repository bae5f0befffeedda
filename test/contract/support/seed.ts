import { parseSnapshot, type Snapshot } from '../../../shared/domain/snapshot.js';

/**
 * The organization the contract suite seeds the emulator with: nested OUs, more accounts than the
 * ten outstanding creates, tags, a suspended account, every user attribute the model reads, a
 * disabled user, and assignments of both principal types.
 */

export const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-c0417ac7c0417ac7';
export const IDENTITY_STORE_ID = 'd-c0417ac7c0';
export const MANAGEMENT_ACCOUNT = '100000000001';
export const ROOT = 'r-c0a1';
export const WORKLOADS = 'ou-c0a1-10000000';
export const PROD = 'ou-c0a1-20000000';
export const SANDBOX = 'ou-c0a1-30000000';
export const SUSPENDED_OU = 'ou-c0a1-40000000';

const psArn = (n: number) => `arn:aws:sso:::permissionSet/ssoins-c0417ac7c0417ac7/ps-${String(n).padStart(16, '0')}`;
export const ADMIN = psArn(1);
export const READ_ONLY = psArn(2);
export const POWER_USER = psArn(3);

/** Thirty workload accounts: enough to keep more than ten creates waiting at once. */
export const WORKLOAD_ACCOUNTS = Array.from({ length: 30 }, (_, i) => String(200000000000 + i));
export const SANDBOX_ACCOUNT = '300000000001';
export const SUSPENDED_ACCOUNT = '400000000001';

export const ALICE = 'a0000000-0000-4000-8000-000000000001';
export const BOB = 'a0000000-0000-4000-8000-000000000002';
export const CAROL = 'a0000000-0000-4000-8000-000000000003';
export const PLATFORM = 'b0000000-0000-4000-8000-000000000001';
export const DEVELOPERS = 'b0000000-0000-4000-8000-000000000002';
export const AUDITORS = 'b0000000-0000-4000-8000-000000000003';

export const seedSnapshot = (): Snapshot =>
  parseSnapshot(
    {
      instanceArn: INSTANCE_ARN,
      identityStoreId: IDENTITY_STORE_ID,
      managementAccountId: MANAGEMENT_ACCOUNT,
      organizationalUnits: [
        { id: ROOT, name: 'Root', parentId: null },
        { id: WORKLOADS, name: 'Workloads', parentId: ROOT },
        { id: PROD, name: 'Prod', parentId: WORKLOADS },
        { id: SANDBOX, name: 'Sandbox', parentId: WORKLOADS },
        { id: SUSPENDED_OU, name: 'Suspended', parentId: ROOT },
      ],
      accounts: [
        {
          id: MANAGEMENT_ACCOUNT,
          name: 'management',
          email: 'mgmt@example.com',
          status: 'ACTIVE',
          parentId: ROOT,
          tags: {},
        },
        ...WORKLOAD_ACCOUNTS.map((id, i) => ({
          id,
          name: `workload-${i}`,
          email: `workload-${i}@example.com`,
          status: 'ACTIVE',
          parentId: i < 20 ? PROD : WORKLOADS,
          tags: i < 20 ? { env: 'prod', team: i % 2 === 0 ? 'blue' : 'green' } : {},
        })),
        {
          id: SANDBOX_ACCOUNT,
          name: 'sandbox',
          email: 'sandbox@example.com',
          status: 'ACTIVE',
          parentId: SANDBOX,
          tags: { env: 'sandbox' },
        },
        {
          id: SUSPENDED_ACCOUNT,
          name: 'closed',
          email: 'closed@example.com',
          status: 'SUSPENDED',
          parentId: SUSPENDED_OU,
          tags: {},
        },
      ],
      permissionSets: [
        { arn: ADMIN, name: 'AdministratorAccess' },
        { arn: READ_ONLY, name: 'ReadOnlyAccess' },
        { arn: POWER_USER, name: 'PowerUserAccess' },
      ],
      groups: [
        { id: PLATFORM, displayName: 'Platform Admins' },
        { id: DEVELOPERS, displayName: 'Developers' },
        { id: AUDITORS, displayName: 'Auditors' },
      ],
      users: [
        {
          id: ALICE,
          userName: 'alice@example.com',
          displayName: 'Alice',
          active: true,
          emails: ['alice@example.com', 'alice@example.org'],
          title: 'SRE',
          userType: 'Employee',
          department: 'Engineering',
          costCenter: 'CC-100',
          division: 'Platform',
          organization: 'Example Corp',
          employeeNumber: 'E-1',
          locale: 'en-GB',
          preferredLanguage: 'en',
          timezone: 'Europe/London',
        },
        { id: BOB, userName: 'bob@example.com', displayName: 'Bob', active: false, emails: ['bob@example.com'] },
        { id: CAROL, userName: 'carol@example.com', active: true, department: 'Finance' },
      ],
      groupMemberships: [
        { groupId: PLATFORM, userId: ALICE },
        { groupId: DEVELOPERS, userId: ALICE },
        { groupId: DEVELOPERS, userId: BOB },
        { groupId: AUDITORS, userId: CAROL },
      ],
      assignments: [
        { accountId: WORKLOAD_ACCOUNTS[0], permissionSetArn: ADMIN, principalType: 'GROUP', principalId: PLATFORM },
        {
          accountId: WORKLOAD_ACCOUNTS[0],
          permissionSetArn: READ_ONLY,
          principalType: 'GROUP',
          principalId: DEVELOPERS,
        },
        { accountId: WORKLOAD_ACCOUNTS[0], permissionSetArn: READ_ONLY, principalType: 'GROUP', principalId: AUDITORS },
        { accountId: WORKLOAD_ACCOUNTS[0], permissionSetArn: READ_ONLY, principalType: 'USER', principalId: CAROL },
        { accountId: WORKLOAD_ACCOUNTS[0], permissionSetArn: ADMIN, principalType: 'USER', principalId: BOB },
        { accountId: WORKLOAD_ACCOUNTS[1], permissionSetArn: READ_ONLY, principalType: 'USER', principalId: BOB },
        { accountId: SANDBOX_ACCOUNT, permissionSetArn: ADMIN, principalType: 'USER', principalId: ALICE },
        { accountId: SANDBOX_ACCOUNT, permissionSetArn: POWER_USER, principalType: 'USER', principalId: ALICE },
      ],
    },
    'contract seed',
  );

/** Sorts every list of a snapshot so that two snapshots compare regardless of listing order. */
export const canonical = (snapshot: Snapshot): Snapshot => {
  const by =
    <T>(key: (item: T) => string) =>
    (a: T, b: T) =>
      key(a).localeCompare(key(b));
  return {
    ...snapshot,
    organizationalUnits: [...snapshot.organizationalUnits].sort(by((o) => o.id)),
    accounts: [...snapshot.accounts].sort(by((a) => a.id)),
    permissionSets: [...snapshot.permissionSets].sort(by((p) => p.arn)),
    groups: [...snapshot.groups].sort(by((g) => g.id)),
    users: [...snapshot.users]
      .map((u) => (u.emails ? { ...u, emails: [...u.emails].sort() } : u))
      .sort(by((u) => u.id)),
    groupMemberships: [...snapshot.groupMemberships].sort(by((m) => `${m.groupId}|${m.userId}`)),
    assignments: [...snapshot.assignments].sort(
      by((a) => `${a.accountId}|${a.permissionSetArn}|${a.principalType}|${a.principalId}`),
    ),
  };
};

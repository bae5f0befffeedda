import { parseSnapshot, type Snapshot } from '../../../shared/domain/snapshot.js';

/**
 * The organization every resilience scenario starts from: two workload OUs, an unmanaged and a
 * protected assignment that no scenario may ever touch, and rules that grant 14 managed
 * assignments. Kept apart from the other suites' fixtures so that this suite's expectations can
 * be read off one file.
 */

export const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-7223000000000001';
export const IDENTITY_STORE_ID = 'd-90670000a1';
export const MANAGEMENT_ACCOUNT = '111111111111';
export const RULES_PATH = '/idc-lifecycle/rules/';
export const SETTINGS_DOCUMENT = '/idc-lifecycle/rules/settings';
export const WORKLOADS_DOCUMENT = '/idc-lifecycle/rules/workloads';

export const ROOT = 'r-ab12';
export const WORKLOADS_OU = 'ou-ab12-11111111';
export const PROD_OU = 'ou-ab12-22222222';
export const SANDBOX_OU = 'ou-ab12-33333333';

export const PROD_ACCOUNTS = ['222200000001', '222200000002', '222200000003', '222200000004'] as const;
export const SANDBOX_ACCOUNTS = ['333300000001', '333300000002'] as const;
export const [PROD_1, PROD_2] = PROD_ACCOUNTS;

const permissionSetArn = (n: number): string =>
  `arn:aws:sso:::permissionSet/ssoins-7223000000000001/ps-${String(n).padStart(16, '0')}`;
export const ADMIN = permissionSetArn(1);
export const POWER_USER = permissionSetArn(2);
export const READ_ONLY = permissionSetArn(3);
/** Not in `managedPermissionSets`: rules never touch it. */
export const BILLING = permissionSetArn(4);
/** Protected: never granted or revoked by rules. */
export const BREAK_GLASS_ADMIN = permissionSetArn(5);

export const PLATFORM = '94000000-0000-4000-8000-000000000001';
export const DEVELOPERS = '94000000-0000-4000-8000-000000000002';
export const AUDITORS = '94000000-0000-4000-8000-000000000003';
export const BREAK_GLASS = '94000000-0000-4000-8000-000000000004';

export const ALICE = '95000000-0000-4000-8000-000000000001';
export const BOB = '95000000-0000-4000-8000-000000000002';
export const CAROL = '95000000-0000-4000-8000-000000000003';
export const DAVE = '95000000-0000-4000-8000-000000000004';

/** Assignments outside the engine's authority; every scenario checks they survive. */
export const UNTOUCHABLE = [
  { accountId: PROD_1, permissionSetArn: BILLING, principalType: 'USER', principalId: CAROL },
  { accountId: PROD_2, permissionSetArn: BREAK_GLASS_ADMIN, principalType: 'GROUP', principalId: BREAK_GLASS },
] as const;

export const seedSnapshot = (): Snapshot =>
  parseSnapshot({
    instanceArn: INSTANCE_ARN,
    identityStoreId: IDENTITY_STORE_ID,
    managementAccountId: MANAGEMENT_ACCOUNT,
    organizationalUnits: [
      { id: ROOT, name: 'Root', parentId: null },
      { id: WORKLOADS_OU, name: 'Workloads', parentId: ROOT },
      { id: PROD_OU, name: 'Prod', parentId: WORKLOADS_OU },
      { id: SANDBOX_OU, name: 'Sandbox', parentId: ROOT },
    ],
    accounts: [
      { id: MANAGEMENT_ACCOUNT, name: 'management', email: 'mgmt@example.com', status: 'ACTIVE', parentId: ROOT },
      ...PROD_ACCOUNTS.map((id, i) => ({
        id,
        name: `prod-${i + 1}`,
        email: `prod-${i + 1}@example.com`,
        status: 'ACTIVE',
        parentId: PROD_OU,
      })),
      ...SANDBOX_ACCOUNTS.map((id, i) => ({
        id,
        name: `sandbox-${i + 1}`,
        email: `sandbox-${i + 1}@example.com`,
        status: 'ACTIVE',
        parentId: SANDBOX_OU,
      })),
    ],
    permissionSets: [
      { arn: ADMIN, name: 'AdministratorAccess' },
      { arn: POWER_USER, name: 'PowerUserAccess' },
      { arn: READ_ONLY, name: 'ReadOnlyAccess' },
      { arn: BILLING, name: 'BillingAccess' },
      { arn: BREAK_GLASS_ADMIN, name: 'BreakGlassAdmin' },
    ],
    groups: [
      { id: PLATFORM, displayName: 'Platform Admins' },
      { id: DEVELOPERS, displayName: 'Developers' },
      { id: AUDITORS, displayName: 'Auditors' },
      { id: BREAK_GLASS, displayName: 'BreakGlass' },
    ],
    users: [
      { id: ALICE, userName: 'alice@example.com', active: true, title: 'SRE', department: 'Engineering' },
      { id: BOB, userName: 'bob@example.com', active: true, department: 'Engineering' },
      { id: CAROL, userName: 'carol@example.com', active: true, department: 'Finance' },
      { id: DAVE, userName: 'dave@example.com', active: true, department: 'Security' },
    ],
    groupMemberships: [
      { groupId: PLATFORM, userId: ALICE },
      { groupId: DEVELOPERS, userId: BOB },
      { groupId: DEVELOPERS, userId: CAROL },
      { groupId: AUDITORS, userId: DAVE },
    ],
    assignments: [...UNTOUCHABLE],
  });

export const SETTINGS_YAML = `version: 1
settings:
  managedPermissionSets: [AdministratorAccess, PowerUserAccess, ReadOnlyAccess]
  protected:
    permissionSets: [BreakGlassAdmin]
    principals:
      - group: BreakGlass
  revocationGuard:
    maxPerRun: 25
  mode: enforce
  offboarding:
    onUserDisabled: true
    removeGroupMemberships: true
`;

export const WORKLOADS_YAML = `version: 1
assignments:
  - id: platform-admins
    principals:
      - group: Platform Admins
    permissionSets: [AdministratorAccess]
    targets:
      organizationalUnits: [/Workloads]
  - id: developers-prod-read
    principals:
      - group: Developers
    permissionSets: [ReadOnlyAccess]
    targets:
      organizationalUnits: [/Workloads/Prod]
  - id: sre-prod-read
    principals:
      - user: alice@example.com
    permissionSets: [ReadOnlyAccess]
    targets:
      organizationalUnits: [/Workloads/Prod]
  - id: sandbox-power
    principals:
      - group: Developers
    permissionSets: [PowerUserAccess]
    targets:
      organizationalUnits: [/Sandbox]
`;

export const RULES_DOCUMENTS = [
  { name: SETTINGS_DOCUMENT, value: SETTINGS_YAML },
  { name: WORKLOADS_DOCUMENT, value: WORKLOADS_YAML },
] as const;

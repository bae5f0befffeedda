import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { parseSnapshot, type Snapshot } from '../../shared/domain/snapshot.js';

/** A small organization for the emulator tests (kept here so these tests depend on nothing else under test/). */

export const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';
export const IDENTITY_STORE_ID = 'd-1234567890';
export const MANAGEMENT_ACCOUNT = '111111111111';
export const ROOT = 'r-ab12';
export const WORKLOADS_OU = 'ou-ab12-11111111';
export const PROD_OU = 'ou-ab12-22222222';
export const SANDBOX_OU = 'ou-ab12-33333333';

export const permissionSetArn = (suffix: string): string =>
  `arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-${suffix.padStart(16, '0')}`;
export const READ_ONLY = permissionSetArn('a1');
export const ADMIN = permissionSetArn('b2');
export const BILLING = permissionSetArn('c3');

/** Twelve production accounts, enough to exceed the ten outstanding creates. */
export const PROD_ACCOUNTS = Array.from({ length: 12 }, (_, i) => `2000000000${String(i + 10)}`);
export const SANDBOX_ACCOUNT = '300000000001';

export const ALICE = '90000000-0000-4000-8000-000000000001';
export const BOB = '90000000-0000-4000-8000-000000000002';
export const CAROL = '90000000-0000-4000-8000-000000000003';
export const PLATFORM = '91000000-0000-4000-8000-000000000001';
export const DEVELOPERS = '91000000-0000-4000-8000-000000000002';
export const AUDITORS = '91000000-0000-4000-8000-000000000003';

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
        name: `prod-${i}`,
        email: `prod-${i}@example.com`,
        status: 'ACTIVE',
        parentId: PROD_OU,
        tags: { env: 'prod', team: i % 2 === 0 ? 'blue' : 'green' },
      })),
      {
        id: SANDBOX_ACCOUNT,
        name: 'sandbox',
        email: 'sandbox@example.com',
        status: 'SUSPENDED',
        parentId: SANDBOX_OU,
        tags: { env: 'sandbox' },
      },
    ],
    permissionSets: [
      { arn: READ_ONLY, name: 'ReadOnlyAccess' },
      { arn: ADMIN, name: 'AdministratorAccess' },
      { arn: BILLING, name: 'Billing' },
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
        emails: ['alice@example.com', 'alice.alt@example.com'],
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
      { id: CAROL, userName: 'carol@example.com', active: true },
    ],
    groupMemberships: [
      { groupId: PLATFORM, userId: ALICE },
      { groupId: DEVELOPERS, userId: ALICE },
      { groupId: DEVELOPERS, userId: BOB },
    ],
    assignments: [
      { accountId: PROD_ACCOUNTS[0], permissionSetArn: READ_ONLY, principalType: 'GROUP', principalId: DEVELOPERS },
      { accountId: PROD_ACCOUNTS[0], permissionSetArn: ADMIN, principalType: 'GROUP', principalId: PLATFORM },
      { accountId: PROD_ACCOUNTS[0], permissionSetArn: ADMIN, principalType: 'USER', principalId: BOB },
      { accountId: PROD_ACCOUNTS[1], permissionSetArn: READ_ONLY, principalType: 'USER', principalId: BOB },
      { accountId: SANDBOX_ACCOUNT, permissionSetArn: ADMIN, principalType: 'USER', principalId: ALICE },
    ],
  });

const clientConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  // The SDK's own retries would hide the throttles and faults under test.
  maxAttempts: 1,
});

export interface Clients {
  readonly organizations: OrganizationsClient;
  readonly identityStore: IdentitystoreClient;
  readonly ssoAdmin: SSOAdminClient;
  readonly ssm: SSMClient;
  destroy(): void;
}

export const createClients = (endpoint: string): Clients => {
  const organizations = new OrganizationsClient(clientConfig(endpoint));
  const identityStore = new IdentitystoreClient(clientConfig(endpoint));
  const ssoAdmin = new SSOAdminClient(clientConfig(endpoint));
  const ssm = new SSMClient(clientConfig(endpoint));
  return {
    organizations,
    identityStore,
    ssoAdmin,
    ssm,
    destroy: () => {
      for (const client of [organizations, identityStore, ssoAdmin, ssm]) client.destroy();
    },
  };
};

/** The rejection of a promise, for asserting on SDK exceptions. */
export const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the call to fail, but it succeeded');
};

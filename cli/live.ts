import { DescribeOrganizationCommand } from '@aws-sdk/client-organizations';
import { createClients } from '../shared/adapters/clients.js';
import { exportSnapshot } from '../shared/adapters/export-snapshot.js';
import { IdentityStoreAdapter } from '../shared/adapters/identity-store.js';
import { OrganizationsAdapter } from '../shared/adapters/organizations.js';
import { discoverInstance, SsoAdminAdapter } from '../shared/adapters/sso-admin.js';
import { assertIsError } from '../shared/domain/errors.js';
import type { Snapshot } from '../shared/domain/snapshot.js';
import type { AwsTarget, LiveExportOptions } from './context.js';
import { CliError } from './errors.js';

const clientOptions = (target: AwsTarget): { region?: string; endpoint?: string } => ({
  ...(target.region === undefined ? {} : { region: target.region }),
  ...(target.endpoint === undefined ? {} : { endpoint: target.endpoint }),
});

/**
 * Reads the live organization and Identity Center into a snapshot. Read-only: it calls list and
 * describe operations only. The instance is discovered unless both ids are given, and the
 * management account comes from `DescribeOrganization` unless given (a delegated administrator
 * may call it too).
 */
export const exportLiveOrganization = async (
  options: LiveExportOptions,
  onProgress: (message: string) => void,
): Promise<Snapshot> => {
  try {
    return await readLive(options, onProgress);
  } catch (error) {
    assertIsError(error);
    if (error instanceof CliError) throw error;
    const name = error.name === 'Error' ? '' : `${error.name}: `;
    throw new CliError(`reading the live organization failed: ${name}${error.message}`, { cause: error });
  }
};

const readLive = async (options: LiveExportOptions, onProgress: (message: string) => void): Promise<Snapshot> => {
  const clients = createClients(clientOptions(options));
  let { instanceArn, identityStoreId } = options;
  if (instanceArn === undefined || identityStoreId === undefined) {
    onProgress('discovering the Identity Center instance (ListInstances)');
    const found = await discoverInstance(clients.ssoAdmin);
    instanceArn ??= found.instanceArn;
    identityStoreId ??= found.identityStoreId;
  }
  let managementAccountId = options.managementAccountId;
  if (managementAccountId === undefined) {
    const { Organization } = await clients.organizations.send(new DescribeOrganizationCommand({}));
    managementAccountId = Organization?.MasterAccountId;
    if (managementAccountId === undefined) {
      throw new CliError('DescribeOrganization returned no management account id; pass --management-account-id');
    }
  }
  return exportSnapshot(
    {
      organizations: new OrganizationsAdapter(clients.organizations),
      identityStore: new IdentityStoreAdapter(clients.identityStore, identityStoreId),
      ssoAdmin: new SsoAdminAdapter(clients.ssoAdmin, { instanceArn, writeClient: clients.ssoAdminWrites }),
      instanceArn,
      identityStoreId,
      managementAccountId,
    },
    onProgress,
  );
};

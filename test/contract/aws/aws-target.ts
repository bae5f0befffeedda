import { type AwsClients, createClients } from '../../../shared/adapters/clients.js';
import { IdentityStoreAdapter } from '../../../shared/adapters/identity-store.js';
import { OrganizationsAdapter } from '../../../shared/adapters/organizations.js';
import { SsoAdminAdapter } from '../../../shared/adapters/sso-admin.js';

/**
 * The real-endpoint target of the contract suite. Everything it needs comes from the environment
 * and is checked up front: a missing variable fails the run with the list of what is missing,
 * never a silent skip (docs/contract-tests.md).
 */
export interface AwsContractConfig {
  readonly region: string | undefined;
  readonly endpoint: string | undefined;
  readonly instanceArn: string;
  readonly identityStoreId: string;
  /** The only account the suite writes to. */
  readonly sandboxAccountId: string;
  /** The permission set the suite assigns and removes on the sandbox account. */
  readonly permissionSetArn: string;
  /** A dedicated test group: the principal of that assignment. */
  readonly groupId: string;
}

const REQUIRED = {
  instanceArn: 'IDC_CONTRACT_INSTANCE_ARN',
  identityStoreId: 'IDC_CONTRACT_IDENTITY_STORE_ID',
  sandboxAccountId: 'IDC_CONTRACT_SANDBOX_ACCOUNT_ID',
  permissionSetArn: 'IDC_CONTRACT_PERMISSION_SET_ARN',
  groupId: 'IDC_CONTRACT_GROUP_ID',
} as const;

export class AwsContractConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AwsContractConfigError';
  }
}

export const readAwsContractConfig = (env: NodeJS.ProcessEnv = process.env): AwsContractConfig => {
  const endpoint = env.IDC_CONTRACT_ENDPOINT || undefined;
  if (env.IDC_CONTRACT_TARGET !== 'aws' && endpoint === undefined) {
    throw new AwsContractConfigError(
      'The AWS contract suite changes a real account: set IDC_CONTRACT_TARGET=aws (or IDC_CONTRACT_ENDPOINT) to run it',
    );
  }
  const missing = Object.values(REQUIRED).filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new AwsContractConfigError(`Missing environment variables for the AWS contract suite: ${missing.join(', ')}`);
  }
  const value = (key: keyof typeof REQUIRED): string => env[REQUIRED[key]] as string;
  const sandboxAccountId = value('sandboxAccountId');
  if (!/^\d{12}$/.test(sandboxAccountId)) {
    throw new AwsContractConfigError(`IDC_CONTRACT_SANDBOX_ACCOUNT_ID is not an account id: ${sandboxAccountId}`);
  }
  return {
    region: env.IDC_CONTRACT_REGION || env.AWS_REGION || undefined,
    endpoint,
    instanceArn: value('instanceArn'),
    identityStoreId: value('identityStoreId'),
    sandboxAccountId,
    permissionSetArn: value('permissionSetArn'),
    groupId: value('groupId'),
  };
};

export interface AwsTarget {
  readonly config: AwsContractConfig;
  readonly clients: AwsClients;
  readonly organizations: OrganizationsAdapter;
  readonly identityStore: IdentityStoreAdapter;
  readonly ssoAdmin: SsoAdminAdapter;
}

export const createAwsTarget = (config: AwsContractConfig): AwsTarget => {
  const clients = createClients({
    ...(config.region === undefined ? {} : { region: config.region }),
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
  });
  return {
    config,
    clients,
    organizations: new OrganizationsAdapter(clients.organizations),
    identityStore: new IdentityStoreAdapter(clients.identityStore, config.identityStoreId),
    ssoAdmin: new SsoAdminAdapter(clients.ssoAdmin, {
      instanceArn: config.instanceArn,
      writeClient: clients.ssoAdminWrites,
    }),
  };
};

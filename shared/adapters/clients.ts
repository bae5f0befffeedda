import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import type { AwsCredentialIdentity, RetryStrategyV2 } from '@aws-sdk/types';

export interface ClientOptions {
  /** The Identity Center home Region; the SDK's default chain (`AWS_REGION`, profile) when absent. */
  readonly region?: string;
  /** One endpoint for every service (tests); `AWS_ENDPOINT_URL[_<SERVICE>]` work without it. */
  readonly endpoint?: string;
  readonly credentials?: AwsCredentialIdentity;
  /** The SDK's own attempts for every call except assignment writes (SDK default when absent). */
  readonly maxAttempts?: number;
  /**
   * Replaces the SDK's retry strategy (and `maxAttempts`) for every call except assignment writes;
   * compositions in scaled time use it to take the SDK's pauses in that time.
   */
  readonly retryStrategy?: RetryStrategyV2;
}

export interface AwsClients {
  readonly organizations: OrganizationsClient;
  readonly identityStore: IdentitystoreClient;
  readonly ssoAdmin: SSOAdminClient;
  /**
   * The same service with the SDK's retry turned off, for `CreateAccountAssignment` and
   * `DeleteAccountAssignment`: {@link SsoAdminAdapter} retries those itself with its own backoff,
   * and two nested retry loops would multiply the attempts and hide the pauses from its limiter.
   */
  readonly ssoAdminWrites: SSOAdminClient;
  readonly ssm: SSMClient;
  readonly sqs: SQSClient;
  readonly eventBridge: EventBridgeClient;
  readonly sns: SNSClient;
  /** The run store's table. */
  readonly dynamoDb: DynamoDBClient;
}

/**
 * The Region that serves the Organizations API of the partition that `region` belongs to:
 * Organizations is a global service whose endpoint is in US East (N. Virginia) for commercial
 * organizations, AWS GovCloud (US-West) for GovCloud and China (Ningxia) for China
 * (https://docs.aws.amazon.com/organizations/latest/userguide/region-support.html; docs/aws-facts.md §2).
 */
export const organizationsRegion = (region: string | undefined): string => {
  if (region?.startsWith('us-gov-')) return 'us-gov-west-1';
  if (region?.startsWith('cn-')) return 'cn-northwest-1';
  return 'us-east-1';
};

/** The settings every client shares; only what the caller gave, so the SDK's own chain fills the rest. */
const commonConfig = (options: ClientOptions) => ({
  ...(options.region === undefined ? {} : { region: options.region }),
  ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
  ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  ...(options.retryStrategy === undefined ? {} : { retryStrategy: options.retryStrategy }),
});

/*
 * One factory per client, so that a function's composition root imports only the clients it uses
 * and esbuild leaves the other services' packages out of its bundle (docs/design.md §8: every SDK client
 * costs bundle size and init time). `createClients` builds them all, for the CLI and tests.
 */

export const createOrganizationsClient = (options: ClientOptions = {}): OrganizationsClient => {
  const common = commonConfig(options);
  // With an explicit endpoint the caller's Region is kept: the endpoint is not AWS's global one.
  if (options.endpoint !== undefined) return new OrganizationsClient(common);
  if (options.region !== undefined) {
    return new OrganizationsClient({ ...common, region: organizationsRegion(options.region) });
  }
  // No Region given: the partition of the Region the SDK resolves (AWS_REGION, the profile) decides
  // where Organizations is served, or a GovCloud or China deployment would call us-east-1. A client
  // with the same settings resolves that Region exactly as the other clients do; it is asked for
  // its Region only, never used for a call.
  const resolver = new OrganizationsClient(common);
  return new OrganizationsClient({
    ...common,
    region: async () => organizationsRegion(await resolver.config.region()),
  });
};

export const createIdentityStoreClient = (options: ClientOptions = {}): IdentitystoreClient =>
  new IdentitystoreClient(commonConfig(options));

export const createSsoAdminClient = (options: ClientOptions = {}): SSOAdminClient =>
  new SSOAdminClient(commonConfig(options));

/** The SSO Admin client without SDK retries, for assignment writes (see {@link AwsClients.ssoAdminWrites}). */
export const createSsoAdminWritesClient = ({
  retryStrategy: _theAdapterRetries,
  ...options
}: ClientOptions = {}): SSOAdminClient => new SSOAdminClient({ ...commonConfig(options), maxAttempts: 1 });

export const createSsmClient = (options: ClientOptions = {}): SSMClient => new SSMClient(commonConfig(options));

export const createSqsClient = (options: ClientOptions = {}): SQSClient => new SQSClient(commonConfig(options));

export const createEventBridgeClient = (options: ClientOptions = {}): EventBridgeClient =>
  new EventBridgeClient(commonConfig(options));

export const createSnsClient = (options: ClientOptions = {}): SNSClient => new SNSClient(commonConfig(options));

export const createDynamoDbClient = (options: ClientOptions = {}): DynamoDBClient =>
  new DynamoDBClient(commonConfig(options));

/**
 * Builds the SDK clients the ordinary way, so that the SDK's configuration chain (credentials,
 * `AWS_REGION`, `AWS_ENDPOINT_URL` and its per-service variants) applies unchanged. Nothing here
 * knows about the emulator: tests point the clients at it with `endpoint` or the environment.
 * Functions use the per-client factories above instead, so that their bundles hold only the
 * clients they call.
 *
 * @example
 * const clients = createClients({ region: 'eu-west-1' });
 * const ssoAdmin = new SsoAdminAdapter(clients.ssoAdmin, { instanceArn, writeClient: clients.ssoAdminWrites });
 */
export const createClients = (options: ClientOptions = {}): AwsClients => ({
  organizations: createOrganizationsClient(options),
  identityStore: createIdentityStoreClient(options),
  ssoAdmin: createSsoAdminClient(options),
  ssoAdminWrites: createSsoAdminWritesClient(options),
  ssm: createSsmClient(options),
  sqs: createSqsClient(options),
  eventBridge: createEventBridgeClient(options),
  sns: createSnsClient(options),
  dynamoDb: createDynamoDbClient(options),
});

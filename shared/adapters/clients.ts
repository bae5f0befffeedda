import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import type { AwsCredentialIdentity } from '@aws-sdk/types';

export interface ClientOptions {
  /** The Identity Center home Region; the SDK's default chain (`AWS_REGION`, profile) when absent. */
  readonly region?: string;
  /** One endpoint for every service (tests); `AWS_ENDPOINT_URL[_<SERVICE>]` work without it. */
  readonly endpoint?: string;
  readonly credentials?: AwsCredentialIdentity;
  /** The SDK's own attempts for every call except assignment writes (SDK default when absent). */
  readonly maxAttempts?: number;
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
}

/**
 * The Region that serves the Organizations API of the partition that `region` belongs to:
 * Organizations is a global service homed in us-east-1 (us-gov-west-1 and cn-northwest-1 in the
 * other partitions; AWS-FACTS §2).
 */
export const organizationsRegion = (region: string | undefined): string => {
  if (region?.startsWith('us-gov-')) return 'us-gov-west-1';
  if (region?.startsWith('cn-')) return 'cn-northwest-1';
  return 'us-east-1';
};

/**
 * Builds the SDK clients the ordinary way, so that the SDK's configuration chain (credentials,
 * `AWS_REGION`, `AWS_ENDPOINT_URL` and its per-service variants) applies unchanged. Nothing here
 * knows about the emulator: tests point the clients at it with `endpoint` or the environment.
 *
 * @example
 * const clients = createClients({ region: 'eu-west-1' });
 * const ssoAdmin = new SsoAdminAdapter(clients.ssoAdmin, { instanceArn, writeClient: clients.ssoAdminWrites });
 */
export const createClients = (options: ClientOptions = {}): AwsClients => {
  const common = {
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  };
  // With an explicit endpoint the caller's Region is kept: the endpoint is not AWS's global one.
  const organizationsConfig =
    options.endpoint === undefined ? { ...common, region: organizationsRegion(options.region) } : common;
  return {
    organizations: new OrganizationsClient(organizationsConfig),
    identityStore: new IdentitystoreClient(common),
    ssoAdmin: new SSOAdminClient(common),
    ssoAdminWrites: new SSOAdminClient({ ...common, maxAttempts: 1 }),
    ssm: new SSMClient(common),
    sqs: new SQSClient(common),
    eventBridge: new EventBridgeClient(common),
    sns: new SNSClient(common),
  };
};

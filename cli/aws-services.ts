import { SSMClient } from '@aws-sdk/client-ssm';
import type { AwsServices, AwsTarget } from './context.js';

const clientConfig = (target: AwsTarget): { region?: string; endpoint?: string } => ({
  ...(target.region === undefined ? {} : { region: target.region }),
  ...(target.endpoint === undefined ? {} : { endpoint: target.endpoint }),
});

/**
 * The real AWS side of the CLI, with clients built the ordinary way (credentials, profiles,
 * `AWS_REGION` and `AWS_ENDPOINT_URL` apply). The export code loads on first use so that `validate`
 * and `schema` do not pay for every SDK client.
 */
export const defaultAwsServices: AwsServices = {
  exportLive: async (options, onProgress) => (await import('./live.js')).exportLiveOrganization(options, onProgress),
  ssm: (target) => new SSMClient(clientConfig(target)),
};

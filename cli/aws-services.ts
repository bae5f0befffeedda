import type { AwsServices, AwsTarget } from './context.js';

const clientConfig = (target: AwsTarget): { region?: string; endpoint?: string } => ({
  ...(target.region === undefined ? {} : { region: target.region }),
  ...(target.endpoint === undefined ? {} : { endpoint: target.endpoint }),
});

/**
 * The real AWS side of the CLI, with clients built the ordinary way (credentials, profiles,
 * `AWS_REGION` and `AWS_ENDPOINT_URL` apply). The SDK loads on first use: `--help`, `validate` and
 * `plan --snapshot` never need it, and it is most of the CLI's start-up time.
 */
export const defaultAwsServices: AwsServices = {
  exportLive: async (options, onProgress) => (await import('./live.js')).exportLiveOrganization(options, onProgress),
  ssm: async (target) => {
    const { SSMClient } = await import('@aws-sdk/client-ssm');
    return new SSMClient(clientConfig(target));
  },
  runs: (target, tableName) => {
    // Built on first use, so that other verbs do not load the DynamoDB client.
    const store = import('./run-store.js').then(({ runStore }) => runStore(clientConfig(target), tableName));
    return {
      getRun: async (runId) => (await store).getRun(runId),
      listRuns: async (limit) => (await store).listRuns(limit),
    };
  },
  putEvent: async (target, entry) => (await import('./run-store.js')).putEvent(clientConfig(target), entry),
};

import { isAbsolute, join } from 'node:path';
import { type App, Aws } from 'aws-cdk-lib';
import type { DeployConfig } from './config/deploy-config.js';
import { REPOSITORY_ROOT } from './constructs/lifecycle-function.js';
import { readRulesSeed } from './rules-seed.js';
import { EventForwarderStack, forwarderRoleName, PRINCIPAL_READ_ROLE_NAME } from './stacks/forwarder-stack.js';
import { EVENT_BUS_NAME, IdcLifecycleStack, WORKER_ROLE_NAME } from './stacks/main-stack.js';
import { planTopology } from './topology.js';

export interface BuildStacksOptions {
  readonly config: DeployConfig;
  /**
   * Folder with the rules documents that seed an empty rules path.
   * @default - `config.rulesSeedDirectory`, relative to the repository root; no seed when neither is set
   */
  readonly rulesSeedDirectory?: string;
}

export interface LifecycleStacks {
  readonly main: IdcLifecycleStack;
  readonly forwarders: readonly EventForwarderStack[];
}

/** The CLI context key of the deploy configuration (`-c config=<path>`), and the example to copy. */
export const CONFIG_CONTEXT_KEY = 'config';
export const EXAMPLE_CONFIG_PATH = 'infra/config/example.config.json';

/**
 * Adds the main stack (automation account, home Region) and one forwarder stack per
 * management-account Region that holds events the main stack cannot see (see `planTopology`).
 *
 * @example
 * const app = new App();
 * buildStacks(app, { config: loadDeployConfig('infra/config/prod.config.json') });
 */
export const buildStacks = (app: App, options: BuildStacksOptions): LifecycleStacks => {
  const { config } = options;
  const topology = planTopology(config);
  const seedDirectory = options.rulesSeedDirectory ?? config.rulesSeedDirectory;
  const rulesSeed =
    seedDirectory === undefined
      ? undefined
      : readRulesSeed(isAbsolute(seedDirectory) ? seedDirectory : join(REPOSITORY_ROOT, seedDirectory));
  const needsReadRole = topology.forwarders.some((plan) => plan.principalReadRole);
  const forwarderRoleArns = topology.forwarders.map(
    (plan) => `arn:${Aws.PARTITION}:iam::${config.managementAccountId}:role/${forwarderRoleName(plan.region)}`,
  );

  const main = new IdcLifecycleStack(app, 'IdcLifecycle', {
    env: { account: config.automationAccountId, region: config.homeRegion },
    description: 'idc-lifecycle: keeps IAM Identity Center account assignments equal to the rules',
    config,
    rulesSeed,
    localSources: topology.local,
    forwardedSources: topology.forwarded,
    forwarderRoleArns,
    principalReadRoleArn: needsReadRole
      ? `arn:${Aws.PARTITION}:iam::${config.managementAccountId}:role/${PRINCIPAL_READ_ROLE_NAME}`
      : undefined,
  });

  const forwarders = topology.forwarders.map((plan) => {
    const stack = new EventForwarderStack(app, `IdcLifecycleForwarder-${plan.region}`, {
      env: { account: config.managementAccountId, region: plan.region },
      description: `idc-lifecycle forwarder: management-account events in ${plan.region} to the idc-lifecycle bus`,
      config,
      plan,
      targetBusArn: `arn:${Aws.PARTITION}:events:${config.homeRegion}:${config.automationAccountId}:event-bus/${EVENT_BUS_NAME}`,
      workerRoleArn: plan.principalReadRole
        ? `arn:${Aws.PARTITION}:iam::${config.automationAccountId}:role/${WORKER_ROLE_NAME}`
        : undefined,
    });
    // The bus (and its policy admitting the forwarder roles) exists before anything is forwarded.
    stack.addStackDependency(main);
    return stack;
  });

  return { main, forwarders };
};

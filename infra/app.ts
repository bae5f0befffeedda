import { resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildStacks, CONFIG_CONTEXT_KEY, EXAMPLE_CONFIG_PATH } from './build-app.js';
import { DeployConfigError, loadDeployConfig, MissingDeployConfigError } from './config/deploy-config.js';
import { applyNagPacks } from './nag.js';
import { RulesSeedError } from './rules-seed.js';

/**
 * The CDK app (`cdk.json`: `npx tsx infra/app.ts`). The deploy configuration must be named with
 * `-c config=<path>`: there is no default, so a forgotten flag cannot deploy the example. The nag
 * packs run at synth time, so `cdk synth` and `cdk deploy` refuse a template with an
 * unacknowledged finding.
 */
const app = new App();
try {
  const configPath: unknown = app.node.tryGetContext(CONFIG_CONTEXT_KEY);
  if (typeof configPath !== 'string' || configPath.trim() === '') {
    throw new MissingDeployConfigError(`-c ${CONFIG_CONTEXT_KEY}=<path>`, EXAMPLE_CONFIG_PATH);
  }
  buildStacks(app, { config: loadDeployConfig(resolve(configPath)) });
} catch (error) {
  if (
    error instanceof DeployConfigError ||
    error instanceof RulesSeedError ||
    error instanceof MissingDeployConfigError
  ) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
applyNagPacks(app);
app.synth();

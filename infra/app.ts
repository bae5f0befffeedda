import { resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildStacks, CONFIG_CONTEXT_KEY, DEFAULT_CONFIG_PATH } from './build-app.js';
import { DeployConfigError, loadDeployConfig } from './config/deploy-config.js';
import { applyNagPacks } from './nag.js';
import { RulesSeedError } from './rules-seed.js';

/**
 * The CDK app (`cdk.json`: `npx tsx infra/app.ts`). The deploy configuration comes from
 * `-c config=<path>` (default: the example). The nag packs run at synth time, so `cdk synth` and
 * `cdk deploy` refuse a template with an unacknowledged finding.
 */
const app = new App();
const configPath = String(app.node.tryGetContext(CONFIG_CONTEXT_KEY) ?? DEFAULT_CONFIG_PATH);
try {
  buildStacks(app, { config: loadDeployConfig(resolve(configPath)) });
} catch (error) {
  if (error instanceof DeployConfigError || error instanceof RulesSeedError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
applyNagPacks(app);
app.synth();

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { App } from 'aws-cdk-lib';
import { buildStacks, DEFAULT_CONFIG_PATH } from './build-app.js';
import { DeployConfigError, loadDeployConfig } from './config/deploy-config.js';
import { applyNagPacks } from './nag.js';
import { RulesSeedError } from './rules-seed.js';

/**
 * `npm run synth [-- --output <dir>] [--config <file>] [--skip-bundling]`: synthesizes every stack
 * offline (no AWS credentials, no lookups) with the cdk-nag packs applied, and exits 1 on any
 * unacknowledged finding, an invalid configuration or a failed bundle. Bundling uses the local
 * esbuild; `--skip-bundling` (or IDC_SKIP_BUNDLING=1) is for working on infra/ without the functions.
 */
const USAGE = 'usage: npm run synth -- [--output <dir>] [--config <file>] [--skip-bundling]';

const main = (argv: readonly string[]): number => {
  let values: { output?: string; config?: string; 'skip-bundling'?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        output: { type: 'string', short: 'o', default: 'cdk.out' },
        config: { type: 'string', short: 'c', default: DEFAULT_CONFIG_PATH },
        'skip-bundling': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }

  const outdir = resolve(values.output ?? 'cdk.out');
  const skipBundling = values['skip-bundling'] === true || process.env.IDC_SKIP_BUNDLING === '1';
  const app = new App({
    outdir,
    context: skipBundling ? { 'aws:cdk:bundling-stacks': [] } : {},
  });

  try {
    const stacks = buildStacks(app, { config: loadDeployConfig(resolve(values.config ?? DEFAULT_CONFIG_PATH)) });
    applyNagPacks(app);
    app.synth();
    for (const stack of [stacks.main, ...stacks.forwarders]) {
      console.log(`${stack.stackName} (${stack.account}/${stack.region}) -> ${outdir}/${stack.templateFile}`);
    }
  } catch (error) {
    if (error instanceof DeployConfigError || error instanceof RulesSeedError) {
      console.error(error.message);
      return 1;
    }
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
  if (skipBundling)
    console.warn('Bundling was skipped: these templates reference placeholder assets; do not deploy them.');
  console.log('cdk-nag (AwsSolutions, Serverless): no unacknowledged findings.');
  return process.exitCode === 1 ? 1 : 0;
};

process.exit(main(process.argv.slice(2)));

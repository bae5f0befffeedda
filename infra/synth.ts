import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { App } from 'aws-cdk-lib';
import { buildStacks, EXAMPLE_CONFIG_PATH } from './build-app.js';
import { DeployConfigError, loadDeployConfig, MissingDeployConfigError } from './config/deploy-config.js';
import { cdkJsonContext } from './feature-flags.js';
import { applyNagPacks } from './nag.js';
import { RulesSeedError } from './rules-seed.js';

/**
 * `npm run synth [-- --output <dir>] --config <file> [--skip-bundling]`: synthesizes every stack
 * offline (no AWS credentials, no lookups) with the cdk-nag packs applied, and exits 1 on any
 * unacknowledged finding, an invalid configuration or a failed bundle. Bundling uses the local
 * esbuild; `--skip-bundling` (or IDC_SKIP_BUNDLING=1) is for working on infra/ without the functions.
 */
const USAGE = 'usage: tsx infra/synth.ts --config <file> [--output <dir>] [--skip-bundling]';

const main = (argv: readonly string[]): number => {
  let values: { output?: string; config?: string; 'skip-bundling'?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        output: { type: 'string', short: 'o', default: 'cdk.out' },
        config: { type: 'string', short: 'c' },
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
  // The feature flags of cdk.json, so that this synthesis matches what `cdk deploy` produces.
  const app = new App({
    outdir,
    context: { ...cdkJsonContext(), ...(skipBundling ? { 'aws:cdk:bundling-stacks': [] } : {}) },
  });

  try {
    if (values.config === undefined) throw new MissingDeployConfigError('--config <file>', EXAMPLE_CONFIG_PATH);
    const stacks = buildStacks(app, { config: loadDeployConfig(resolve(values.config)) });
    applyNagPacks(app);
    app.synth();
    for (const stack of [stacks.main, ...stacks.forwarders]) {
      console.log(`${stack.stackName} (${stack.account}/${stack.region}) -> ${outdir}/${stack.templateFile}`);
    }
  } catch (error) {
    if (
      error instanceof DeployConfigError ||
      error instanceof RulesSeedError ||
      error instanceof MissingDeployConfigError
    ) {
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

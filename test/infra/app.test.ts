import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../../infra/constructs/lifecycle-function.js';

const run = promisify(execFile);
const tsx = `${REPOSITORY_ROOT}node_modules/.bin/tsx`;

/** Runs a command of the repository and returns how it ended, whatever the exit code. */
const outcome = async (args: readonly string[], env: Record<string, string> = {}) => {
  try {
    const { stdout, stderr } = await run(tsx, [...args], {
      cwd: REPOSITORY_ROOT,
      env: { ...process.env, ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

describe('the CDK app without a deploy configuration', () => {
  it.each([
    ['cdk synth / cdk deploy (infra/app.ts)', ['infra/app.ts'], '-c config=<path>'],
    ['npm run synth (infra/synth.ts)', ['infra/synth.ts', '--skip-bundling'], '--config <file>'],
  ])(
    'stops for %s with an error that names the flag and the example file',
    async (_, args, flag) => {
      // Prepare / Act
      const result = await outcome(args, { CDK_OUTDIR: '/tmp/idc-lifecycle-no-config.out' });

      // Assess
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`No deploy configuration given: pass ${flag}`);
      expect(result.stderr).toContain('infra/config/example.config.json');
    },
    120_000,
  );
});

describe('cdk.json', () => {
  it('sets every feature flag the pinned aws-cdk-lib recommends, to the recommended value', () => {
    // Prepare
    const { context } = JSON.parse(readFileSync(`${REPOSITORY_ROOT}cdk.json`, 'utf8')) as {
      context: Record<string, unknown>;
    };

    // Act
    const stale = Object.entries(CURRENTLY_RECOMMENDED_FLAGS).filter(
      ([flag, value]) => JSON.stringify(context[flag]) !== JSON.stringify(value),
    );

    // Assess
    expect(stale).toEqual([]);
  });
});

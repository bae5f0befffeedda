import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AwsServices } from '../../cli/context.js';
import { parseSnapshot, type Snapshot } from '../../shared/domain/snapshot.js';
import { runCli, unreachableAws } from './support/run-cli.js';

const RULES = ['settings.yaml', 'workloads.yaml', 'birthright.yaml'].map((f) => resolve('examples/rules', f));
const example: Snapshot = parseSnapshot(JSON.parse(readFileSync(resolve('examples/snapshot.json'), 'utf8')));

/** An export read while a permission set was deleted: one assignment still names it. */
const inconsistent: Snapshot = {
  ...example,
  permissionSets: example.permissionSets.filter((p) => p.arn !== example.assignments[0]?.permissionSetArn),
};

const exporting = (snapshot: Snapshot): AwsServices => ({ ...unreachableAws, exportLive: async () => snapshot });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'idc-cli-live-export-'));
});

describe('the live export of plan --live and snapshot', () => {
  it.each([
    ['plan --live', ['plan', '--rules', ...RULES, '--live']],
    ['snapshot', ['snapshot', '--out', 'org.json']],
  ])('%s refuses an export whose references do not hold, with the message snapshot files get', async (_, argv) => {
    // Act
    const run = await runCli(argv, { aws: exporting(inconsistent), cwd: dir });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^error: Invalid snapshot export: assignment with unknown permission set arn:aws:sso:::/m,
    );
  });

  it('refuses an export the same way in plan --live as in snapshot', async () => {
    // Act
    const plan = await runCli(['plan', '--rules', ...RULES, '--live'], { aws: exporting(inconsistent), cwd: dir });
    const snapshot = await runCli(['snapshot', '--out', 'org.json'], { aws: exporting(inconsistent), cwd: dir });

    // Assess
    expect(plan.stderr).toBe(snapshot.stderr);
  });
});

import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AwsServices } from '../../cli/context.js';
import { parseSnapshot, type Snapshot } from '../../shared/domain/snapshot.js';
import { runCli, unreachableAws } from './support/run-cli.js';

/**
 * Every way the CLI comes by an organization (a snapshot file, `plan --live`, `snapshot`) holds it
 * to the same checks before anything is planned or written.
 */

const RULES = ['settings.yaml', 'workloads.yaml', 'birthright.yaml'].map((f) => resolve('examples/rules', f));
const example: Snapshot = parseSnapshot(JSON.parse(readFileSync(resolve('examples/snapshot.json'), 'utf8')));
const account = example.accounts.at(-1);
if (account === undefined) throw new Error('the example snapshot has no accounts');
/** The organization with one account listed twice, as a paginated read that repeats a page would give. */
const duplicated: Snapshot = { ...example, accounts: [...example.accounts, account] };
const DUPLICATE = new RegExp(`duplicate account id ${account.id} \\(2 entries\\)`);

const exporting = (snapshot: Snapshot): AwsServices => ({
  ...unreachableAws,
  exportLive: () => Promise.resolve(snapshot),
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'idc-cli-snapshot-checks-'));
  await writeFile(join(dir, 'duplicated.json'), JSON.stringify(duplicated));
});

describe('the CLI on an organization that lists an account twice', () => {
  it.each<[string, readonly string[], RegExp]>([
    [
      'plan --snapshot',
      ['plan', '--rules', ...RULES, '--snapshot', 'duplicated.json'],
      /^error: Invalid snapshot duplicated\.json: /,
    ],
    ['plan --live', ['plan', '--rules', ...RULES, '--live'], /^error: Invalid snapshot export: /],
    ['snapshot', ['snapshot', '--out', 'org.json'], /^error: Invalid snapshot export: /],
  ])('%s exits 1 naming the account', async (_name, argv, source) => {
    // Act
    const run = await runCli(argv, { cwd: dir, aws: exporting(duplicated) });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(source);
    expect(run.stderr).toMatch(DUPLICATE);
    expect(run.stdout).toBe('');
  });
});

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { CapturedStream, runCli } from './support/run-cli.js';

const EXAMPLES = ['examples/rules/settings.yaml', 'examples/rules/workloads.yaml', 'examples/rules/birthright.yaml'];

const BAD_OU = `version: 1
assignments:
  - id: platform-admins
    principals:
      - group: Platform Admins
    permissionSets: [AdministratorAccess]
    targets:
      organizationalUnits: [Workloads]
`;

const DUPLICATE_ID = `{
  "version": 1,
  "assignments": [
    {
      "id": "platform-admins",
      "principals": [{ "group": "Platform Admins" }],
      "permissionSets": ["AdministratorAccess"],
      "targets": { "accounts": ["444455550001"] }
    }
  ]
}
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'idc-cli-validate-'));
  await writeFile(join(dir, 'bad-ou.yaml'), BAD_OU);
  await writeFile(join(dir, 'duplicate.json'), DUPLICATE_ID);
});

describe('idc-lifecycle validate', () => {
  it('reports the documents and rule counts when the examples are valid', async () => {
    // Act
    const run = await runCli(['validate', ...EXAMPLES]);

    // Assess
    expect(run).toEqual({
      code: 0,
      stdout: '3 documents, 8 assignment rules, 2 membership rules: valid\n',
      stderr: '',
    });
  });

  it('prints file, line, path and reason for an invalid value and exits 1', async () => {
    // Act
    const run = await runCli(['validate', 'bad-ou.yaml'], { cwd: dir });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')[0]).toMatch(
      /^bad-ou\.yaml:8: assignments\[0\]\.targets\.organizationalUnits\[0\]: .*an OU is a path from the root/,
    );
  });

  it('validates files together, so a rule id repeated across files is an error', async () => {
    // Act
    const run = await runCli(['validate', join(process.cwd(), 'examples/rules/workloads.yaml'), 'duplicate.json'], {
      cwd: dir,
    });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/platform-admins/);
    expect(run.stdout).toMatch(/duplicate\.json:\d+:/);
  });

  it('exits 2 with a clear message when a file does not exist', async () => {
    // Act
    const run = await runCli(['validate', 'examples/rules/settings.yaml', 'missing.yaml']);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: rules file missing.yaml does not exist (or is a directory)\n');
    expect(run.stdout).toBe('');
  });

  it('exits 2 when no file is given', async () => {
    // Act
    const run = await runCli(['validate']);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/missing required argument 'files'/);
  });

  it.each([
    ['a terminal', true, {}, true],
    ['a terminal with NO_COLOR set', true, { NO_COLOR: '1' }, false],
    ['a pipe', false, {}, false],
    ['a pipe with FORCE_COLOR set', false, { FORCE_COLOR: '1' }, true],
  ])('colours issues red only on %s', async (_, isTTY, env, coloured) => {
    // Prepare
    const stdout = new CapturedStream(isTTY);
    const stderr = new CapturedStream(isTTY);

    // Act
    const code = await main(['validate', 'bad-ou.yaml'], { stdout, stderr, env, cwd: dir });

    // Assess
    expect(code).toBe(1);
    expect(stdout.text.includes('\u001b[31m')).toBe(coloured);
  });
});

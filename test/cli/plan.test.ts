import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AwsServices, LiveExportOptions } from '../../cli/context.js';
import { parseSnapshot, type Snapshot } from '../../shared/domain/snapshot.js';
import { runCli, stripAnsi, unreachableAws } from './support/run-cli.js';

const RULES = ['settings.yaml', 'workloads.yaml', 'birthright.yaml'].map((f) => resolve('examples/rules', f));
const SNAPSHOT = resolve('examples/snapshot.json');
const example: Snapshot = parseSnapshot(JSON.parse(readFileSync(SNAPSHOT, 'utf8')));
const PAYMENTS_PROD = '444455550001';

const UNRESOLVED = `version: 1
assignments:
  - id: finops-readonly
    principals:
      - group: Fin Ops
    permissionSets: [ReadOnlyAccess]
    targets:
      organizationalUnits: [/Workloads/Prod]
`;

const TIGHT_GUARD = `version: 1
settings:
  managedPermissionSets: [AdministratorAccess, PowerUserAccess, ReadOnlyAccess, ViewOnlyAccess]
  revocationGuard: { maxPerRun: 1 }
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'idc-cli-plan-'));
  await writeFile(join(dir, 'unresolved.yaml'), UNRESOLVED);
  await writeFile(join(dir, 'tight-guard.yaml'), TIGHT_GUARD);
  await writeFile(join(dir, 'not-json.json'), '{ "instanceArn": ');
  const broken = { ...example, assignments: [{ ...example.assignments[0], accountId: '999999999999' }] };
  await writeFile(join(dir, 'dangling.json'), JSON.stringify(broken));
  await writeFile(join(dir, 'wrong-shape.json'), JSON.stringify({ ...example, managementAccountId: 'mgmt' }));
});

const planArgs = (...extra: string[]) => ['plan', '--rules', ...RULES, ...extra];

describe('idc-lifecycle plan', () => {
  it('prints only the docs/design.md §6 keys with --format json', async () => {
    // Act
    const run = await runCli(planArgs('--snapshot', SNAPSHOT, '--format', 'json'));

    // Assess
    const printed = JSON.parse(run.stdout);
    expect(Object.keys(printed)).toEqual(['create', 'delete', 'memberships', 'blocked', 'errors']);
    expect(Object.keys(printed.memberships)).toEqual(['add', 'remove']);
    expect(Object.keys(printed.create[0])).toEqual([
      'accountId',
      'permissionSetArn',
      'permissionSetName',
      'principalType',
      'principalId',
      'principalName',
      'ruleIds',
    ]);
    expect(Object.keys(printed.delete[0])).toEqual([
      'accountId',
      'permissionSetArn',
      'permissionSetName',
      'principalType',
      'principalId',
      'principalName',
      'reason',
    ]);
    expect(Object.keys(printed.memberships.add[0])).toEqual(['groupId', 'userId', 'ruleIds']);
    expect(Object.keys(printed.memberships.remove[0])).toEqual(['groupId', 'userId', 'reason']);
    expect(run.stderr).toBe('');
  });

  it('limits the plan to the accounts given with --account, memberships left out', async () => {
    // Act
    const run = await runCli(planArgs('--snapshot', SNAPSHOT, '--format', 'json', '--account', PAYMENTS_PROD));

    // Assess
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout);
    const touched = new Set([...printed.create, ...printed.delete].map((c: { accountId: string }) => c.accountId));
    expect([...touched]).toEqual([PAYMENTS_PROD]);
    expect(printed.create).toHaveLength(1);
    expect(printed.delete).toHaveLength(2);
    expect(printed.memberships).toEqual({ add: [], remove: [] });
  });

  it('accepts --account more than once', async () => {
    // Act
    const run = await runCli(
      planArgs('--snapshot', SNAPSHOT, '--format', 'json', '--account', PAYMENTS_PROD, '--account', '777788880002'),
    );

    // Assess
    const printed = JSON.parse(run.stdout);
    const touched = new Set(printed.create.map((c: { accountId: string }) => c.accountId));
    expect([...touched].sort()).toEqual([PAYMENTS_PROD, '777788880002']);
  });

  it.each([
    ['an account that is not 12 digits', '12345', /an account id is 12 digits/],
    ['an account that is not in the organization', '999999999999', /999999999999: no such account/],
  ])('exits 2 for %s', async (_, account, message) => {
    // Act
    const run = await runCli(planArgs('--snapshot', SNAPSHOT, '--account', account));

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('prints the plan and exits 1 when a rule has an unresolved reference', async () => {
    // Act
    const run = await runCli(
      ['plan', '--rules', RULES[0] as string, 'unresolved.yaml', '--snapshot', SNAPSHOT, '--format', 'json'],
      { cwd: dir },
    );

    // Assess
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).errors).toEqual([
      { ruleId: 'finops-readonly', message: 'group "Fin Ops" does not exist' },
    ]);
    expect(run.stderr).toBe('error: 1 rule has unresolved references\n');
  });

  it('shows errors in their own table section', async () => {
    // Act
    const run = await runCli(['plan', '--rules', RULES[0] as string, 'unresolved.yaml', '--snapshot', SNAPSHOT], {
      cwd: dir,
    });

    // Assess
    const text = stripAnsi(run.stdout);
    expect(text).toMatch(/^Errors\n\n {2}x finops-readonly: group "Fin Ops" does not exist$/m);
    expect(text).toMatch(/1 error\.$/m);
  });

  it('shows the revocation guard holding deletes back as blocked', async () => {
    // Act
    const run = await runCli(
      [
        'plan',
        '--rules',
        'tight-guard.yaml',
        RULES[1] as string,
        RULES[2] as string,
        '--snapshot',
        SNAPSHOT,
        '--format',
        'json',
      ],
      { cwd: dir },
    );

    // Assess
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout);
    expect(printed.delete).toEqual([]);
    expect(printed.create).toHaveLength(12);
    // Six, not the example's four: without `protected`, log-archive and BreakGlass are fair game.
    expect(printed.blocked.map((b: { reason: string; wouldDelete: number }) => [b.reason, b.wouldDelete])).toEqual([
      ['revocation guard: 6 assignment deletions exceed maxPerRun 1', 6],
    ]);
    expect(printed.blocked[0].changes).toHaveLength(6);
    expect(Object.keys(printed.blocked[0].changes[0])).toEqual([
      'accountId',
      'permissionSetArn',
      'permissionSetName',
      'principalType',
      'principalId',
      'principalName',
      'reason',
    ]);
  });

  it.each([
    ['is not JSON', 'not-json.json', /^error: Invalid snapshot not-json\.json: not valid JSON/],
    [
      'has a field of the wrong shape',
      'wrong-shape.json',
      /^error: Invalid snapshot wrong-shape\.json: managementAccountId/,
    ],
    ['references an unknown account', 'dangling.json', /^error: Invalid snapshot dangling\.json: .*999999999999/],
  ])('exits 1 naming the file when the snapshot %s', async (_, file, message) => {
    // Act
    const run = await runCli(planArgs('--snapshot', file), { cwd: dir });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('exits 1 and prints the issues when the rules are invalid', async () => {
    // Prepare
    await writeFile(join(dir, 'invalid.yaml'), 'version: 2\n');

    // Act
    const run = await runCli(['plan', '--rules', 'invalid.yaml', '--snapshot', SNAPSHOT], { cwd: dir });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^invalid\.yaml:1: version: /m);
    expect(run.stderr).toMatch(/^error: the rules are invalid/m);
    expect(run.stdout).toBe('');
  });

  it.each([
    ['neither --snapshot nor --live', []],
    ['both --snapshot and --live', ['--snapshot', SNAPSHOT, '--live']],
  ])('exits 2 with %s', async (_, extra) => {
    // Act
    const run = await runCli(planArgs(...extra));

    // Assess
    expect(run.code).toBe(2);
  });

  it('exits 2 when the snapshot file does not exist', async () => {
    // Act
    const run = await runCli(planArgs('--snapshot', 'nowhere.json'), { cwd: dir });

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: snapshot file nowhere.json does not exist (or is a directory)\n');
  });

  it('plans against the live export with --live, passing the instance options through', async () => {
    // Prepare
    const calls: LiveExportOptions[] = [];
    const aws: AwsServices = {
      ...unreachableAws,
      exportLive: async (options, onProgress) => {
        calls.push(options);
        onProgress('reading accounts');
        return example;
      },
    };

    // Act
    const run = await runCli(
      planArgs('--live', '--format', 'json', '--instance-arn', example.instanceArn, '--region', 'eu-west-1'),
      { aws },
    );

    // Assess
    expect(run.code).toBe(0);
    expect(calls).toEqual([
      {
        region: 'eu-west-1',
        endpoint: undefined,
        instanceArn: example.instanceArn,
        identityStoreId: undefined,
        managementAccountId: undefined,
      },
    ]);
    expect(JSON.parse(run.stdout).create).toHaveLength(12);
    expect(run.stderr).toBe('reading accounts\n');
  });
});

import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

const RULES = ['settings.yaml', 'workloads.yaml', 'birthright.yaml'].map((f) => resolve('examples/rules', f));
const SNAPSHOT = resolve('examples/snapshot.json');
const NOW = () => Date.parse('2026-03-01T12:00:00Z');

const TEMPORARY = `version: 1
assignments:
  - id: incident-4711
    description: Break-fix access for an incident
    principals: [{ user: bob@example.com }]
    permissionSets: [AdministratorAccess]
    targets: { accounts: ["444455550002"] }
    validFrom: 2026-03-01T09:00:00Z
    validUntil: 2026-03-01T17:00:00Z
`;
const ENDED = TEMPORARY.replace('incident-4711', 'incident-0001').replace('2026-03-01T17', '2026-03-01T10');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'idc-cli-adopt-'));
  await writeFile(join(dir, 'temporary.yaml'), TEMPORARY);
  await writeFile(join(dir, 'ended.yaml'), ENDED);
});

describe('idc-lifecycle import', () => {
  it('writes rules that validate and that plan no deletes and no creates against the same organization', async () => {
    const out = join(dir, 'adopted');

    const run = await runCli(
      [
        'import',
        '--snapshot',
        SNAPSHOT,
        '--out',
        out,
        '--exclude-permission-set',
        'BreakGlassAdmin',
        '--protect-group',
        'BreakGlass',
      ],
      { now: NOW },
    );

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('plan with these rules against the same organization: 0 to create, 0 to delete');
    expect(run.stdout).toMatch(/the management account is outside the scope of the engine/);
    const files = (await readdir(out)).sort().map((f) => join(out, f));
    expect((await runCli(['validate', ...files])).code).toBe(0);
    const plan = await runCli(['plan', '--rules', ...files, '--snapshot', SNAPSHOT, '--format', 'json'], { now: NOW });
    const printed = JSON.parse(plan.stdout);
    expect([printed.create.length, printed.errors.length]).toEqual([0, 0]);
    // plan is the organization-wide run, which also offboards disabled and deleted principals
    // whatever the rules say; the imported rules themselves revoke nothing.
    const offboarding = ['user is disabled', 'user no longer exists', 'group no longer exists'];
    expect(printed.delete.filter((d: { reason: string }) => !offboarding.includes(d.reason))).toEqual([]);
    expect(await readFile(files[0] as string, 'utf8')).toMatch(
      /^# AdministratorAccess for group BreakGlass|# .* for group/m,
    );
  });

  it('refuses to overwrite an earlier import without --force', async () => {
    const out = join(dir, 'twice');
    await runCli(['import', '--snapshot', SNAPSHOT, '--out', out]);

    const again = await runCli(['import', '--snapshot', SNAPSHOT, '--out', out]);
    const forced = await runCli(['import', '--snapshot', SNAPSHOT, '--out', out, '--force']);

    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds an import/);
    expect(forced.code).toBe(0);
  });

  it('exits 2 for a permission set that does not exist', async () => {
    const run = await runCli([
      'import',
      '--snapshot',
      SNAPSHOT,
      '--out',
      join(dir, 'x'),
      '--exclude-permission-set',
      'Nope',
    ]);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no such permission set: Nope/);
  });
});

describe('idc-lifecycle explain', () => {
  it('answers why a user holds a permission set on an account, through which group, with the rule ids', async () => {
    const run = await runCli(
      ['explain', '--snapshot', SNAPSHOT, '--rules', ...RULES, '--user', 'alice@example.com', '--format', 'json'],
      { now: NOW },
    );

    expect(run.code).toBe(0);
    const { assignments } = JSON.parse(run.stdout);
    expect(assignments).toContainEqual({
      accountId: '444455550001',
      accountName: 'payments-prod',
      permissionSetName: 'AdministratorAccess',
      principalType: 'GROUP',
      principalName: 'Platform Admins',
      via: 'Platform Admins',
      status: 'wanted',
      ruleIds: ['platform-admins'],
      exists: true,
    });
    expect(Object.keys(assignments[0])).toEqual([
      'accountId',
      'accountName',
      'permissionSetName',
      'principalType',
      'principalName',
      'via',
      'status',
      'ruleIds',
      'exists',
    ]);
  });

  it('prints one block per assignment and a summary in table format', async () => {
    const run = await runCli(['explain', '--snapshot', SNAPSHOT, '--rules', ...RULES, '--account', '444455550001'], {
      now: NOW,
    });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('payments-prod (444455550001)  AdministratorAccess');
    expect(run.stdout).toMatch(/\d+ assignments: \d+ wanted, \d+ drift, \d+ unmanaged, \d+ protected\./);
  });

  it.each([
    ['no principal or account', []],
    ['two of them', ['--user', 'alice@example.com', '--account', '444455550001']],
    ['an unknown user', ['--user', 'nobody@example.com']],
  ])('exits 2 for %s', async (_name, extra) => {
    const run = await runCli(['explain', '--snapshot', SNAPSHOT, '--rules', ...RULES, ...extra]);

    expect(run.code).toBe(2);
  });
});

describe('time-bound rules on the command line', () => {
  it.each([
    ['inside the window, plan grants', '2026-03-01T10:00:00Z', 1],
    ['after the window, plan grants nothing', '2026-03-01T17:00:00Z', 0],
  ])('%s (plan --at)', async (_name, at, creates) => {
    const run = await runCli([
      'plan',
      '--rules',
      ...RULES,
      join(dir, 'temporary.yaml'),
      '--snapshot',
      SNAPSHOT,
      '--format',
      'json',
      '--at',
      at,
    ]);

    const printed = JSON.parse(run.stdout);
    expect(printed.create.filter((c: { ruleIds: string[] }) => c.ruleIds.includes('incident-4711'))).toHaveLength(
      creates,
    );
  });

  it('refuses an --at without a time zone', async () => {
    const run = await runCli(['plan', '--rules', ...RULES, '--snapshot', SNAPSHOT, '--at', '2026-03-01T10:00:00']);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/time zone/);
  });

  it('warns about a rule whose window has ended, and still validates', async () => {
    const run = await runCli(['validate', ...RULES, join(dir, 'ended.yaml')], { now: NOW });

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/warning: rule "incident-0001" ended at 2026-03-01T10:00:00Z/);
  });
});

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consoleDisableUser,
  removeAccountFromOrganization,
  updateManagedAccount,
} from '../integration/support/events.js';
import { runCli, stripAnsi } from './support/run-cli.js';

/**
 * `idc-lifecycle simulate` in-process on the examples. The expected results are worked out by hand
 * from examples/snapshot.json and examples/rules/*.yaml; the synthetic events are built from the
 * shapes in docs/aws-facts.md §1, not taken from examples/events.
 */

const repo = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const sample = (path: string): string => fileURLToPath(new URL(`../fixtures/events/samples/${path}`, import.meta.url));

const SNAPSHOT = repo('examples/snapshot.json');
const RULES = ['birthright', 'settings', 'workloads'].map((n) => repo(`examples/rules/${n}.yaml`));

const PS = 'arn:aws:sso:::permissionSet/ssoins-7223be8d4e9143ea';
const READ_ONLY = `${PS}/ps-05059f6a42fb69cb`;
const POWER_USER = `${PS}/ps-91ecbf7c67698bb1`;
const VIEW_ONLY = `${PS}/ps-63949252fe2e04b3`;
const ALICE = '4a39fd12-0c04-4961-bb50-801732aa40c2';
const DAVE = 'cfffcc72-7a2f-409a-b7c3-390adca18c5b';
const DEVELOPERS = '5005a685-ee71-4d1b-b3a8-051c7f160f3c';
const PLATFORM_ADMINS = '6769e45f-521d-4d47-bf9e-5486d7d6ae4b';
const SECURITY_AUDITORS = 'f7c69da7-65ae-4270-9928-ce6cfd240a93';
const ORDERS_DEV = '666677770002';
const SANDBOX_BOB = '777788880002';
const PROD_OU = 'ou-ab12-7c1e2d30';

const emptyResult = { create: [], delete: [], memberships: { add: [], remove: [] }, blocked: [], errors: [] };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'simulate-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const eventFile = async (name: string, event: unknown): Promise<string> => {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(event), 'utf8');
  return path;
};

const simulate = (events: readonly string[], ...extra: string[]) =>
  runCli(['simulate', '--snapshot', SNAPSHOT, '--rules', ...RULES, '--event', ...events, ...extra]);

const json = async (events: readonly string[], ...extra: string[]) => {
  const run = await simulate(events, '--format', 'json', ...extra);
  return { ...run, result: JSON.parse(run.stdout) as unknown };
};

const aliceReadOnlyDeleted = (accountId: string) => ({
  accountId,
  permissionSetArn: READ_ONLY,
  permissionSetName: 'ReadOnlyAccess',
  principalType: 'USER',
  principalId: ALICE,
  principalName: 'alice@example.com',
  reason: 'user is disabled',
});

const movedToProd = {
  create: [
    {
      accountId: ORDERS_DEV,
      permissionSetArn: READ_ONLY,
      permissionSetName: 'ReadOnlyAccess',
      principalType: 'GROUP',
      principalId: DEVELOPERS,
      principalName: 'Developers',
      ruleIds: ['developers-prod-readonly'],
    },
    {
      accountId: ORDERS_DEV,
      permissionSetArn: READ_ONLY,
      permissionSetName: 'ReadOnlyAccess',
      principalType: 'USER',
      principalId: ALICE,
      principalName: 'alice@example.com',
      ruleIds: ['sre-prod-readonly'],
    },
    {
      accountId: ORDERS_DEV,
      permissionSetArn: READ_ONLY,
      permissionSetName: 'ReadOnlyAccess',
      principalType: 'USER',
      principalId: DAVE,
      principalName: 'dave@example.com',
      ruleIds: ['sre-prod-readonly'],
    },
  ],
  delete: [
    {
      accountId: ORDERS_DEV,
      permissionSetArn: POWER_USER,
      permissionSetName: 'PowerUserAccess',
      principalType: 'GROUP',
      principalId: DEVELOPERS,
      principalName: 'Developers',
      reason: 'no rule grants PowerUserAccess to GROUP Developers on this account',
    },
  ],
};

describe('idc-lifecycle simulate', () => {
  it('offboards a user disabled in the console: every direct assignment and membership goes', async () => {
    // Prepare
    const disabled = await eventFile('disable-alice.json', consoleDisableUser(ALICE));

    // Act
    const { code, result } = await json([disabled]);

    // Assess
    expect(code).toBe(0);
    expect(result).toEqual({
      ...emptyResult,
      delete: ['444455550001', '444455550002', '444455550003'].map(aliceReadOnlyDeleted),
      memberships: { add: [], remove: [{ groupId: PLATFORM_ADMINS, userId: ALICE, reason: 'user is disabled' }] },
    });
  });

  it('gives an account moved by Control Tower exactly the access of its new OU', async () => {
    // Prepare
    const moved = await eventFile(
      'update-managed-account.json',
      updateManagedAccount(ORDERS_DEV, 'orders-dev', PROD_OU, 'Prod'),
    );

    // Act
    const { code, result } = await json([moved]);

    // Assess
    expect(code).toBe(0);
    expect(result).toEqual({ ...emptyResult, ...movedToProd });
  });

  it('changes no other account when an account is removed from the organization', async () => {
    // Prepare
    const removed = await eventFile('remove-account.json', removeAccountFromOrganization(SANDBOX_BOB));

    // Act
    const { code, result } = await json([removed]);

    // Assess
    expect(code).toBe(0);
    expect(result).toEqual(emptyResult);
  });

  it('totals the changes over the events, in the order they happened', async () => {
    // Prepare: the move grants alice read-only on orders-dev, and disabling her then takes it back.
    const events = [
      await eventFile('a-move.json', updateManagedAccount(ORDERS_DEV, 'orders-dev', PROD_OU, 'Prod')),
      await eventFile('b-disable.json', consoleDisableUser(ALICE)),
      await eventFile('c-remove.json', removeAccountFromOrganization(SANDBOX_BOB)),
    ];

    // Act
    const { code, result } = await json(events);

    // Assess
    expect(code).toBe(0);
    expect(result).toEqual({
      ...emptyResult,
      create: movedToProd.create,
      delete: [
        ...movedToProd.delete,
        ...['444455550001', '444455550002', '444455550003', ORDERS_DEV].map(aliceReadOnlyDeleted),
      ],
      memberships: { add: [], remove: [{ groupId: PLATFORM_ADMINS, userId: ALICE, reason: 'user is disabled' }] },
    });
  });

  it('runs the collected samples: a bare record is wrapped, unknown ids and other parameters change nothing', async () => {
    // Prepare
    const samples = [
      sample('organizations/CreateAccountResult.doc-example.json'),
      sample('organizations/MoveAccount.json'),
      sample('ssm/ParameterStoreChange.Update.json'),
      sample('sso-directory/DeleteUser.json'),
    ];

    // Act
    const { code, result } = await json(samples);

    // Assess
    expect(code).toBe(0);
    expect(result).toEqual({
      ...emptyResult,
      create: [
        {
          accountId: '444455556666',
          permissionSetArn: VIEW_ONLY,
          permissionSetName: 'ViewOnlyAccess',
          principalType: 'GROUP',
          principalId: SECURITY_AUDITORS,
          principalName: 'Security Auditors',
          ruleIds: ['security-auditors'],
        },
      ],
    });
  });

  it('exits 1 on a malformed event, after printing what did happen', async () => {
    // Act: the sample's account id is the placeholder INSERT_ACCOUNT_ID.
    const { code, stdout, stderr } = await simulate(
      [sample('organizations/CreateAccountResult.json')],
      '--format',
      'json',
    );

    // Assess
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual(emptyResult);
    expect(stderr).toMatch(/CreateAccountResult\.json is malformed: no well-formed account id/);
  });

  it('tells each event’s story and the totals in the table format', async () => {
    // Act
    const { code, stdout } = await simulate([
      repo('examples/events/01-create-account-result.json'),
      repo('examples/events/02-move-account.json'),
    ]);

    // Assess
    const text = stripAnsi(stdout);
    expect(code).toBe(0);
    expect(text).toContain('Event 2 of 2');
    expect(text).toMatch(/arrived +aws\.organizations MoveAccount/);
    expect(text).toMatch(
      /happened +account 999900001111 \(account-999900001111\) moved from the root to \/Workloads\/Prod/,
    );
    expect(text).toMatch(/scope +account:999900001111/);
    expect(text).toMatch(/\+ AdministratorAccess +GROUP +Platform Admins +rules: platform-admins/);
    expect(text).toContain(
      'Changed: 4 assignments created, 0 deleted; memberships: 0 added, 0 removed; 0 blocked; 0 rule errors.',
    );
  });

  describe('under mode: report', () => {
    const reportRules = async (): Promise<string[]> => {
      const reportDir = join(dir, 'report');
      await mkdir(reportDir, { recursive: true });
      const settings = await readFile(repo('examples/rules/settings.yaml'), 'utf8');
      expect(settings).toMatch(/^ {2}mode: enforce$/m);
      const settingsFile = join(reportDir, 'settings.yaml');
      await writeFile(settingsFile, settings.replace(/^ {2}mode: enforce$/m, '  mode: report'), 'utf8');
      return RULES.map((file) => (file.endsWith('settings.yaml') ? settingsFile : file));
    };
    const events = [
      repo('examples/events/01-create-account-result.json'),
      repo('examples/events/02-move-account.json'),
    ];

    it('says for each event what would change, and that nothing did', async () => {
      // Act
      const rules = await reportRules();
      const { code, stdout } = await runCli([
        'simulate',
        '--snapshot',
        SNAPSHOT,
        '--rules',
        ...rules,
        '--event',
        ...events,
      ]);

      // Assess
      const text = stripAnsi(stdout);
      expect(code).toBe(0);
      expect(text).toMatch(/^ {2}changed {3}nothing: the rules are in report mode$/m);
      expect(text).toMatch(/^ {2}reported {2}would create 4 assignments \(mode: report, so not done\)$/m);
      expect(text).not.toMatch(/changed +4 assignments created/);
    });

    it('totals nothing as changed, and what would have changed apart from it', async () => {
      // Act
      const rules = await reportRules();
      const { stdout } = await runCli(['simulate', '--snapshot', SNAPSHOT, '--rules', ...rules, '--event', ...events]);

      // Assess
      const text = stripAnsi(stdout);
      expect(text).toContain(
        'Changed: 0 assignments created, 0 deleted; memberships: 0 added, 0 removed; 0 blocked; 0 rule errors.',
      );
      expect(text).toContain(
        'Would change: 4 to create, 0 to delete; memberships: 0 to add, 0 to remove. Nothing of it was changed.',
      );
    });
  });

  it('publishes a rules update before the events, so that an SSM change fans it out', async () => {
    // Act
    const { code, result } = await json(
      [repo('examples/events/06-rules-changed.json')],
      '--rules-update',
      repo('examples/events/rules-update/workloads.yaml'),
    );

    // Assess
    expect(code).toBe(0);
    const create = (result as { create: { accountId: string; principalName: string; ruleIds: string[] }[] }).create;
    expect(create).toContainEqual(
      expect.objectContaining({
        accountId: '444455550004',
        principalName: 'Data Engineers',
        ruleIds: ['data-engineers'],
      }),
    );
    expect(create).toContainEqual(
      expect.objectContaining({
        accountId: '333344440001',
        principalName: 'alice@example.com',
        ruleIds: ['sre-prod-readonly'],
      }),
    );
  });

  it('exits 1 when the rules update is invalid, and the rules in force stay', async () => {
    // Prepare
    const broken = join(dir, 'workloads.yaml');
    await writeFile(broken, 'version: 1\nassignments:\n  - id: no-targets\n', 'utf8');

    // Act
    const { code, result, stderr } = await json(
      [repo('examples/events/06-rules-changed.json')],
      '--rules-update',
      broken,
    );

    // Assess
    expect(code).toBe(1);
    expect(stderr).toMatch(/rules document \/idc-lifecycle\/rules\/workloads was rejected/);
    const create = (result as { create: { ruleIds: string[] }[] }).create;
    expect(create.some((c) => c.ruleIds.includes('platform-admins'))).toBe(true);
  });

  it('exits 2 when an event file does not exist', async () => {
    // Act
    const { code, stderr } = await simulate([join(dir, 'missing.json')]);

    // Assess
    expect(code).toBe(2);
    expect(stderr).toMatch(/event file .*missing\.json does not exist/);
  });
});

describe('idc-lifecycle plan and simulate', () => {
  const keyOf = (c: { accountId: string; permissionSetArn: string; principalType: string; principalId: string }) =>
    `${c.accountId}|${c.permissionSetArn}|${c.principalType}|${c.principalId}`;
  type Change = { accountId: string; permissionSetArn: string; principalType: string; principalId: string };
  type Result = { create: Change[]; delete: Change[]; blocked: { reason: string; changes: Change[] }[] };

  it('report the same creates, deletes and held changes for the same rules change', async () => {
    // Prepare: a guard that holds any revocation, so that the run's held changes are compared too
    const settings = (await readFile(RULES[1] as string, 'utf8')).replace(/maxPerRun: \d+/, 'maxPerRun: 0');
    const parity = join(dir, 'parity');
    await mkdir(parity, { recursive: true });
    await writeFile(join(parity, 'settings.yaml'), settings);
    const rulesBefore = [RULES[0] as string, join(parity, 'settings.yaml'), RULES[2] as string];
    const update = repo('examples/events/rules-update/workloads.yaml');

    // Act
    const planned = await runCli([
      'plan',
      '--rules',
      RULES[0] as string,
      join(parity, 'settings.yaml'),
      update,
      '--snapshot',
      SNAPSHOT,
      '--format',
      'json',
    ]);
    const simulated = await runCli([
      'simulate',
      '--snapshot',
      SNAPSHOT,
      '--rules',
      ...rulesBefore,
      '--event',
      repo('examples/events/06-rules-changed.json'),
      '--rules-update',
      update,
      '--format',
      'json',
    ]);

    // Assess
    const plan = JSON.parse(planned.stdout) as Result;
    const sim = JSON.parse(simulated.stdout) as Result;
    expect(sim.create.map(keyOf).sort()).toEqual(plan.create.map(keyOf).sort());
    expect(sim.delete.map(keyOf).sort()).toEqual(plan.delete.map(keyOf).sort());
    const held = (r: Result) => r.blocked.flatMap((b) => b.changes.map(keyOf)).sort();
    expect(held(plan).length).toBeGreaterThan(0);
    expect(held(sim)).toEqual(held(plan));
  });
});

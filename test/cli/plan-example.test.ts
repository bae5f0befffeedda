import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '../../shared/domain/snapshot.js';
import { runCli, stripAnsi } from './support/run-cli.js';

/**
 * What `plan` must print for `examples/`, worked out by hand from the rules and the snapshot (see
 * docs/cli.md for the story of each line). Names here are turned into ids through the snapshot,
 * so the table reads like the plan a person would review.
 */
const RULES = ['examples/rules/settings.yaml', 'examples/rules/workloads.yaml', 'examples/rules/birthright.yaml'];
const SNAPSHOT = 'examples/snapshot.json';

// account                 permission set         type     principal            rules
const EXPECTED_CREATES: [string, string, 'USER' | 'GROUP', string, string[]][] = [
  // ml-prod was just moved into /Workloads/Prod: everything prod accounts get.
  ['ml-prod', 'AdministratorAccess', 'GROUP', 'Platform Admins', ['platform-admins']],
  ['ml-prod', 'ReadOnlyAccess', 'GROUP', 'Developers', ['developers-prod-readonly']], // confidential, not restricted
  ['ml-prod', 'ReadOnlyAccess', 'USER', 'alice@example.com', ['sre-prod-readonly']],
  ['ml-prod', 'ReadOnlyAccess', 'USER', 'dave@example.com', ['sre-prod-readonly']],
  ['ml-prod', 'ViewOnlyAccess', 'GROUP', 'Security Auditors', ['security-auditors']],
  // dave became an SRE: the attribute selector now matches him on every prod account.
  ['payments-prod', 'ReadOnlyAccess', 'USER', 'dave@example.com', ['sre-prod-readonly']],
  ['orders-prod', 'ReadOnlyAccess', 'USER', 'dave@example.com', ['sre-prod-readonly']],
  ['analytics-prod', 'ReadOnlyAccess', 'USER', 'dave@example.com', ['sre-prod-readonly']],
  // A new account five levels down: Dev (by OU id) reaches it; platform-admins excludes Experiments.
  ['team-a-deep-research', 'PowerUserAccess', 'GROUP', 'Developers', ['developers-nonprod']],
  ['team-a-deep-research', 'ViewOnlyAccess', 'GROUP', 'Security Auditors', ['security-auditors']],
  // A new sandbox.
  ['sandbox-bob', 'AdministratorAccess', 'GROUP', 'Developers', ['sandbox-developers']],
  ['sandbox-bob', 'ViewOnlyAccess', 'GROUP', 'Security Auditors', ['security-auditors']],
];

const noRule = (ps: string, type: string, name: string): string =>
  `no rule grants ${ps} to ${type} ${name} on this account`;

// account                 permission set         type     principal            reason
const EXPECTED_DELETES: [string, string, 'USER' | 'GROUP', string, string][] = [
  // Developers no longer get PowerUserAccess in prod (only ReadOnly, and not on restricted data).
  ['payments-prod', 'PowerUserAccess', 'GROUP', 'Developers', noRule('PowerUserAccess', 'GROUP', 'Developers')],
  // heidi is disabled: the selector skips her, and her assignment is drift.
  ['payments-prod', 'ReadOnlyAccess', 'USER', 'heidi@example.com', 'user is disabled'],
  // A hand-made grant that no rule backs.
  [
    'orders-staging',
    'AdministratorAccess',
    'USER',
    'bob@example.com',
    noRule('AdministratorAccess', 'USER', 'bob@example.com'),
  ],
  // Experiments is excluded from platform-admins now.
  [
    'team-a-experiments',
    'AdministratorAccess',
    'GROUP',
    'Platform Admins',
    noRule('AdministratorAccess', 'GROUP', 'Platform Admins'),
  ],
];
// Left alone on purpose, and therefore in neither list: Platform Admins on the management account
// (out of scope), Developers on legacy-billing (SUSPENDED), everything on log-archive (protected
// account), BreakGlass's AdministratorAccess on network-hub (protected principal), BreakGlassAdmin
// (protected permission set) and FinOps's BillingAccess (not managed).

// group               user                   rules or reason
const EXPECTED_MEMBERSHIP_ADDS: [string, string, string[]][] = [
  ['Developers', 'grace@example.com', ['engineering-developers']],
  ['Data Engineers', 'ivan@example.com', ['data-engineers-membership']],
];
const EXPECTED_MEMBERSHIP_REMOVES: [string, string, string][] = [
  [
    'Data Engineers',
    'mallory@example.com',
    'user no longer matches authoritative membership rule(s) data-engineers-membership',
  ],
];

const snapshot = parseSnapshot(JSON.parse(readFileSync(SNAPSHOT, 'utf8')), SNAPSHOT);
const idOf = {
  account: (name: string) => snapshot.accounts.find((a) => a.name === name)?.id ?? `missing account ${name}`,
  permissionSet: (name: string) =>
    snapshot.permissionSets.find((p) => p.name === name)?.arn ?? `missing permission set ${name}`,
  group: (name: string) => snapshot.groups.find((g) => g.displayName === name)?.id ?? `missing group ${name}`,
  user: (name: string) => snapshot.users.find((u) => u.userName === name)?.id ?? `missing user ${name}`,
};
const principalId = (type: 'USER' | 'GROUP', name: string) => (type === 'USER' ? idOf.user(name) : idOf.group(name));
const byKey = <T extends object>(items: readonly T[]): T[] =>
  [...items].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('plan on the examples', () => {
  it('prints exactly the hand-derived plan as JSON', async () => {
    // Prepare
    const expected = {
      create: EXPECTED_CREATES.map(([account, ps, type, name, ruleIds]) => ({
        accountId: idOf.account(account),
        permissionSetArn: idOf.permissionSet(ps),
        permissionSetName: ps,
        principalType: type,
        principalId: principalId(type, name),
        principalName: name,
        ruleIds,
      })),
      delete: EXPECTED_DELETES.map(([account, ps, type, name, reason]) => ({
        accountId: idOf.account(account),
        permissionSetArn: idOf.permissionSet(ps),
        permissionSetName: ps,
        principalType: type,
        principalId: principalId(type, name),
        principalName: name,
        reason,
      })),
      memberships: {
        add: EXPECTED_MEMBERSHIP_ADDS.map(([group, user, ruleIds]) => ({
          groupId: idOf.group(group),
          userId: idOf.user(user),
          ruleIds,
        })),
        remove: EXPECTED_MEMBERSHIP_REMOVES.map(([group, user, reason]) => ({
          groupId: idOf.group(group),
          userId: idOf.user(user),
          reason,
        })),
      },
      blocked: [],
      errors: [],
    };

    // Act
    const run = await runCli(['plan', '--rules', ...RULES, '--snapshot', SNAPSHOT, '--format', 'json']);

    // Assess
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout);
    expect(Object.keys(printed)).toEqual(['create', 'delete', 'memberships', 'blocked', 'errors']);
    expect(byKey(printed.create)).toEqual(byKey(expected.create));
    expect(byKey(printed.delete)).toEqual(byKey(expected.delete));
    expect(byKey(printed.memberships.add)).toEqual(byKey(expected.memberships.add));
    expect(byKey(printed.memberships.remove)).toEqual(byKey(expected.memberships.remove));
    expect(printed.blocked).toEqual([]);
    expect(printed.errors).toEqual([]);
  });

  it('groups the table by account with OU paths, then memberships, then a total', async () => {
    // Act
    const run = await runCli(['plan', '--rules', ...RULES, '--snapshot', SNAPSHOT]);

    // Assess
    expect(run.code).toBe(0);
    const lines = stripAnsi(run.stdout).split('\n');
    const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
    const paymentsProd = at(/^payments-prod \(444455550001\) {2}\/Workloads\/Prod$/);
    expect(paymentsProd).toBeGreaterThan(at(/^Account assignments$/));
    expect(lines.slice(paymentsProd + 1, paymentsProd + 4)).toEqual([
      expect.stringMatching(/^ {2}\+ ReadOnlyAccess +USER +dave@example\.com +rules: sre-prod-readonly$/),
      expect.stringMatching(
        /^ {2}- PowerUserAccess +GROUP +Developers +reason: no rule grants PowerUserAccess to GROUP Developers on this account$/,
      ),
      expect.stringMatching(/^ {2}- ReadOnlyAccess +USER +heidi@example\.com +reason: user is disabled$/),
    ]);
    expect(
      at(/^team-a-deep-research \(666677770005\) {2}\/Workloads\/Dev\/Team-A\/Experiments\/Deep$/),
    ).toBeGreaterThan(0);
    const memberships = at(/^Group memberships$/);
    expect(memberships).toBeGreaterThan(paymentsProd);
    expect(lines.slice(memberships).join('\n')).toMatch(
      /\+ Developers +grace@example\.com +rules: engineering-developers/,
    );
    expect(lines.slice(memberships).join('\n')).toMatch(
      /- Data Engineers +mallory@example\.com +reason: user no longer/,
    );
    expect(lines.filter((l) => l !== '').at(-1)).toBe(
      'Plan: 12 to create, 4 to delete; memberships: 2 to add, 1 to remove; 0 blocked; 0 errors.',
    );
  });
});

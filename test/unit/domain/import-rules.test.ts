import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderImport } from '../../../cli/import-documents.js';
import { importRules } from '../../../shared/domain/import-rules.js';
import type { AccountAssignment, OrganizationView } from '../../../shared/domain/model.js';
import { plan } from '../../../shared/domain/plan.js';
import { loadRuleSet } from '../../../shared/domain/rules/load.js';
import type { Targets } from '../../../shared/domain/rules/schema.js';
import { worldArbitrary } from '../../support/org-arbitrary.js';
import { type OrgBuilder, orgBuilder } from '../../support/org-builder.js';

const NOW = Date.parse('2026-03-01T00:00:00Z');

/** Loads the rendered documents exactly as `validate` would, and plans them against the same organization. */
const importThenPlan = (view: OrganizationView, assignments: readonly AccountAssignment[]) => {
  const result = importRules(view, assignments);
  const documents = renderImport(result, 'test');
  const loaded = loadRuleSet(documents.map((d) => ({ name: d.name, text: d.text })));
  if (!loaded.ok) throw new Error(loaded.issues.map((i) => `${i.document}:${i.line} ${i.message}`).join('\n'));
  const p = plan({
    ruleSet: loaded.ruleSet,
    view,
    actualAssignments: assignments,
    actualMemberships: [],
    includeMemberships: false,
    now: NOW,
  });
  return { result, plan: p };
};

const org = (): OrgBuilder =>
  orgBuilder()
    .managementAccount('111111111111')
    .account('200000000001', { ou: '/Workloads/Prod', tags: { env: 'prod', team: 'a' } })
    .account('200000000002', { ou: '/Workloads/Prod/EU', tags: { env: 'prod', team: 'b' } })
    .account('200000000003', { ou: '/Workloads/Dev', tags: { env: 'dev', team: 'a' } })
    .account('200000000004', { ou: '/Workloads/Dev', tags: { env: 'dev', team: 'b' } })
    .account('200000000005', { ou: '/Sandbox', tags: { env: 'sandbox', team: 'a' } })
    .account('400000000001', { ou: '/Workloads/Prod', status: 'SUSPENDED', tags: { env: 'prod' } })
    .permissionSet('AdministratorAccess')
    .permissionSet('ReadOnlyAccess')
    .permissionSet('BreakGlassAdmin')
    .group('Platform')
    .group('Auditors')
    .group('Team A')
    .user('alice')
    .user('dave', { active: false });

describe('importRules (targets)', () => {
  it.each<[string, (o: OrgBuilder) => OrgBuilder, Targets]>([
    [
      'an OU whose every active account (nested included) holds the assignment becomes an OU target',
      (o) =>
        o
          .assign('200000000001', 'ReadOnlyAccess', { group: 'Auditors' })
          .assign('200000000002', 'ReadOnlyAccess', { group: 'Auditors' }),
      { organizationalUnits: ['/Workloads/Prod'] },
    ],
    [
      'every member account becomes the root',
      (o) =>
        ['200000000001', '200000000002', '200000000003', '200000000004', '200000000005'].reduce(
          (b, id) => b.assign(id, 'ReadOnlyAccess', { group: 'Auditors' }),
          o,
        ),
      { organizationalUnits: ['/'] },
    ],
    [
      'a tag held by exactly those accounts becomes a tag target',
      (o) =>
        o
          .assign('200000000001', 'ReadOnlyAccess', { group: 'Team A' })
          .assign('200000000003', 'ReadOnlyAccess', { group: 'Team A' })
          .assign('200000000005', 'ReadOnlyAccess', { group: 'Team A' }),
      { accountTags: { team: ['a'] } },
    ],
    [
      'accounts that no OU or tag explains are listed',
      (o) =>
        o
          .assign('200000000001', 'AdministratorAccess', { user: 'alice' })
          .assign('200000000004', 'AdministratorAccess', { user: 'alice' }),
      { accounts: ['200000000001', '200000000004'] },
    ],
    [
      'a whole OU and a stray account share one rule',
      (o) =>
        o
          .assign('200000000003', 'AdministratorAccess', { group: 'Platform' })
          .assign('200000000004', 'AdministratorAccess', { group: 'Platform' })
          .assign('200000000001', 'AdministratorAccess', { group: 'Platform' }),
      { organizationalUnits: ['/Workloads/Dev'], accounts: ['200000000001'] },
    ],
  ])('%s', (_name, build, targets) => {
    const o = build(org());

    const { result, plan: p } = importThenPlan(o.view(), o.assignments());

    expect(result.rules.map((r) => r.rule.targets)).toEqual([targets]);
    expect(p.create).toEqual([]);
    expect(p.delete).toEqual([]);
  });

  it('merges principals with the same permission set and targets into one rule, with a comment of origin', () => {
    const o = org()
      .assign('200000000005', 'ReadOnlyAccess', { group: 'Auditors' })
      .assign('200000000005', 'ReadOnlyAccess', { user: 'alice' });

    const { result } = importThenPlan(o.view(), o.assignments());

    expect(result.rules).toEqual([
      {
        rule: {
          id: 'adopt-readonlyaccess-auditors',
          principals: [{ group: 'Auditors' }, { user: 'alice' }],
          permissionSets: ['ReadOnlyAccess'],
          targets: { organizationalUnits: ['/Sandbox'] },
        },
        origin:
          'ReadOnlyAccess for group Auditors, user alice: held today on every account of /Sandbox (1 account, nested OUs included)',
        assignments: 2,
      },
    ]);
  });
});

describe('importRules (what it cannot express)', () => {
  it.each<[string, (o: OrgBuilder) => OrgBuilder, string, boolean]>([
    [
      'an assignment on the management account',
      (o) => o.assign('111111111111', 'AdministratorAccess', { group: 'Platform' }),
      'the management account is outside the scope of the engine',
      true,
    ],
    [
      'an assignment on a suspended account',
      (o) => o.assign('400000000001', 'AdministratorAccess', { group: 'Platform' }),
      'the account is SUSPENDED; the engine only changes ACTIVE accounts',
      true,
    ],
    [
      'an assignment of a principal that no longer exists',
      (o) => o.assign('200000000001', 'AdministratorAccess', { principalType: 'GROUP', principalId: 'gone' }),
      'the principal is not in the directory (deleted?); no rule can name it',
      false,
    ],
    [
      'an assignment of a disabled user',
      (o) => o.assign('200000000001', 'AdministratorAccess', { user: 'dave' }),
      'the user is disabled; rules never grant to disabled users',
      false,
    ],
  ])('reports %s', (_name, build, reason, leftAlone) => {
    const o = build(org());

    const result = importRules(o.view(), o.assignments());

    expect(result.rules).toEqual([]);
    expect(result.notImported).toEqual([expect.objectContaining({ reason, leftAlone })]);
  });

  it('leaves a permission set unmanaged when one of its assignments cannot be expressed, so nothing is revoked', () => {
    const o = org()
      .assign('200000000001', 'AdministratorAccess', { group: 'Platform' })
      .assign('200000000002', 'AdministratorAccess', { user: 'dave' })
      .assign('200000000005', 'ReadOnlyAccess', { group: 'Auditors' });

    const { result, plan: p } = importThenPlan(o.view(), o.assignments());

    expect(result.managedPermissionSets).toEqual(['ReadOnlyAccess']);
    expect(result.unmanagedPermissionSets).toEqual([
      { name: 'AdministratorAccess', reason: 'the user is disabled; rules never grant to disabled users (1 such)' },
    ]);
    expect(result.rules.map((r) => r.rule.permissionSets)).toEqual([['ReadOnlyAccess']]);
    expect(p.delete).toEqual([]);
  });

  it('refuses to name a group whose display name is not unique', () => {
    const view = org().view();
    const twin = { ...view, groups: [...view.groups, { id: 'group-twin', displayName: 'Platform' }] };
    const assignments: AccountAssignment[] = [
      {
        accountId: '200000000001',
        permissionSetArn: view.permissionSets[0]?.arn as string,
        principalType: 'GROUP',
        principalId: 'group-twin',
      },
    ];

    const result = importRules(twin, assignments);

    expect(result.managedPermissionSets).toEqual([]);
    expect(result.notImported[0]?.reason).toMatch(/"Platform" is not unique/);
  });

  it.each<[string, { permissionSets?: string[]; excludePermissionSets?: string[] }, string[]]>([
    ['adopts every permission set by default', {}, ['AdministratorAccess', 'BreakGlassAdmin', 'ReadOnlyAccess']],
    [
      'leaves out the excluded ones',
      { excludePermissionSets: ['BreakGlassAdmin'] },
      ['AdministratorAccess', 'ReadOnlyAccess'],
    ],
    ['adopts only the ones asked for', { permissionSets: ['ReadOnlyAccess'] }, ['ReadOnlyAccess']],
  ])('%s', (_name, options, managed) => {
    const o = org()
      .assign('200000000001', 'AdministratorAccess', { group: 'Platform' })
      .assign('200000000001', 'BreakGlassAdmin', { group: 'Platform' })
      .assign('200000000001', 'ReadOnlyAccess', { group: 'Platform' });

    expect(importRules(o.view(), o.assignments(), options).managedPermissionSets).toEqual(managed);
  });

  it('writes protected principals and accounts into the settings and adopts none of their assignments', () => {
    const o = org()
      .assign('200000000001', 'AdministratorAccess', { group: 'Platform' })
      .assign('200000000002', 'AdministratorAccess', { user: 'alice' })
      .assign('200000000003', 'AdministratorAccess', { group: 'Auditors' });

    const result = importRules(o.view(), o.assignments(), {
      protectedGroups: ['Platform'],
      protectedAccounts: ['200000000002'],
    });

    expect(result.protected).toEqual({
      permissionSets: [],
      principals: [{ group: 'Platform' }],
      accounts: ['200000000002'],
    });
    expect(result.rules.map((r) => r.rule.principals)).toEqual([[{ group: 'Auditors' }]]);
    expect(result.notImported.map((n) => n.reason).sort()).toEqual([
      'the account is protected',
      'the principal is protected',
    ]);
  });
});

describe('renderImport', () => {
  it('splits a large import into documents that each fit an SSM parameter', () => {
    let o = org();
    for (let i = 0; i < 60; i++) o = o.user(`user-${String(i).padStart(3, '0')}@example.com`);
    for (let i = 0; i < 60; i++) {
      o = o.assign(i % 2 === 0 ? '200000000001' : '200000000004', 'ReadOnlyAccess', {
        user: `user-${String(i).padStart(3, '0')}@example.com`,
      });
      o = o.assign('200000000003', 'AdministratorAccess', { user: `user-${String(i).padStart(3, '0')}@example.com` });
    }

    const documents = renderImport(importRules(o.view(), o.assignments()), 'big.json');

    expect(documents.length).toBeGreaterThan(2);
    for (const d of documents) expect(Buffer.byteLength(d.text)).toBeLessThanOrEqual(8000);
    expect(loadRuleSet(documents).ok).toBe(true);
  });
});

describe('importRules (properties)', () => {
  it('gives rules whose plan against the same organization deletes nothing and creates nothing', () => {
    fc.assert(
      fc.property(worldArbitrary(), (world) => {
        const result = importRules(world.view, world.actualAssignments);
        fc.pre(result.rules.length > 0);

        const { plan: p } = importThenPlan(world.view, world.actualAssignments);

        expect(p.delete).toEqual([]);
        expect(p.create).toEqual([]);
        expect(p.errors).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('accounts for every assignment: adopted by a rule or reported', () => {
    fc.assert(
      fc.property(worldArbitrary(), (world) => {
        const result = importRules(world.view, world.actualAssignments);
        const distinct = new Set(
          world.actualAssignments.map((a) => `${a.accountId}|${a.permissionSetArn}|${a.principalId}`),
        );

        const adopted = result.rules.reduce((n, r) => n + r.assignments, 0);

        expect(adopted + result.notImported.length).toBe(distinct.size);
      }),
      { numRuns: 200 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../shared/domain/evaluate.js';
import type { AccountAssignment, GroupMembership } from '../../../shared/domain/model.js';
import type { PlanInput } from '../../../shared/domain/plan.js';
import { plan } from '../../../shared/domain/plan.js';
import { withoutChanges } from '../../support/blocks.js';
import {
  type AssignmentRuleInput,
  type OrgBuilder,
  ruleSetOf,
  type SettingsOverrides,
} from '../../support/org-builder.js';
import { ACCOUNTS, standardOrg } from './standard-org.js';

const A = ACCOUNTS;

const auditorsReadOnly: AssignmentRuleInput = {
  id: 'auditors',
  principals: [{ group: 'Auditors' }],
  permissionSets: ['ReadOnlyAccess'],
  targets: { organizationalUnits: ['/Workloads'] },
};

const planOf = (
  org: OrgBuilder,
  rules: { settings?: SettingsOverrides; assignments?: AssignmentRuleInput[] },
  extra: Partial<PlanInput> = {},
) =>
  plan({
    ruleSet: ruleSetOf(rules),
    view: org.view(),
    actualAssignments: org.assignments(),
    actualMemberships: org.memberships(),
    ...extra,
  });

const keyOf = (a: Pick<AccountAssignment, 'accountId' | 'permissionSetArn' | 'principalType' | 'principalId'>) =>
  `${a.accountId}|${a.permissionSetArn}|${a.principalType}|${a.principalId}`;

describe('plan (creates and deletes)', () => {
  it('creates the desired assignments that are missing, with names and provenance', () => {
    const org = standardOrg().assign(A.prod, 'ReadOnlyAccess', { group: 'Auditors' });

    const p = planOf(org, {
      assignments: [{ ...auditorsReadOnly, targets: { organizationalUnits: ['/Workloads/Prod'] } }],
    });

    expect(p.create).toEqual([
      {
        ...org.assignment(A.deep, 'ReadOnlyAccess', { group: 'Auditors' }),
        permissionSetName: 'ReadOnlyAccess',
        principalName: 'Auditors',
        ruleIds: ['auditors'],
      },
    ]);
    expect(p.delete).toEqual([]);
  });

  it('deletes a managed assignment that no rule wants, saying why', () => {
    const org = standardOrg().assign(A.security, 'ReadOnlyAccess', { group: 'Auditors' });

    const p = planOf(org, { assignments: [{ ...auditorsReadOnly, targets: { accounts: [A.prod] } }] });

    expect(p.delete).toEqual([
      {
        ...org.assignment(A.security, 'ReadOnlyAccess', { group: 'Auditors' }),
        permissionSetName: 'ReadOnlyAccess',
        principalName: 'Auditors',
        reason: 'no rule grants ReadOnlyAccess to GROUP Auditors on this account',
      },
    ]);
  });

  it.each<[string, (org: OrgBuilder) => OrgBuilder, string]>([
    ['a disabled user', (org) => org.assign(A.prod, 'ReadOnlyAccess', { user: 'dave' }), 'user is disabled'],
    [
      'a principal that no longer exists',
      (org) => org.assign(A.prod, 'ReadOnlyAccess', { principalType: 'USER', principalId: 'user-gone' }),
      'no rule grants ReadOnlyAccess to USER user-gone on this account (principal not in the directory view: deleted, or not read)',
    ],
  ])('gives the reason for revoking from %s', (_name, arrange, reason) => {
    const org = arrange(standardOrg());

    const p = planOf(org, { assignments: [{ ...auditorsReadOnly, targets: { accounts: [A.prod] } }] });

    expect(p.delete.map((d) => d.reason)).toEqual([reason]);
  });

  it('names an unknown principal by its id', () => {
    const org = standardOrg().assign(A.prod, 'ReadOnlyAccess', { principalType: 'GROUP', principalId: 'group-gone' });

    const p = planOf(org, { assignments: [auditorsReadOnly] });

    expect(p.delete.find((d) => d.principalId === 'group-gone')?.principalName).toBe('group-gone');
  });

  it.each<[string, SettingsOverrides, (org: OrgBuilder) => OrgBuilder]>([
    [
      'an unmanaged permission set',
      { managedPermissionSets: ['ReadOnlyAccess'] },
      (o) => o.assign(A.prod, 'BillingView', { group: 'Auditors' }),
    ],
    [
      'a permission set no rule names (default managed set)',
      {},
      (o) => o.assign(A.prod, 'BillingView', { group: 'Auditors' }),
    ],
    [
      'a protected permission set',
      { managedPermissionSets: 'all', protected: { permissionSets: ['BreakGlassAdmin'] } },
      (o) => o.assign(A.prod, 'BreakGlassAdmin', { group: 'Auditors' }),
    ],
    [
      'a protected group',
      { protected: { principals: [{ group: 'BreakGlass' }] } },
      (o) => o.assign(A.prod, 'ReadOnlyAccess', { group: 'BreakGlass' }),
    ],
    [
      'a protected user',
      { protected: { principals: [{ user: 'root-user' }] } },
      (o) => o.assign(A.prod, 'ReadOnlyAccess', { user: 'root-user' }),
    ],
    [
      'a protected account',
      { protected: { accounts: [A.security] } },
      (o) => o.assign(A.security, 'ReadOnlyAccess', { group: 'Platform Admins' }),
    ],
    ['the management account', {}, (o) => o.assign(A.management, 'ReadOnlyAccess', { group: 'Platform Admins' })],
    ['a suspended account', {}, (o) => o.assign(A.suspended, 'ReadOnlyAccess', { group: 'Platform Admins' })],
    ['an account pending closure', {}, (o) => o.assign(A.closing, 'ReadOnlyAccess', { group: 'Platform Admins' })],
    [
      'an account not in the organization',
      {},
      (o) => o.assign('999999999999', 'ReadOnlyAccess', { group: 'Platform Admins' }),
    ],
  ])('never deletes on %s', (_name, settings, arrange) => {
    const org = arrange(standardOrg());

    const p = planOf(org, { settings, assignments: [auditorsReadOnly] });

    expect(p.delete).toEqual([]);
    expect(p.blocked.map(withoutChanges)).toEqual([]);
  });

  it('deletes on the management account when it is included', () => {
    const org = standardOrg().assign(A.management, 'ReadOnlyAccess', { group: 'Platform Admins' });

    const p = planOf(org, { settings: { includeManagementAccount: true }, assignments: [auditorsReadOnly] });

    expect(p.delete.map((d) => d.accountId)).toEqual([A.management]);
  });

  it('keeps an assignment that a rule wants for a principal that is also granted by another rule', () => {
    const org = standardOrg().assign(A.prod, 'ReadOnlyAccess', { group: 'Auditors' });

    const p = planOf(org, {
      assignments: [auditorsReadOnly, { ...auditorsReadOnly, id: 'second', targets: { accounts: [A.prod] } }],
    });

    expect(p.delete).toEqual([]);
    expect(p.create.find((c) => c.accountId === A.staging)?.ruleIds).toEqual(['auditors']);
  });

  it('orders creates by account, permission set name, principal type and principal name', () => {
    const org = standardOrg();

    const p = planOf(org, {
      assignments: [
        {
          id: 'many',
          principals: [{ user: 'bob' }, { group: 'SREs' }, { user: 'alice' }, { group: 'Auditors' }],
          permissionSets: ['ReadOnlyAccess', 'AdministratorAccess'],
          targets: { accounts: [A.staging, A.prod] },
        },
      ],
    });

    const order = p.create.map((c) => `${c.accountId} ${c.permissionSetName} ${c.principalType} ${c.principalName}`);
    expect(order).toEqual([
      `${A.prod} AdministratorAccess GROUP Auditors`,
      `${A.prod} AdministratorAccess GROUP SREs`,
      `${A.prod} AdministratorAccess USER alice`,
      `${A.prod} AdministratorAccess USER bob`,
      `${A.prod} ReadOnlyAccess GROUP Auditors`,
      `${A.prod} ReadOnlyAccess GROUP SREs`,
      `${A.prod} ReadOnlyAccess USER alice`,
      `${A.prod} ReadOnlyAccess USER bob`,
      `${A.staging} AdministratorAccess GROUP Auditors`,
      `${A.staging} AdministratorAccess GROUP SREs`,
      `${A.staging} AdministratorAccess USER alice`,
      `${A.staging} AdministratorAccess USER bob`,
      `${A.staging} ReadOnlyAccess GROUP Auditors`,
      `${A.staging} ReadOnlyAccess GROUP SREs`,
      `${A.staging} ReadOnlyAccess USER alice`,
      `${A.staging} ReadOnlyAccess USER bob`,
    ]);
  });
});

describe('plan (fail safe)', () => {
  it.each<[string, AssignmentRuleInput]>([
    ['an unknown OU', { ...auditorsReadOnly, id: 'broken', targets: { organizationalUnits: ['/Nowhere'] } }],
    ['an unknown account', { ...auditorsReadOnly, id: 'broken', targets: { accounts: [A.security, '999999999999'] } }],
    [
      'an unknown group',
      { ...auditorsReadOnly, id: 'broken', principals: [{ group: 'Nobody' }], targets: { accounts: [A.security] } },
    ],
    [
      'an unknown user',
      { ...auditorsReadOnly, id: 'broken', principals: [{ user: 'mallory' }], targets: { accounts: [A.security] } },
    ],
    [
      'an unknown permission set',
      { ...auditorsReadOnly, id: 'broken', permissionSets: ['Nope'], targets: { accounts: [A.security] } },
    ],
  ])('revokes nothing on the accounts a rule with %s selects, and holds it in blocked', (_name, broken) => {
    const org = standardOrg()
      .assign(A.security, 'ReadOnlyAccess', { group: 'Platform Admins' })
      .assign(A.staging, 'ReadOnlyAccess', { group: 'Platform Admins' });
    const healthy: AssignmentRuleInput = { ...auditorsReadOnly, targets: { accounts: [A.prod] } };
    const scopedToSecurity = broken.targets?.organizationalUnits === undefined;

    const p = planOf(org, { assignments: [healthy, broken] });

    expect(p.errors.map((e) => e.ruleId)).toEqual(['broken']);
    expect(p.delete.map((d) => d.accountId)).toEqual(scopedToSecurity ? [A.staging] : []);
    expect(p.blocked.map(withoutChanges)).toEqual([
      {
        reason: 'revocations held on accounts selected by rules that failed to resolve (broken)',
        wouldDelete: scopedToSecurity ? 1 : 2,
      },
    ]);
    expect(p.create.map((c) => c.accountId)).toEqual([A.prod]);
  });

  it('only grants when the caller says an input could not be read', () => {
    const org = standardOrg().assign(A.security, 'ReadOnlyAccess', { group: 'Auditors' });

    const p = planOf(org, { assignments: [auditorsReadOnly] }, { grantsOnly: true });

    expect(p.delete).toEqual([]);
    expect(p.create).toHaveLength(4);
    expect(p.blocked.map(withoutChanges)).toEqual([
      { reason: 'revocations held: an input could not be read, so this run only grants', wouldDelete: 1 },
    ]);
  });

  it('holds revocations for principals the view lacks while a protected principal cannot be resolved', () => {
    const org = standardOrg()
      .assign(A.prod, 'ReadOnlyAccess', { principalType: 'GROUP', principalId: 'group-unknown' })
      .assign(A.prod, 'ReadOnlyAccess', { group: 'Developers' });

    const p = planOf(org, {
      settings: { protected: { principals: [{ group: 'Emergency' }] } },
      assignments: [{ ...auditorsReadOnly, targets: { accounts: [A.prod] } }],
    });

    expect(p.delete.map((d) => d.principalName)).toEqual(['Developers']);
    expect(p.blocked.map(withoutChanges)).toEqual([
      {
        reason:
          'revocations held for principals not in the directory view, because protected principal(s) group Emergency could not be resolved',
        wouldDelete: 1,
      },
    ]);
  });
});

describe('plan (scope)', () => {
  const org = standardOrg()
    .assign(A.prod, 'ReadOnlyAccess', { group: 'Platform Admins' })
    .assign(A.staging, 'ReadOnlyAccess', { group: 'Platform Admins' })
    .assign(A.staging, 'ReadOnlyAccess', { user: 'bob' });
  const rules = {
    assignments: [auditorsReadOnly, { ...auditorsReadOnly, id: 'alice', principals: [{ user: 'alice' }] }],
  };

  it('plans only the given accounts', () => {
    const p = planOf(org, rules, { accountIds: new Set([A.staging]) });

    expect(new Set([...p.create, ...p.delete].map((c) => c.accountId))).toEqual(new Set([A.staging]));
    expect(p.create).toHaveLength(2);
    expect(p.delete).toHaveLength(2);
  });

  it.each<[string, (o: OrgBuilder) => { principalType: 'USER' | 'GROUP'; principalId: string }, number, number]>([
    ['a group', (o) => ({ principalType: 'GROUP', principalId: o.groupId('Platform Admins') }), 0, 2],
    ['a user', (o) => ({ principalType: 'USER', principalId: o.userId('alice') }), 4, 0],
    ['a user with drift', (o) => ({ principalType: 'USER', principalId: o.userId('bob') }), 0, 1],
  ])('plans only the assignments of %s', (_name, principalOf, creates, deletes) => {
    const principal = principalOf(org);

    const p = planOf(org, rules, { principal });

    expect(p.create).toHaveLength(creates);
    expect(p.delete).toHaveLength(deletes);
    for (const c of [...p.create, ...p.delete]) expect(c.principalId).toBe(principal.principalId);
  });

  it('accepts an evaluation computed once for many scopes', () => {
    const ruleSet = ruleSetOf(rules);
    const evaluation = evaluate(ruleSet, org.view());
    const input = { ruleSet, view: org.view(), actualAssignments: org.assignments(), actualMemberships: [] };

    const shared = plan({ ...input, evaluation, accountIds: new Set([A.prod]) });
    const own = plan({ ...input, accountIds: new Set([A.prod]) });

    expect(shared).toEqual(own);
  });
});

describe('plan (revocation guard)', () => {
  /** An org with `drift` managed assignments that no rule wants and `kept` that rules want. */
  const driftOrg = (drift: number, kept: number) => {
    const org = standardOrg();
    const users: string[] = [];
    for (let i = 0; i < Math.max(drift, kept); i++) {
      const name = `user${i}`;
      org.user(name, { title: 'Temp' });
      users.push(name);
    }
    for (const u of users.slice(0, drift)) org.assign(A.sandbox, 'AdministratorAccess', { user: u });
    for (const u of users.slice(0, kept)) org.assign(A.prod, 'AdministratorAccess', { user: u });
    return org;
  };
  const keepProd: AssignmentRuleInput = {
    id: 'temps',
    principals: [{ users: { where: { title: 'Temp' } } }],
    permissionSets: ['AdministratorAccess'],
    targets: { accounts: [A.prod] },
  };

  it.each<[string, number, number, SettingsOverrides['revocationGuard'], boolean]>([
    ['exactly maxPerRun', 5, 0, { maxPerRun: 5 }, false],
    ['one over maxPerRun', 6, 0, { maxPerRun: 5 }, true],
    ['any deletion with maxPerRun 0', 1, 0, { maxPerRun: 0 }, true],
    ['100 deletions with the default', 100, 0, {}, false],
    ['101 deletions with the default', 101, 0, {}, true],
    ['exactly maxFraction', 3, 7, { maxFraction: 0.3 }, false],
    ['just over maxFraction', 4, 6, { maxFraction: 0.3 }, true],
    ['a fraction that is not exact in binary at its boundary', 29, 71, { maxFraction: 0.29 }, false],
  ])('%s trips the guard: %#', (_name, drift, kept, revocationGuard, trips) => {
    const org = driftOrg(drift, kept);

    const p = planOf(org, { settings: { revocationGuard }, assignments: [keepProd] });

    expect(p.delete).toHaveLength(trips ? 0 : drift);
    expect(p.blocked.map((b) => b.wouldDelete)).toEqual(trips ? [drift] : []);
  });

  it('keeps the creates when the guard trips and says why', () => {
    const org = driftOrg(3, 0);

    const p = planOf(org, {
      settings: { revocationGuard: { maxPerRun: 2 } },
      assignments: [{ ...keepProd, targets: { accounts: [A.staging] } }],
    });

    expect(p.create).toHaveLength(3);
    expect(p.delete).toEqual([]);
    expect(p.blocked.map(withoutChanges)).toEqual([
      { reason: 'revocation guard: 3 assignment deletions exceed maxPerRun 2', wouldDelete: 3 },
    ]);
  });

  it('takes the fraction of the organization total it is given, never of the planned accounts alone', () => {
    const org = driftOrg(2, 10);

    const p = planOf(
      org,
      { settings: { revocationGuard: { maxFraction: 0.5 } }, assignments: [keepProd] },
      { accountIds: new Set([A.sandbox]), organizationTotals: { managedAssignments: 12, authoritativeMembers: 0 } },
    );

    expect(p.delete).toHaveLength(2);
    expect(p.blocked).toEqual([]);
  });

  it('applies only maxPerRun to a scope when no organization total is known', () => {
    const org = driftOrg(2, 10);

    const p = planOf(
      org,
      { settings: { revocationGuard: { maxPerRun: 5, maxFraction: 0.1 } }, assignments: [keepProd] },
      { accountIds: new Set([A.sandbox]) },
    );

    expect(p.delete).toHaveLength(2);
  });

  it('lists every held deletion in the block when the guard trips', () => {
    const org = driftOrg(3, 0);

    const p = planOf(org, { settings: { revocationGuard: { maxPerRun: 2 } }, assignments: [keepProd] });

    expect(p.blocked[0]?.changes.map((c) => ('accountId' in c ? c.accountId : c.groupId))).toEqual([
      A.sandbox,
      A.sandbox,
      A.sandbox,
    ]);
    expect(p.blocked[0]?.changes[0]).toEqual(
      expect.objectContaining({ permissionSetName: 'AdministratorAccess', principalType: 'USER' }),
    );
  });
});

describe('plan (memberships)', () => {
  const membershipOrg = () =>
    standardOrg()
      .member('Developers', 'carol')
      .member('Developers', 'alice')
      .member('SREs', 'dave')
      .member('SREs', 'carol');

  const planMemberships = (
    org: OrgBuilder,
    memberships: Parameters<typeof ruleSetOf>[0]['memberships'],
    extra: Partial<PlanInput> = {},
    settings: SettingsOverrides = {},
  ) =>
    plan({
      ruleSet: ruleSetOf({ settings, memberships }),
      view: org.view(),
      actualAssignments: [],
      actualMemberships: org.memberships(),
      ...extra,
    });
  const names = (org: OrgBuilder, ms: readonly GroupMembership[]) => {
    const view = org.view();
    return ms.map(
      (m) =>
        `${view.groups.find((g) => g.id === m.groupId)?.displayName}:${view.users.find((u) => u.id === m.userId)?.userName ?? m.userId}`,
    );
  };

  it('adds matching users and removes nobody under an additive rule', () => {
    const org = membershipOrg();

    const p = planMemberships(org, [{ id: 'eng', where: { department: 'Engineering' }, groups: ['Developers'] }]);

    expect(names(org, p.memberships.add)).toEqual(['Developers:bob', 'Developers:root-user']);
    expect(p.memberships.add.every((m) => m.ruleIds.join() === 'eng')).toBe(true);
    expect(p.memberships.remove).toEqual([]);
  });

  it('removes members who no longer match an authoritative rule, naming the rules', () => {
    const org = membershipOrg();

    const p = planMemberships(org, [
      { id: 'eng', where: { department: 'Engineering' }, groups: ['Developers'], policy: 'authoritative' },
    ]);

    expect(p.memberships.remove).toEqual([
      {
        groupId: org.groupId('Developers'),
        userId: org.userId('carol'),
        reason: 'user no longer matches authoritative membership rule(s) eng',
      },
    ]);
  });

  it('removes a disabled member of an authoritative group, saying so', () => {
    const org = membershipOrg();

    const p = planMemberships(org, [{ id: 'sre', where: { title: 'SRE' }, groups: ['SREs'], policy: 'authoritative' }]);

    expect(names(org, p.memberships.remove)).toEqual(['SREs:dave']);
    expect(p.memberships.remove[0]?.reason).toBe(
      'user is disabled; the group is managed by authoritative membership rule(s) sre',
    );
  });

  it('never removes a protected user from an authoritative group', () => {
    const org = membershipOrg().member('Developers', 'root-user');

    const p = planMemberships(
      org,
      [{ id: 'eng', where: { department: 'Finance' }, groups: ['Developers'], policy: 'authoritative' }],
      {},
      { protected: { principals: [{ user: 'root-user' }] } },
    );

    expect(names(org, p.memberships.remove)).toEqual(['Developers:alice']);
  });

  it('never removes a member that the view does not hold', () => {
    const org = membershipOrg();

    const p = plan({
      ruleSet: ruleSetOf({
        memberships: [
          { id: 'eng', where: { department: 'Engineering' }, groups: ['Developers'], policy: 'authoritative' },
        ],
      }),
      view: org.view(),
      actualAssignments: [],
      actualMemberships: [...org.memberships(), { groupId: org.groupId('Developers'), userId: 'user-unread' }],
    });

    expect(p.memberships.remove.map((r) => r.userId)).toEqual([org.userId('carol')]);
  });

  it('removes nothing from the groups of a membership rule that names an unknown group', () => {
    const org = membershipOrg();

    const p = planMemberships(org, [
      { id: 'eng', where: { department: 'Engineering' }, groups: ['Developers', 'Ghosts'], policy: 'authoritative' },
    ]);

    expect(p.errors).toEqual([{ ruleId: 'eng', message: 'group "Ghosts" does not exist' }]);
    expect(p.memberships).toEqual({ add: [], remove: [] });
    expect(p.blocked.map(withoutChanges)).toEqual([
      { reason: 'membership removals held on groups of membership rules that failed to resolve', wouldDelete: 2 },
    ]);
  });

  it('guards membership removals separately from assignment deletions', () => {
    const org = membershipOrg();

    const p = planMemberships(
      org,
      [{ id: 'eng', where: { department: 'Nobody' }, groups: ['Developers'], policy: 'authoritative' }],
      {},
      { revocationGuard: { maxPerRun: 1 } },
    );

    expect(p.memberships.remove).toEqual([]);
    expect(p.blocked.map(withoutChanges)).toEqual([
      { reason: 'revocation guard: 2 membership removals exceed maxPerRun 1', wouldDelete: 2 },
    ]);
  });

  it.each<[string, Partial<PlanInput>, boolean]>([
    ['a whole-organization plan', {}, true],
    ['an account scope', { accountIds: new Set([A.prod]) }, false],
    ['an account scope that asks for them', { accountIds: new Set([A.prod]), includeMemberships: true }, true],
  ])('plans memberships by default for %s: %s', (_name, extra, planned) => {
    const org = membershipOrg();

    const p = planMemberships(
      org,
      [{ id: 'eng', where: { department: 'Engineering' }, groups: ['Developers'] }],
      extra,
    );

    expect(p.memberships.add.length > 0).toBe(planned);
  });

  it('plans only the memberships of a user principal', () => {
    const org = membershipOrg();

    const p = planMemberships(
      org,
      [{ id: 'eng', where: { department: 'Engineering' }, groups: ['Developers', 'SREs'] }],
      { principal: { principalType: 'USER', principalId: org.userId('bob') } },
    );

    expect(names(org, p.memberships.add)).toEqual(['Developers:bob', 'SREs:bob']);
  });

  it('plans no membership removal when only grants are allowed', () => {
    const org = membershipOrg();

    const p = planMemberships(
      org,
      [{ id: 'eng', where: { department: 'Engineering' }, groups: ['Developers'], policy: 'authoritative' }],
      { grantsOnly: true },
    );

    expect(p.memberships.remove).toEqual([]);
    expect(p.memberships.add).toHaveLength(2);
  });
});

describe('plan (keys)', () => {
  it('never plans a create that already exists or a delete that a rule wants', () => {
    const org = standardOrg()
      .assign(A.prod, 'ReadOnlyAccess', { group: 'Auditors' })
      .assign(A.prod, 'AdministratorAccess', { group: 'Auditors' });

    const p = planOf(org, {
      assignments: [
        auditorsReadOnly,
        {
          ...auditorsReadOnly,
          id: 'admins',
          permissionSets: ['AdministratorAccess'],
          targets: { accounts: [A.staging] },
        },
      ],
    });

    const actual = new Set(org.assignments().map(keyOf));
    expect(p.create.some((c) => actual.has(keyOf(c)))).toBe(false);
    expect(p.delete.map((d) => `${d.accountId} ${d.permissionSetName}`)).toEqual([`${A.prod} AdministratorAccess`]);
  });
});

import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../shared/domain/evaluate.js';
import type { PrincipalRef, Targets } from '../../../shared/domain/rules/schema.js';
import { orgBuilder, ruleSetOf, type SettingsOverrides } from '../../support/org-builder.js';
import { ACCOUNTS, ACTIVE_MEMBER_ACCOUNTS, standardOrg } from './standard-org.js';

const A = ACCOUNTS;
const org = standardOrg();

/** The accounts on which a one-group, one-permission-set rule with these targets grants. */
const grantedAccounts = (targets: Targets, settings: SettingsOverrides = {}) => {
  const ruleSet = ruleSetOf({
    settings,
    assignments: [{ id: 'r1', principals: [{ group: 'Auditors' }], permissionSets: ['ReadOnlyAccess'], targets }],
  });
  const evaluation = evaluate(ruleSet, org.view());
  return { accounts: evaluation.assignments.map((a) => a.accountId).sort(), evaluation };
};

describe('evaluate (targets)', () => {
  it.each<[string, Targets, SettingsOverrides, readonly string[]]>([
    ['"/" selects every active member account', { organizationalUnits: ['/'] }, {}, ACTIVE_MEMBER_ACCOUNTS],
    [
      'the root id selects every active member account',
      { organizationalUnits: ['r-ab12'] },
      {},
      ACTIVE_MEMBER_ACCOUNTS,
    ],
    ['no OU and no account selects every active member account', {}, {}, ACTIVE_MEMBER_ACCOUNTS],
    [
      'an OU path includes OUs nested to five levels',
      { organizationalUnits: ['/Workloads'] },
      {},
      [A.prod, A.staging, A.sandbox, A.deep],
    ],
    ['a mid-level OU path includes its descendants', { organizationalUnits: ['/Workloads/Prod/L3'] }, {}, [A.deep]],
    [
      'the fifth-level OU path selects its account',
      { organizationalUnits: ['/Workloads/Prod/L3/L4/L5'] },
      {},
      [A.deep],
    ],
    ['a trailing slash on a path is tolerated', { organizationalUnits: ['/Workloads/Staging/'] }, {}, [A.staging]],
    ['accounts alone select those accounts', { accounts: [A.security] }, {}, [A.security]],
    [
      'OUs and accounts form a union',
      { organizationalUnits: ['/Workloads/Staging'], accounts: [A.security] },
      {},
      [A.staging, A.security],
    ],
    ['an empty OU list selects nothing', { organizationalUnits: [] }, {}, []],
    [
      'an excluded OU wins over its parent',
      { organizationalUnits: ['/Workloads'], exclude: { organizationalUnits: ['/Workloads/Sandbox'] } },
      {},
      [A.prod, A.staging, A.deep],
    ],
    [
      'an excluded OU removes its nested accounts',
      { organizationalUnits: ['/'], exclude: { organizationalUnits: ['/Workloads/Prod'] } },
      {},
      [A.staging, A.sandbox, A.security, A.untagged],
    ],
    [
      'an excluded account wins over the same account listed',
      { accounts: [A.security], exclude: { accounts: [A.security] } },
      {},
      [],
    ],
    [
      'an exclude wins over a matching tag',
      { accountTags: { env: ['prod'] }, exclude: { accounts: [A.deep] } },
      {},
      [A.prod],
    ],
    ['one tag value filters the base set', { accountTags: { env: ['prod'] } }, {}, [A.prod, A.deep]],
    ['any listed tag value matches', { accountTags: { env: ['prod', 'staging'] } }, {}, [A.prod, A.staging, A.deep]],
    ['every tag key must match', { accountTags: { env: ['prod'], team: ['a'] } }, {}, [A.prod]],
    ['an account without the tag key does not match', { accountTags: { team: ['a', 'b'] } }, {}, [A.prod, A.deep]],
    [
      'tags filter an OU base set',
      { organizationalUnits: ['/Workloads'], accountTags: { env: ['dev'] } },
      {},
      [A.sandbox],
    ],
    ['suspended and closing accounts are never selected', { accounts: [A.suspended, A.closing] }, {}, []],
    [
      'tags never select a suspended account',
      { organizationalUnits: ['/Closed'], accountTags: { env: ['prod'] } },
      {},
      [],
    ],
    ['the management account is excluded by default', { accounts: [A.management, A.security] }, {}, [A.security]],
    [
      'the management account is included with the setting',
      { accounts: [A.management] },
      { includeManagementAccount: true },
      [A.management],
    ],
    [
      '"/" includes the management account with the setting',
      { organizationalUnits: ['/'] },
      { includeManagementAccount: true },
      [A.management, ...ACTIVE_MEMBER_ACCOUNTS].sort(),
    ],
    [
      'a protected account is never selected',
      { organizationalUnits: ['/Security', '/Workloads/Staging'] },
      { protected: { accounts: [A.security] } },
      [A.staging],
    ],
  ])('%s', (_name, targets, settings, expected) => {
    const { accounts, evaluation } = grantedAccounts(targets, settings);

    expect(evaluation.errors).toEqual([]);
    expect(accounts).toEqual([...expected].sort());
  });

  it('selects an OU by its id', () => {
    const { accounts } = grantedAccounts({ organizationalUnits: [org.ouId('/Workloads/Prod')] });

    expect(accounts).toEqual([A.prod, A.deep].sort());
  });

  it('limits desired assignments and tag checks to the evaluated accounts', () => {
    const view = orgBuilder()
      .account('200000000001', { tags: { env: 'prod' } })
      .account('200000000002', { tags: 'unread' })
      .group('Ops')
      .permissionSet('ReadOnlyAccess')
      .view();
    const ruleSet = ruleSetOf({
      assignments: [
        {
          id: 'r1',
          principals: [{ group: 'Ops' }],
          permissionSets: ['ReadOnlyAccess'],
          targets: { accountTags: { env: ['prod'] } },
        },
      ],
    });

    const evaluation = evaluate(ruleSet, view, { accountIds: new Set(['200000000001']) });

    expect(evaluation.errors).toEqual([]);
    expect(evaluation.assignments.map((a) => a.accountId)).toEqual(['200000000001']);
  });

  it('does not report an account id outside the evaluated accounts that a scoped view lacks', () => {
    const view = orgBuilder().account('200000000001').group('Ops').permissionSet('ReadOnlyAccess').view();
    const ruleSet = ruleSetOf({
      assignments: [
        {
          id: 'r1',
          principals: [{ group: 'Ops' }],
          permissionSets: ['ReadOnlyAccess'],
          targets: { accounts: ['200000000001', '200000000009'] },
        },
      ],
    });

    const scoped = evaluate(ruleSet, view, { accountIds: new Set(['200000000001']) });
    const whole = evaluate(ruleSet, view);

    expect(scoped.errors).toEqual([]);
    expect(scoped.assignments).toHaveLength(1);
    expect(whole.errors).toEqual([{ ruleId: 'r1', message: 'account 200000000009 is not in the organization' }]);
  });
});

describe('evaluate (principals)', () => {
  const grantedPrincipals = (principals: PrincipalRef[], settings: SettingsOverrides = {}) => {
    const ruleSet = ruleSetOf({
      settings,
      assignments: [{ id: 'r1', principals, permissionSets: ['ReadOnlyAccess'], targets: { accounts: [A.prod] } }],
    });
    const view = org.view();
    const evaluation = evaluate(ruleSet, view);
    const names = evaluation.assignments.map((a) =>
      a.principalType === 'GROUP'
        ? `group:${view.groups.find((g) => g.id === a.principalId)?.displayName}`
        : `user:${view.users.find((u) => u.id === a.principalId)?.userName}`,
    );
    return { names: names.sort(), evaluation };
  };

  it.each<[string, PrincipalRef[], SettingsOverrides, string[]]>([
    ['a group by display name', [{ group: 'Platform Admins' }], {}, ['group:Platform Admins']],
    ['a user by user name', [{ user: 'alice' }], {}, ['user:alice']],
    [
      'a single-value selector over active users',
      [{ users: { where: { title: 'SRE' } } }],
      {},
      ['user:alice', 'user:carol', 'user:root-user'],
    ],
    [
      'a list-value selector',
      [{ users: { where: { title: ['SRE', 'SWE'], department: 'Engineering' } } }],
      {},
      ['user:alice', 'user:bob', 'user:root-user'],
    ],
    [
      'a selector with several keys',
      [{ users: { where: { title: 'SRE', department: 'Finance' } } }],
      {},
      ['user:carol'],
    ],
    ['a selector that matches nobody', [{ users: { where: { title: 'CEO' } } }], {}, []],
    ['a selector on an attribute users lack', [{ users: { where: { costCenter: 'CC1' } } }], {}, []],
    ['a disabled user named directly', [{ user: 'dave' }], {}, []],
    [
      'a protected group named directly',
      [{ group: 'BreakGlass' }],
      { protected: { principals: [{ group: 'BreakGlass' }] } },
      [],
    ],
    [
      'a protected user matched by a selector',
      [{ users: { where: { title: 'SRE', department: 'Engineering' } } }],
      { protected: { principals: [{ user: 'root-user' }] } },
      ['user:alice'],
    ],
    [
      'the same user named and matched once',
      [{ user: 'alice' }, { users: { where: { title: 'SRE' } } }],
      {},
      ['user:alice', 'user:carol', 'user:root-user'],
    ],
  ])('grants %s', (_name, principals, settings, expected) => {
    const { names, evaluation } = grantedPrincipals(principals, settings);

    expect(evaluation.errors).toEqual([]);
    expect(names).toEqual(expected);
  });

  it.each<[string, PrincipalRef, string]>([
    ['a disabled user', { user: 'dave' }, 'user "dave" is disabled and is granted nothing'],
    ['a protected group', { group: 'BreakGlass' }, 'group "BreakGlass" is protected and is granted nothing'],
  ])('notes %s named directly without an error', (_name, principal, message) => {
    const { evaluation } = grantedPrincipals([principal], { protected: { principals: [{ group: 'BreakGlass' }] } });

    expect(evaluation.errors).toEqual([]);
    expect(evaluation.notices).toContainEqual({ ruleId: 'r1', message });
  });
});

describe('evaluate (unresolved references)', () => {
  const base: { principals: PrincipalRef[]; permissionSets: string[] } = {
    principals: [{ group: 'Auditors' }],
    permissionSets: ['ReadOnlyAccess'],
  };
  const all = ACTIVE_MEMBER_ACCOUNTS;

  it.each<
    [string, { principals?: PrincipalRef[]; permissionSets?: string[]; targets: Targets }, string, readonly string[]]
  >([
    [
      'an unknown OU path',
      { targets: { organizationalUnits: ['/Workloads/Prd'] } },
      'organizational unit "/Workloads/Prd" does not exist',
      [...all, A.management, A.suspended, A.closing],
    ],
    [
      'an unknown OU id',
      { targets: { organizationalUnits: ['ou-ab12-deadbeef'], exclude: { accounts: [A.security] } } },
      'organizational unit "ou-ab12-deadbeef" does not exist',
      [...all, A.management, A.suspended, A.closing].filter((a) => a !== A.security),
    ],
    [
      'an OU path with the wrong case',
      { targets: { organizationalUnits: ['/workloads'] } },
      'organizational unit "/workloads" does not exist',
      [...all, A.management, A.suspended, A.closing],
    ],
    [
      'an account not in the organization',
      { targets: { accounts: [A.prod, '999999999999'] } },
      'account 999999999999 is not in the organization',
      [A.prod],
    ],
    [
      'an unknown excluded OU',
      {
        targets: {
          organizationalUnits: ['/Workloads'],
          exclude: { organizationalUnits: ['/Workloads/Old'], accounts: [A.sandbox] },
        },
      },
      'excluded organizational unit "/Workloads/Old" does not exist',
      [A.prod, A.staging, A.deep],
    ],
    [
      'an unknown excluded account',
      { targets: { accounts: [A.prod], exclude: { accounts: ['999999999999'] } } },
      'excluded account 999999999999 is not in the organization',
      [A.prod],
    ],
    [
      'an unknown group',
      {
        principals: [{ group: 'Platform Admins' }, { group: 'Nobody' }],
        targets: { organizationalUnits: ['/Workloads/Staging'] },
      },
      'group "Nobody" does not exist',
      [A.staging],
    ],
    [
      'a group name with the wrong case',
      { principals: [{ group: 'platform admins' }], targets: { accounts: [A.prod] } },
      'group "platform admins" does not exist',
      [A.prod],
    ],
    [
      'an unknown user',
      { principals: [{ user: 'mallory' }], targets: { organizationalUnits: ['/Security'] } },
      'user "mallory" does not exist',
      [A.security],
    ],
    [
      'an unknown permission set',
      { permissionSets: ['ReadOnlyAccess', 'PowerUserAccess'], targets: { accountTags: { env: ['staging'] } } },
      'permission set "PowerUserAccess" does not exist',
      [A.staging],
    ],
  ])('reports %s, grants nothing and marks the selected accounts unsafe', (_name, rule, message, unsafe) => {
    const ruleSet = ruleSetOf({ assignments: [{ id: 'broken', ...base, ...rule }] });

    const evaluation = evaluate(ruleSet, org.view());

    expect(evaluation.errors).toEqual([{ ruleId: 'broken', message }]);
    expect(evaluation.assignments).toEqual([]);
    expect([...evaluation.unsafeAccountIds].sort()).toEqual([...unsafe].sort());
  });

  it('reports a tag rule that meets an account whose tags were not read', () => {
    const view = orgBuilder()
      .account('200000000001', { tags: { env: 'prod' } })
      .account('200000000002', { tags: 'unread' })
      .account('200000000003', { tags: { env: 'dev' } })
      .group('Ops')
      .permissionSet('ReadOnlyAccess')
      .view();
    const ruleSet = ruleSetOf({
      assignments: [
        {
          id: 'tags',
          principals: [{ group: 'Ops' }],
          permissionSets: ['ReadOnlyAccess'],
          targets: { accountTags: { env: ['prod'] } },
        },
      ],
    });

    const evaluation = evaluate(ruleSet, view);

    expect(evaluation.errors).toEqual([
      { ruleId: 'tags', message: 'accountTags cannot be evaluated: the tags of account(s) 200000000002 were not read' },
    ]);
    expect(evaluation.assignments).toEqual([]);
    expect([...evaluation.unsafeAccountIds].sort()).toEqual(['200000000001', '200000000002']);
  });

  it.each<[string, SettingsOverrides, string]>([
    [
      'protected',
      { protected: { permissionSets: ['BreakGlassAdmin'] } },
      'permission set "BreakGlassAdmin" is protected',
    ],
    [
      'not managed',
      { managedPermissionSets: ['ReadOnlyAccess'] },
      'permission set "BreakGlassAdmin" is not in settings.managedPermissionSets',
    ],
  ])('refuses to grant a permission set that is %s', (_name, settings, message) => {
    const ruleSet = ruleSetOf({
      settings,
      assignments: [
        {
          id: 'r1',
          principals: [{ group: 'Auditors' }],
          permissionSets: ['BreakGlassAdmin'],
          targets: { accounts: [A.prod] },
        },
      ],
    });

    const evaluation = evaluate(ruleSet, org.view());

    expect(evaluation.errors).toEqual([{ ruleId: 'r1', message }]);
    expect(evaluation.unsafeAccountIds).toEqual(new Set([A.prod]));
  });

  it('keeps the rules that resolve when another rule fails', () => {
    const ruleSet = ruleSetOf({
      assignments: [
        {
          id: 'good',
          principals: [{ group: 'Auditors' }],
          permissionSets: ['ReadOnlyAccess'],
          targets: { accounts: [A.prod] },
        },
        {
          id: 'bad',
          principals: [{ group: 'Nobody' }],
          permissionSets: ['ReadOnlyAccess'],
          targets: { accounts: [A.staging] },
        },
      ],
    });

    const evaluation = evaluate(ruleSet, org.view());

    expect(evaluation.assignments.map((a) => [a.accountId, a.ruleIds])).toEqual([[A.prod, ['good']]]);
    expect(evaluation.unsafeAccountIds).toEqual(new Set([A.staging]));
  });
});

describe('evaluate (provenance and managed permission sets)', () => {
  it('merges the rule ids of two rules that want one assignment, sorted', () => {
    const ruleSet = ruleSetOf({
      assignments: [
        {
          id: 'z-ops',
          principals: [{ group: 'Auditors' }],
          permissionSets: ['ReadOnlyAccess'],
          targets: { accounts: [A.prod] },
        },
        {
          id: 'a-audit',
          principals: [{ group: 'Auditors' }],
          permissionSets: ['ReadOnlyAccess'],
          targets: { organizationalUnits: ['/Workloads/Prod'] },
        },
      ],
    });

    const evaluation = evaluate(ruleSet, org.view());

    expect(evaluation.assignments).toContainEqual({
      ...org.assignment(A.prod, 'ReadOnlyAccess', { group: 'Auditors' }),
      ruleIds: ['a-audit', 'z-ops'],
    });
    expect(evaluation.assignments.filter((a) => a.accountId === A.prod)).toHaveLength(1);
  });

  it.each<[string, SettingsOverrides['managedPermissionSets'], string[]]>([
    ['every permission set the rules name when unset', undefined, ['ReadOnlyAccess']],
    ['every permission set in the view with "all"', 'all', ['AdministratorAccess', 'BillingView', 'ReadOnlyAccess']],
    ['the listed names', ['ReadOnlyAccess', 'BillingView'], ['BillingView', 'ReadOnlyAccess']],
  ])('manages %s, never a protected one', (_name, managedPermissionSets, expected) => {
    const ruleSet = ruleSetOf({
      settings: { managedPermissionSets, protected: { permissionSets: ['BreakGlassAdmin'] } },
      assignments: [{ id: 'r1', principals: [{ group: 'Auditors' }], permissionSets: ['ReadOnlyAccess'] }],
    });
    const view = org.view();

    const evaluation = evaluate(ruleSet, view);

    const names = [...evaluation.managedPermissionSetArns].map(
      (arn) => view.permissionSets.find((p) => p.arn === arn)?.name,
    );
    expect(names.sort()).toEqual(expected);
  });

  it('notes a managed permission set that does not exist', () => {
    const ruleSet = ruleSetOf({ settings: { managedPermissionSets: ['ReadOnlyAccess', 'Gone'] } });

    const evaluation = evaluate(ruleSet, org.view());

    expect(evaluation.errors).toEqual([]);
    expect(evaluation.notices).toEqual([
      {
        ruleId: 'settings',
        message: 'managed permission set "Gone" does not exist; nothing is managed under that name',
      },
    ]);
  });
});

describe('evaluate (memberships)', () => {
  it('wants every active matching user in each group of a rule', () => {
    const ruleSet = ruleSetOf({
      memberships: [{ id: 'eng', where: { department: 'Engineering' }, groups: ['Developers', 'SREs'] }],
    });

    const evaluation = evaluate(ruleSet, org.view());

    const pairs = evaluation.memberships.map((m) => `${m.groupId}:${m.userId}`).sort();
    const expected = ['Developers', 'SREs']
      .flatMap((g) => ['alice', 'bob', 'root-user'].map((u) => `${org.groupId(g)}:${org.userId(u)}`))
      .sort();
    expect(pairs).toEqual(expected);
    expect(evaluation.authoritativeGroups.size).toBe(0);
  });

  it('records the groups of authoritative rules with their rule ids', () => {
    const ruleSet = ruleSetOf({
      memberships: [
        { id: 'sre-b', where: { title: 'SRE' }, groups: ['SREs'], policy: 'authoritative' },
        { id: 'sre-a', where: { title: 'SWE' }, groups: ['SREs'], policy: 'authoritative' },
      ],
    });

    const evaluation = evaluate(ruleSet, org.view());

    expect(evaluation.authoritativeGroups).toEqual(new Map([[org.groupId('SREs'), ['sre-a', 'sre-b']]]));
  });

  it("reports an unknown group and marks the rule's other groups unsafe", () => {
    const ruleSet = ruleSetOf({
      memberships: [
        { id: 'eng', where: { department: 'Engineering' }, groups: ['Developers', 'Ghosts'], policy: 'authoritative' },
      ],
    });

    const evaluation = evaluate(ruleSet, org.view());

    expect(evaluation.errors).toEqual([{ ruleId: 'eng', message: 'group "Ghosts" does not exist' }]);
    expect(evaluation.memberships).toEqual([]);
    expect(evaluation.unsafeGroupIds).toEqual(new Set([org.groupId('Developers')]));
  });

  it('refuses to manage the members of a protected group', () => {
    const ruleSet = ruleSetOf({
      settings: { protected: { principals: [{ group: 'BreakGlass' }] } },
      memberships: [{ id: 'bg', where: { title: 'SRE' }, groups: ['BreakGlass'] }],
    });

    const evaluation = evaluate(ruleSet, org.view());

    expect(evaluation.errors).toEqual([
      { ruleId: 'bg', message: 'group "BreakGlass" is protected; its members are not managed' },
    ]);
    expect(evaluation.memberships).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { planAccountRemoval, planOffboarding, planPrincipalRemoval } from '../../../shared/domain/plan.js';
import { withoutChanges } from '../../support/blocks.js';
import { type OrgBuilder, ruleSetOf, type SettingsOverrides } from '../../support/org-builder.js';
import { ACCOUNTS, standardOrg } from './standard-org.js';

const A = ACCOUNTS;

/** alice holds managed, unmanaged and protected assignments across the organization. */
const leaverOrg = (): OrgBuilder =>
  standardOrg()
    .member('Developers', 'alice')
    .member('BreakGlass', 'alice')
    .member('Developers', 'bob')
    .assign(A.prod, 'ReadOnlyAccess', { user: 'alice' })
    .assign(A.prod, 'BillingView', { user: 'alice' })
    .assign(A.staging, 'AdministratorAccess', { user: 'alice' })
    .assign(A.suspended, 'ReadOnlyAccess', { user: 'alice' })
    .assign(A.security, 'ReadOnlyAccess', { user: 'alice' })
    .assign(A.prod, 'BreakGlassAdmin', { user: 'alice' })
    .assign(A.management, 'ReadOnlyAccess', { user: 'alice' })
    .assign(A.prod, 'ReadOnlyAccess', { group: 'Developers' })
    .assign(A.prod, 'ReadOnlyAccess', { user: 'bob' });

const protections: SettingsOverrides = {
  managedPermissionSets: ['ReadOnlyAccess'],
  protected: { accounts: [A.security], permissionSets: ['BreakGlassAdmin'], principals: [{ group: 'BreakGlass' }] },
};

const offboard = (org: OrgBuilder, settings: SettingsOverrides, user: { id: string; userName?: string }) =>
  planOffboarding({
    ruleSet: ruleSetOf({ settings }),
    view: org.view(),
    user,
    reason: 'user is disabled',
    actualAssignments: org.assignments(),
    memberships: org.memberships(),
  });

describe('planOffboarding', () => {
  it('deletes every direct assignment of the user, managed or not, on every account it may change', () => {
    const org = leaverOrg();

    const p = offboard(org, protections, { id: org.userId('alice') });

    expect(p.delete.map((d) => `${d.accountId} ${d.permissionSetName}`)).toEqual([
      `${A.prod} BillingView`,
      `${A.prod} ReadOnlyAccess`,
      `${A.staging} AdministratorAccess`,
      `${A.suspended} ReadOnlyAccess`,
    ]);
    expect(p.delete.every((d) => d.principalName === 'alice' && d.reason === 'user is disabled')).toBe(true);
    expect(p.create).toEqual([]);
  });

  it('reports what it leaves in place on protected accounts, protected permission sets and the management account', () => {
    const org = leaverOrg();

    const p = offboard(org, protections, { id: org.userId('alice') });

    expect(p.blocked.map(withoutChanges)).toEqual([
      {
        reason: 'USER alice keeps assignment(s) on protected accounts or permission sets, or on the management account',
        wouldDelete: 3,
      },
      { reason: 'offboarding leaves memberships of protected groups in place', wouldDelete: 1 },
    ]);
  });

  it('deletes on the management account when it is included', () => {
    const org = leaverOrg();

    const p = offboard(org, { ...protections, includeManagementAccount: true }, { id: org.userId('alice') });

    expect(p.delete.map((d) => d.accountId)).toContain(A.management);
  });

  it('removes the user from every group but protected ones when the setting is on', () => {
    const org = leaverOrg();

    const p = offboard(org, protections, { id: org.userId('alice') });

    expect(p.memberships.remove).toEqual([
      { groupId: org.groupId('Developers'), userId: org.userId('alice'), reason: 'user is disabled' },
    ]);
  });

  it('keeps group memberships when the setting is off', () => {
    const org = leaverOrg();

    const p = offboard(
      org,
      { ...protections, offboarding: { removeGroupMemberships: false } },
      { id: org.userId('alice') },
    );

    expect(p.memberships.remove).toEqual([]);
  });

  it('ignores the revocation guard: a leaver loses every assignment however many', () => {
    const org = standardOrg();
    for (let i = 0; i < 150; i++) org.account(`6000000${String(i).padStart(5, '0')}`);
    org.user('leaver');
    for (let i = 0; i < 150; i++)
      org.assign(`6000000${String(i).padStart(5, '0')}`, 'ReadOnlyAccess', { user: 'leaver' });

    const p = offboard(org, { revocationGuard: { maxPerRun: 1, maxFraction: 0.01 } }, { id: org.userId('leaver') });

    expect(p.delete).toHaveLength(150);
    expect(p.blocked.map(withoutChanges)).toEqual([]);
  });

  it.each<[string, SettingsOverrides, (o: OrgBuilder) => { id: string; userName?: string }]>([
    ['by name in the view', { protected: { principals: [{ user: 'alice' }] } }, (o) => ({ id: o.userId('alice') })],
    [
      'by the user name the caller gives',
      { protected: { principals: [{ user: 'ghost' }] } },
      () => ({ id: 'user-ghost', userName: 'ghost' }),
    ],
  ])('leaves a protected user untouched, found %s', (_name, settings, userOf) => {
    const org = leaverOrg().assign(A.prod, 'ReadOnlyAccess', { principalType: 'USER', principalId: 'user-ghost' });
    const user = userOf(org);

    const p = offboard(org, settings, user);

    expect(p.delete).toEqual([]);
    expect(p.memberships.remove).toEqual([]);
    expect(p.blocked).toHaveLength(1);
    expect(p.blocked[0]?.reason).toMatch(/is a protected principal; its assignments are left in place$/);
  });

  it('purges a deleted user the view no longer holds when every protected user resolves', () => {
    const org = leaverOrg().assign(A.prod, 'ReadOnlyAccess', { principalType: 'USER', principalId: 'user-gone' });

    const p = offboard(org, { protected: { principals: [{ user: 'root-user' }] } }, { id: 'user-gone' });

    expect(p.delete).toEqual([
      expect.objectContaining({ accountId: A.prod, principalId: 'user-gone', principalName: 'user-gone' }),
    ]);
  });

  it('holds a nameless deleted user while a protected user cannot be resolved', () => {
    const org = leaverOrg().assign(A.prod, 'ReadOnlyAccess', { principalType: 'USER', principalId: 'user-gone' });

    const p = offboard(org, { protected: { principals: [{ user: 'vanished-admin' }] } }, { id: 'user-gone' });

    expect(p.delete).toEqual([]);
    expect(p.blocked.map(withoutChanges)).toEqual([
      {
        reason:
          'cannot tell whether USER user-gone is protected: protected principal(s) user vanished-admin are not in the directory view; its assignments are left in place',
        wouldDelete: 1,
      },
    ]);
  });
});

describe('planPrincipalRemoval', () => {
  it('purges every assignment of a deleted group, managed or not, except protected ones', () => {
    const org = leaverOrg()
      .assign(A.staging, 'BillingView', { principalType: 'GROUP', principalId: 'group-gone' })
      .assign(A.security, 'BillingView', { principalType: 'GROUP', principalId: 'group-gone' })
      .assign(A.prod, 'ReadOnlyAccess', { principalType: 'GROUP', principalId: 'group-gone' });

    const p = planPrincipalRemoval({
      ruleSet: ruleSetOf({ settings: protections }),
      view: org.view(),
      principal: { principalType: 'GROUP', principalId: 'group-gone' },
      reason: 'group no longer exists',
      actualAssignments: org.assignments(),
    });

    expect(p.delete.map((d) => `${d.accountId} ${d.permissionSetName} ${d.reason}`)).toEqual([
      `${A.prod} ReadOnlyAccess group no longer exists`,
      `${A.staging} BillingView group no longer exists`,
    ]);
    expect(p.blocked.map((b) => b.wouldDelete)).toEqual([1]);
  });

  it('leaves a protected group untouched', () => {
    const org = leaverOrg().assign(A.prod, 'ReadOnlyAccess', { group: 'BreakGlass' });

    const p = planPrincipalRemoval({
      ruleSet: ruleSetOf({ settings: protections }),
      view: org.view(),
      principal: { principalType: 'GROUP', principalId: org.groupId('BreakGlass') },
      reason: 'group no longer exists',
      actualAssignments: org.assignments(),
    });

    expect(p.delete).toEqual([]);
  });
});

describe('planAccountRemoval', () => {
  const removalOrg = () =>
    standardOrg()
      .assign('999999999999', 'ReadOnlyAccess', { group: 'Auditors' })
      .assign('999999999999', 'BillingView', { group: 'Auditors' })
      .assign('999999999999', 'ReadOnlyAccess', { group: 'BreakGlass' })
      .assign('999999999999', 'AdministratorAccess', { principalType: 'USER', principalId: 'user-gone' })
      .assign(A.suspended, 'ReadOnlyAccess', { group: 'Auditors' })
      .assign(A.prod, 'ReadOnlyAccess', { group: 'Auditors' })
      .assign(A.prod, 'AdministratorAccess', { group: 'Auditors' })
      .assign(A.security, 'ReadOnlyAccess', { group: 'Auditors' });
  const settings: SettingsOverrides = {
    managedPermissionSets: ['ReadOnlyAccess', 'AdministratorAccess'],
    protected: { accounts: [A.security], principals: [{ group: 'BreakGlass' }] },
  };
  const remove = (accountId: string) => {
    const org = removalOrg();
    return planAccountRemoval({
      ruleSet: ruleSetOf({
        settings,
        assignments: [{ id: 'ro', principals: [{ group: 'Auditors' }], permissionSets: ['ReadOnlyAccess'] }],
      }),
      view: org.view(),
      accountId,
      actualAssignments: org.assignments(),
    });
  };

  it('deletes the managed, unprotected assignments on an account that left the organization', () => {
    const p = remove('999999999999');

    expect(p.delete.map((d) => `${d.permissionSetName} ${d.principalName} ${d.reason}`)).toEqual([
      'AdministratorAccess user-gone account left the organization',
      'ReadOnlyAccess Auditors account left the organization',
    ]);
  });

  it('deletes the managed assignments on a suspended account, naming its state', () => {
    const p = remove(A.suspended);

    expect(p.delete.map((d) => d.reason)).toEqual(['account is suspended']);
  });

  it('reconciles an account that is ACTIVE again instead of emptying it', () => {
    const p = remove(A.prod);

    expect(p.delete.map((d) => d.permissionSetName)).toEqual(['AdministratorAccess']);
    expect(p.create).toEqual([]);
  });

  it('leaves a protected account alone and says so', () => {
    const org = removalOrg();
    const view = { ...org.view(), accounts: org.view().accounts.filter((a) => a.id !== A.security) };

    const p = planAccountRemoval({
      ruleSet: ruleSetOf({ settings }),
      view,
      accountId: A.security,
      actualAssignments: org.assignments(),
    });

    expect(p.delete).toEqual([]);
    expect(p.blocked.map(withoutChanges)).toEqual([
      { reason: `account ${A.security} is protected or the management account; its assignments stay`, wouldDelete: 1 },
    ]);
  });
});

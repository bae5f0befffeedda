import { describe, expect, it } from 'vitest';
import { planOrganizationRun } from '../../../../shared/domain/runs/organization-run.js';
import { withoutChanges } from '../../../support/blocks.js';
import {
  type AssignmentRuleInput,
  type OrgBuilder,
  ruleSetOf,
  type SettingsOverrides,
} from '../../../support/org-builder.js';
import { ACCOUNTS as A, standardOrg } from '../standard-org.js';

const runOf = (
  org: OrgBuilder,
  rules: { settings?: SettingsOverrides; assignments?: AssignmentRuleInput[] },
  extra: { guardBypassed?: boolean } = {},
) =>
  planOrganizationRun({
    ruleSet: ruleSetOf(rules),
    view: org.view(),
    actualAssignments: org.assignments(),
    actualMemberships: org.memberships(),
    ...extra,
  });

const adminsEverywhere: AssignmentRuleInput = {
  id: 'admins',
  principals: [{ group: 'Platform Admins' }],
  permissionSets: ['AdministratorAccess'],
};

describe('planOrganizationRun (guard)', () => {
  it('counts the revocations of every account together against maxPerRun', () => {
    // Two on each of three accounts: no account alone exceeds 5, the run does.
    const org = standardOrg();
    for (const account of [A.prod, A.staging, A.sandbox]) {
      org.assign(account, 'AdministratorAccess', { group: 'Auditors' });
      org.assign(account, 'AdministratorAccess', { group: 'Developers' });
    }

    const { plan } = runOf(org, { settings: { revocationGuard: { maxPerRun: 5 } }, assignments: [adminsEverywhere] });

    expect(plan.delete).toEqual([]);
    expect(plan.blocked.map(withoutChanges)).toEqual([
      { reason: 'revocation guard: 6 assignment deletions exceed maxPerRun 5', wouldDelete: 6 },
    ]);
    expect(plan.create.length).toBeGreaterThan(0);
  });

  it('takes maxFraction of the organization, so that one account losing half its assignments passes', () => {
    const org = standardOrg();
    for (const account of [A.prod, A.staging, A.sandbox, A.deep, A.security, A.untagged]) {
      org.assign(account, 'AdministratorAccess', { group: 'Platform Admins' });
    }
    org.assign(A.prod, 'AdministratorAccess', { group: 'Auditors' });

    const { plan, totals } = runOf(org, {
      settings: { revocationGuard: { maxFraction: 0.4 } },
      assignments: [adminsEverywhere],
    });

    expect(totals.managedAssignments).toBe(7);
    expect(plan.delete.map((d) => [d.accountId, d.principalName])).toEqual([[A.prod, 'Auditors']]);
    expect(plan.blocked).toEqual([]);
  });

  it('lists each held change with its account, permission set, principal and reason', () => {
    const org = standardOrg().assign(A.prod, 'AdministratorAccess', { group: 'Auditors' });

    const { plan } = runOf(org, { settings: { revocationGuard: { maxPerRun: 0 } }, assignments: [adminsEverywhere] });

    expect(plan.blocked[0]?.changes).toEqual([
      {
        accountId: A.prod,
        permissionSetArn: org.permissionSetArn('AdministratorAccess'),
        permissionSetName: 'AdministratorAccess',
        principalType: 'GROUP',
        principalId: org.groupId('Auditors'),
        principalName: 'Auditors',
        reason: 'no rule grants AdministratorAccess to GROUP Auditors on this account',
      },
    ]);
  });

  it('applies no guard to an approval run, which releases what an approver saw', () => {
    const org = standardOrg().assign(A.prod, 'AdministratorAccess', { group: 'Auditors' });

    const { plan } = runOf(
      org,
      { settings: { revocationGuard: { maxPerRun: 0 } }, assignments: [adminsEverywhere] },
      { guardBypassed: true },
    );

    expect(plan.delete.map((d) => d.principalName)).toEqual(['Auditors']);
    expect(plan.blocked).toEqual([]);
  });

  it('guards membership removals of the whole run against the members of authoritative groups', () => {
    const org = standardOrg().member('Developers', 'alice').member('Developers', 'bob').member('Developers', 'carol');

    const { plan } = planOrganizationRun({
      ruleSet: {
        ...ruleSetOf({ settings: { revocationGuard: { maxPerRun: 1 } } }),
        memberships: [
          { id: 'nobody', where: { department: 'Nobody' }, groups: ['Developers'], policy: 'authoritative' },
        ],
      },
      view: org.view(),
      actualAssignments: org.assignments(),
      actualMemberships: org.memberships(),
    });

    expect(plan.memberships.remove).toEqual([]);
    expect(plan.blocked.map(withoutChanges)).toEqual([
      { reason: 'revocation guard: 3 membership removals exceed maxPerRun 1', wouldDelete: 3 },
    ]);
    expect(plan.blocked[0]?.changes.map((c) => ('userId' in c ? c.userId : ''))).toHaveLength(3);
  });
});

describe('planOrganizationRun (offboarding)', () => {
  it('offboards a disabled user from every permission set, managed or not', () => {
    const org = standardOrg()
      .assign(A.prod, 'AdministratorAccess', { user: 'dave' })
      .assign(A.staging, 'BillingView', { user: 'dave' });

    const { plan, offboarded } = runOf(org, { assignments: [adminsEverywhere] });

    expect(plan.delete.filter((d) => d.principalName === 'dave').map((d) => [d.accountId, d.reason])).toEqual([
      [A.prod, 'user is disabled'],
      [A.staging, 'user is disabled'],
    ]);
    expect(offboarded).toEqual([
      { principalType: 'USER', principalId: org.userId('dave'), reason: 'user is disabled' },
    ]);
  });

  it('leaves a disabled user alone when onUserDisabled is off, but for drift in managed permission sets', () => {
    const org = standardOrg().assign(A.staging, 'BillingView', { user: 'dave' });

    const { plan } = runOf(org, {
      settings: { offboarding: { onUserDisabled: false } },
      assignments: [adminsEverywhere],
    });

    expect(plan.delete.filter((d) => d.principalName === 'dave')).toEqual([]);
  });

  it.each([
    ['a deleted user', 'USER' as const, 'user-gone', 'user no longer exists'],
    ['a deleted group', 'GROUP' as const, 'group-gone', 'group no longer exists'],
  ])(
    'removes every assignment of %s, in unmanaged permission sets too',
    (_name, principalType, principalId, reason) => {
      const org = standardOrg()
        .assign(A.prod, 'BillingView', { principalType, principalId })
        .assign(A.security, 'AdministratorAccess', { principalType, principalId });

      const { plan } = runOf(org, { assignments: [adminsEverywhere] });

      expect(plan.delete.filter((d) => d.principalId === principalId).map((d) => [d.accountId, d.reason])).toEqual([
        [A.prod, reason],
        [A.security, reason],
      ]);
    },
  );

  it('removes a disabled user from every group when removeGroupMemberships', () => {
    const org = standardOrg().member('Developers', 'dave').member('SREs', 'dave');

    const { plan } = runOf(org, {});

    expect(plan.memberships.remove).toEqual(
      [
        { groupId: org.groupId('Developers'), userId: org.userId('dave'), reason: 'user is disabled' },
        { groupId: org.groupId('SREs'), userId: org.userId('dave'), reason: 'user is disabled' },
      ].sort((a, b) => (a.groupId < b.groupId ? -1 : 1)),
    );
  });

  it('keeps offboarding on protected accounts and permission sets, and says so', () => {
    const org = standardOrg()
      .assign(A.security, 'BreakGlassAdmin', { user: 'dave' })
      .assign(A.prod, 'BillingView', { user: 'dave' });

    const { plan } = runOf(org, { settings: { protected: { permissionSets: ['BreakGlassAdmin'] } } });

    expect(plan.delete.map((d) => d.permissionSetName)).toEqual(['BillingView']);
    expect(plan.blocked.map((b) => b.changes.length)).toEqual([1]);
  });

  it('never offboards a protected principal', () => {
    const org = standardOrg().assign(A.prod, 'BillingView', { user: 'dave' });

    const { plan } = runOf(org, { settings: { protected: { principals: [{ user: 'dave' }] } } });

    expect(plan.delete).toEqual([]);
  });

  it('counts offboarding revocations in the run guard', () => {
    const org = standardOrg()
      .assign(A.prod, 'BillingView', { user: 'dave' })
      .assign(A.staging, 'BillingView', { user: 'dave' });

    const { plan } = runOf(org, { settings: { revocationGuard: { maxPerRun: 1 } } });

    expect(plan.delete).toEqual([]);
    expect(plan.blocked.map((b) => b.wouldDelete)).toEqual([2]);
  });

  it('offboards a leaver even on accounts that a broken rule holds', () => {
    const org = standardOrg().assign(A.prod, 'AdministratorAccess', { user: 'dave' });
    const broken: AssignmentRuleInput = { ...adminsEverywhere, id: 'broken', principals: [{ group: 'Nobody' }] };

    const { plan } = runOf(org, { assignments: [broken] });

    expect(plan.delete.map((d) => [d.principalName, d.reason])).toEqual([['dave', 'user is disabled']]);
    expect(plan.blocked).toEqual([]);
  });
});

describe('planOrganizationRun (converged)', () => {
  it('plans nothing for an organization that matches its rules', () => {
    const org = standardOrg();
    for (const account of [A.prod, A.staging, A.sandbox, A.deep, A.security, A.untagged]) {
      org.assign(account, 'AdministratorAccess', { group: 'Platform Admins' });
    }

    const { plan } = runOf(org, { assignments: [adminsEverywhere] });

    expect(plan).toEqual({ create: [], delete: [], memberships: { add: [], remove: [] }, blocked: [], errors: [] });
  });
});

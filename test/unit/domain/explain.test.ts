import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../shared/domain/evaluate.js';
import { type ExplainQuery, ExplainQueryError, explain } from '../../../shared/domain/explain.js';
import { worldArbitrary } from '../../support/org-arbitrary.js';
import { ruleSetOf } from '../../support/org-builder.js';
import { ACCOUNTS, standardOrg } from './standard-org.js';

const NOW = Date.parse('2026-03-01T00:00:00Z');
const A = ACCOUNTS;

const org = standardOrg()
  .member('Platform Admins', 'alice')
  .member('SREs', 'alice')
  .assign(A.prod, 'AdministratorAccess', { group: 'Platform Admins' })
  .assign(A.prod, 'ReadOnlyAccess', { user: 'alice' })
  .assign(A.staging, 'ReadOnlyAccess', { user: 'alice' })
  .assign(A.prod, 'BillingView', { group: 'SREs' })
  .assign(A.prod, 'BreakGlassAdmin', { group: 'BreakGlass' })
  .assign(A.management, 'AdministratorAccess', { group: 'Platform Admins' });

const ruleSet = ruleSetOf({
  settings: {
    managedPermissionSets: ['AdministratorAccess', 'ReadOnlyAccess'],
    protected: { permissionSets: ['BreakGlassAdmin'] },
  },
  assignments: [
    {
      id: 'platform-admins',
      principals: [{ group: 'Platform Admins' }],
      permissionSets: ['AdministratorAccess'],
      targets: { organizationalUnits: ['/Workloads'] },
    },
    {
      id: 'sre-readonly',
      principals: [{ users: { where: { title: 'SRE' } } }],
      permissionSets: ['ReadOnlyAccess'],
      targets: { accountTags: { env: ['prod'] } },
    },
    {
      id: 'alice-prod',
      principals: [{ user: 'alice' }],
      permissionSets: ['ReadOnlyAccess'],
      targets: { accounts: [A.prod] },
    },
  ],
});

const explained = (query: ExplainQuery) =>
  explain({ ruleSet, view: org.view(), actualAssignments: org.assignments(), query, now: NOW })
    .assignments.map(
      (a) =>
        [a.accountId, a.permissionSetName, a.principalName, a.via, a.status, a.ruleIds.join(','), a.exists] as const,
    )
    .sort((x, y) => x.join('|').localeCompare(y.join('|')));

describe('explain', () => {
  it("lists a user's direct assignments and those of its groups, with the group it holds them through", () => {
    expect(explained({ kind: 'user', userName: 'alice' })).toEqual([
      [A.management, 'AdministratorAccess', 'Platform Admins', 'Platform Admins', 'unmanaged', '', true],
      [A.prod, 'AdministratorAccess', 'Platform Admins', 'Platform Admins', 'wanted', 'platform-admins', true],
      [A.prod, 'BillingView', 'SREs', 'SREs', 'unmanaged', '', true],
      [A.prod, 'ReadOnlyAccess', 'alice', null, 'wanted', 'alice-prod,sre-readonly', true],
      [A.staging, 'AdministratorAccess', 'Platform Admins', 'Platform Admins', 'wanted', 'platform-admins', false],
      [A.staging, 'ReadOnlyAccess', 'alice', null, 'drift', '', true],
      [A.sandbox, 'AdministratorAccess', 'Platform Admins', 'Platform Admins', 'wanted', 'platform-admins', false],
      [A.deep, 'AdministratorAccess', 'Platform Admins', 'Platform Admins', 'wanted', 'platform-admins', false],
      [A.deep, 'ReadOnlyAccess', 'alice', null, 'wanted', 'sre-readonly', false],
    ]);
  });

  it('lists every assignment on an account, protected ones included', () => {
    expect(explained({ kind: 'account', accountId: A.prod }).filter((e) => e[6])).toEqual([
      [A.prod, 'AdministratorAccess', 'Platform Admins', null, 'wanted', 'platform-admins', true],
      [A.prod, 'BillingView', 'SREs', null, 'unmanaged', '', true],
      [A.prod, 'BreakGlassAdmin', 'BreakGlass', null, 'protected', '', true],
      [A.prod, 'ReadOnlyAccess', 'alice', null, 'wanted', 'alice-prod,sre-readonly', true],
    ]);
  });

  it("lists a group's own assignments without a via", () => {
    expect(explained({ kind: 'group', displayName: 'SREs' })).toEqual([
      [A.prod, 'BillingView', 'SREs', null, 'unmanaged', '', true],
    ]);
  });

  it.each<[string, ExplainQuery, RegExp]>([
    ['an unknown user', { kind: 'user', userName: 'mallory' }, /no user with UserName "mallory"/],
    ['an unknown group', { kind: 'group', displayName: 'Nobody' }, /no group with DisplayName "Nobody"/],
    ['an unknown account', { kind: 'account', accountId: '999999999999' }, /not in the organization/],
  ])('refuses %s', (_name, query, message) => {
    expect(() => explained(query)).toThrow(ExplainQueryError);
    expect(() => explained(query)).toThrow(message);
  });

  it('marks as drift what an ended time-bound rule granted', () => {
    const timeBound = ruleSetOf({
      assignments: [
        {
          id: 'temp',
          principals: [{ user: 'alice' }],
          permissionSets: ['ReadOnlyAccess'],
          targets: { accounts: [A.staging] },
          validUntil: '2026-02-01T00:00:00Z',
        },
      ],
    });

    const result = explain({
      ruleSet: timeBound,
      view: org.view(),
      actualAssignments: org.assignments(),
      query: { kind: 'account', accountId: A.staging },
      now: NOW,
    });

    expect(result.assignments.map((a) => a.status)).toEqual(['drift']);
  });

  it("wants exactly the evaluation's desired assignments of the user and of each of its groups (property)", () => {
    fc.assert(
      fc.property(worldArbitrary(), fc.nat(), (world, n) => {
        const user = world.view.users[n % world.view.users.length];
        fc.pre(user !== undefined);
        const u = user as NonNullable<typeof user>;
        const groups = new Map(
          world.view.groupMemberships
            .filter((m) => m.userId === u.id)
            .map((m) => [m.groupId, world.view.groups.find((g) => g.id === m.groupId)?.displayName ?? null]),
        );
        const desired = evaluate(world.ruleSet, world.view, { now: NOW }).assignments.filter(
          (d) =>
            (d.principalType === 'USER' && d.principalId === u.id) ||
            (d.principalType === 'GROUP' && groups.has(d.principalId)),
        );

        const result = explain({ ...world, query: { kind: 'user', userName: u.userName }, now: NOW });

        const wanted = result.assignments.filter((a) => a.status === 'wanted');
        const key = (
          accountId: string,
          ps: string,
          type: string,
          name: string,
          via: string | null,
          ruleIds: readonly string[],
        ) => `${accountId}|${ps}|${type}|${name}|${via}|${ruleIds.join(',')}`;
        const psName = (arn: string) => world.view.permissionSets.find((p) => p.arn === arn)?.name ?? arn;
        const nameOf = (type: string, id: string) =>
          type === 'USER' ? u.userName : (world.view.groups.find((g) => g.id === id)?.displayName ?? id);
        expect(
          wanted
            .map((w) => key(w.accountId, w.permissionSetName, w.principalType, w.principalName, w.via, w.ruleIds))
            .sort(),
        ).toEqual(
          desired
            .map((d) =>
              key(
                d.accountId,
                psName(d.permissionSetArn),
                d.principalType,
                nameOf(d.principalType, d.principalId),
                d.principalType === 'USER' ? null : (groups.get(d.principalId) ?? null),
                d.ruleIds,
              ),
            )
            .sort(),
        );
        expect(
          new Set(
            result.assignments.map(
              (a) => `${a.accountId}|${a.permissionSetName}|${a.principalType}|${a.principalName}`,
            ),
          ).size,
        ).toBe(result.assignments.length);
      }),
      { numRuns: 200 },
    );
  });
});

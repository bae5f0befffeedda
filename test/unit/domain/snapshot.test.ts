import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROTOTYPE_KEY_PROBLEM } from '../../../shared/domain/prototype-keys.js';
import { parseSnapshot, type Snapshot, SnapshotError } from '../../../shared/domain/snapshot.js';
import { orgBuilder } from '../../support/org-builder.js';

/** A small consistent organization: two OUs, three accounts, two groups, two users, two permission sets. */
const base = (): Snapshot =>
  orgBuilder()
    .managementAccount('111111111111')
    .account('222222222222', { ou: '/Workloads/Prod', tags: { env: 'prod' } })
    .account('333333333333', { ou: '/Workloads/Staging', tags: { env: 'staging' } })
    .permissionSet('ReadOnlyAccess')
    .permissionSet('AdministratorAccess')
    .group('Auditors')
    .group('Platform Admins')
    .user('alice', { title: 'SRE' })
    .user('bob')
    .member('Auditors', 'alice')
    .snapshot();

/** What `parseSnapshot` says about a value, or `accepted`. */
const verdict = (value: unknown): string => {
  try {
    parseSnapshot(value, 'org.json');
    return 'accepted';
  } catch (error) {
    if (error instanceof SnapshotError) return error.message;
    throw error;
  }
};

type Edit = (s: Snapshot) => Snapshot;

const first = <T>(items: readonly T[]): T => {
  const item = items[0];
  if (item === undefined) throw new Error('the base snapshot lost an item');
  return item;
};

describe('parseSnapshot', () => {
  it('accepts a consistent organization as it is', () => {
    // Prepare
    const snapshot = base();

    // Act
    const parsed = parseSnapshot(snapshot);

    // Assess
    expect(parsed).toEqual(snapshot);
  });

  it.each<[string, Edit, RegExp]>([
    [
      'an account listed twice',
      (s) => ({ ...s, accounts: [...s.accounts, { ...first(s.accounts), name: 'copy' }] }),
      /duplicate account id 111111111111 \(2 entries\)/,
    ],
    [
      'two OUs with one id',
      (s) => ({
        ...s,
        organizationalUnits: [
          ...s.organizationalUnits,
          { ...s.organizationalUnits[1], name: 'Other' },
        ] as Snapshot['organizationalUnits'],
      }),
      /duplicate OU id ou-ab12-00000001 \(2 entries\)/,
    ],
    [
      'two OUs with one name under one parent',
      (s) => ({
        ...s,
        organizationalUnits: [
          ...s.organizationalUnits,
          { id: 'ou-ab12-99999999', name: 'Workloads', parentId: 'r-ab12' },
        ],
      }),
      /duplicate OU name "Workloads" under r-ab12 \(ou-ab12-00000001, ou-ab12-99999999\)/,
    ],
    [
      'two permission sets with one ARN',
      (s) => ({ ...s, permissionSets: [...s.permissionSets, { ...first(s.permissionSets), name: 'Copy' }] }),
      /duplicate permission set ARN arn:aws:sso:::permissionSet\/\S+ \(2 entries\)/,
    ],
    [
      'two permission sets with one name',
      (s) => ({
        ...s,
        permissionSets: [
          ...s.permissionSets,
          { arn: 'arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-copy', name: 'ReadOnlyAccess' },
        ],
      }),
      /duplicate permission set name "ReadOnlyAccess" \(\S+, arn:aws:sso:::permissionSet\/ssoins-0123456789abcdef\/ps-copy\)/,
    ],
    [
      'two groups with one id',
      (s) => ({ ...s, groups: [...s.groups, { ...first(s.groups), displayName: 'Copy' }] }),
      /duplicate group id \S+ \(2 entries\)/,
    ],
    [
      'two groups with one display name',
      (s) => ({ ...s, groups: [...s.groups, { id: 'g-copy', displayName: 'Auditors' }] }),
      /duplicate group displayName "Auditors" \(\S+, g-copy\)/,
    ],
    [
      'two users with one id',
      (s) => ({ ...s, users: [...s.users, { ...first(s.users), userName: 'copy' }] }),
      /duplicate user id \S+ \(2 entries\)/,
    ],
    [
      'two users with one user name',
      (s) => ({ ...s, users: [...s.users, { id: 'u-copy', userName: 'alice', active: true }] }),
      /duplicate user userName "alice" \(\S+, u-copy\)/,
    ],
    [
      'two OUs that are each other’s parent',
      (s) => ({
        ...s,
        organizationalUnits: [
          ...s.organizationalUnits,
          { id: 'ou-ab12-aaaaaaaa', name: 'A', parentId: 'ou-ab12-bbbbbbbb' },
          { id: 'ou-ab12-bbbbbbbb', name: 'B', parentId: 'ou-ab12-aaaaaaaa' },
        ],
      }),
      /OU cycle ou-ab12-aaaaaaaa → ou-ab12-bbbbbbbb → ou-ab12-aaaaaaaa: these OUs do not descend from the root/,
    ],
    [
      'an OU that is its own parent',
      (s) => ({
        ...s,
        organizationalUnits: [
          ...s.organizationalUnits,
          { id: 'ou-ab12-aaaaaaaa', name: 'A', parentId: 'ou-ab12-aaaaaaaa' },
        ],
      }),
      /OU cycle ou-ab12-aaaaaaaa → ou-ab12-aaaaaaaa/,
    ],
    [
      'two roots',
      (s) => ({
        ...s,
        organizationalUnits: [...s.organizationalUnits, { id: 'r-cd34', name: 'Root', parentId: null }],
      }),
      /expected exactly one root \(parentId null\), found 2: r-ab12, r-cd34/,
    ],
  ])('refuses %s, naming the ids', (_name, edit, problem) => {
    // Act
    const said = verdict(edit(base()));

    // Assess
    expect(said).toMatch(/^Invalid snapshot org\.json: /);
    expect(said).toMatch(problem);
  });

  it('reports a cycle once, however many of its OUs the check starts from', () => {
    // Prepare
    const s = base();
    const cyclic = {
      ...s,
      organizationalUnits: [
        ...s.organizationalUnits,
        { id: 'ou-ab12-aaaaaaaa', name: 'A', parentId: 'ou-ab12-cccccccc' },
        { id: 'ou-ab12-bbbbbbbb', name: 'B', parentId: 'ou-ab12-aaaaaaaa' },
        { id: 'ou-ab12-cccccccc', name: 'C', parentId: 'ou-ab12-bbbbbbbb' },
        { id: 'ou-ab12-dddddddd', name: 'D', parentId: 'ou-ab12-cccccccc' },
      ],
    };

    // Act
    const said = verdict(cyclic);

    // Assess
    expect(said.match(/OU cycle/g)).toHaveLength(1);
  });

  it('accepts two accounts with one name, as AWS does', () => {
    // Prepare
    const s = base();
    const named = { ...s, accounts: s.accounts.map((a) => ({ ...a, name: 'workload' })) };

    // Act + Assess
    expect(verdict(named)).toBe('accepted');
  });

  it('accepts one OU name under two parents', () => {
    // Prepare
    const s = orgBuilder().ou('/Workloads/Prod').ou('/Sandbox/Prod').snapshot();

    // Act + Assess
    expect(verdict(s)).toBe('accepted');
  });

  it('lists ten problems and counts the rest', () => {
    // Prepare
    const groups = Array.from({ length: 12 }, (_, i) => [
      { id: `g-${i}`, displayName: `Team ${i}` },
      { id: `g-${i}`, displayName: `Team ${i} (copy)` },
    ]).flat();

    // Act
    const said = verdict({ ...base(), groups, groupMemberships: [] });

    // Assess
    expect(said.match(/duplicate group id/g)).toHaveLength(10);
    expect(said).toMatch(/duplicate group id g-9 \(2 entries\); and 2 more$/);
  });

  it.each<[string, string, string]>([
    ['in account tags', '"tags":{"env":"prod"', 'accounts.1.tags.__proto__'],
    ['at the top', '"managementAccountId":"111111111111"', '__proto__'],
  ])('refuses a __proto__ key %s, naming its path', (_name, anchor, path) => {
    // Prepare
    const text = JSON.stringify(base()).replace(anchor, () => `${anchor},"__proto__":{"env":"prod"}`);

    // Act
    const said = verdict(JSON.parse(text));

    // Assess
    expect(said).toBe(`Invalid snapshot org.json: ${path}: ${PROTOTYPE_KEY_PROBLEM}`);
  });

  it('refuses __proto__ and only __proto__ among arbitrary tag keys', () => {
    const key = fc.oneof(
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf'),
      fc.string({ maxLength: 10 }),
    );
    fc.assert(
      fc.property(key, fc.string({ maxLength: 6 }), (tagKey, tagValue) => {
        // Prepare
        const text = JSON.stringify(base()).replace(
          '"tags":{"env":"prod"}',
          () => `"tags":{"env":"prod",${JSON.stringify(tagKey)}:${JSON.stringify(tagValue)}}`,
        );

        // Act
        const said = verdict(JSON.parse(text));

        // Assess
        if (tagKey === '__proto__') expect(said).toContain(`accounts.1.tags.__proto__: ${PROTOTYPE_KEY_PROBLEM}`);
        else if (tagKey === 'env') expect(said).toBe('accepted');
        else {
          expect(said).toBe('accepted');
          const tags = parseSnapshot(JSON.parse(text)).accounts[1]?.tags ?? {};
          expect(tags).toEqual(
            Object.fromEntries([
              ['env', 'prod'],
              [tagKey, tagValue],
            ]),
          );
        }
      }),
      { numRuns: 200 },
    );
  });
});

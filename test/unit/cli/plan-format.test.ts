import { describe, expect, it } from 'vitest';
import { colorsFor } from '../../../cli/context.js';
import { formatPlanTable, ouPath, planJson, planSummary } from '../../../cli/plan-format.js';
import type { OrganizationView } from '../../../shared/domain/model.js';
import { emptyPlan, type Plan } from '../../../shared/domain/plan-types.js';
import { stripAnsi } from '../../cli/support/run-cli.js';

const PS = 'arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-aaaabbbbccccdddd';
const view: OrganizationView = {
  managementAccountId: '111122223333',
  organizationalUnits: [
    { id: 'r-ab12', name: 'Root', parentId: null },
    { id: 'ou-ab12-11111111', name: 'Workloads', parentId: 'r-ab12' },
    { id: 'ou-ab12-22222222', name: 'Prod', parentId: 'ou-ab12-11111111' },
  ],
  accounts: [
    { id: '222233334444', name: 'prod-app', email: 'a@example.com', status: 'ACTIVE', parentId: 'ou-ab12-22222222' },
    { id: '333344445555', name: 'tools', email: 't@example.com', status: 'ACTIVE', parentId: 'r-ab12' },
  ],
  permissionSets: [{ arn: PS, name: 'ReadOnlyAccess' }],
  groups: [{ id: 'g-1', displayName: 'Developers' }],
  users: [{ id: 'u-1', userName: 'alice@example.com', active: true }],
  groupMemberships: [],
};

const create = {
  accountId: '222233334444',
  permissionSetArn: PS,
  permissionSetName: 'ReadOnlyAccess',
  principalType: 'GROUP' as const,
  principalId: 'g-1',
  principalName: 'Developers',
  ruleIds: ['readers', 'prod-readers'],
};
const remove = {
  accountId: '333344445555',
  permissionSetArn: PS,
  permissionSetName: 'ReadOnlyAccess',
  principalType: 'USER' as const,
  principalId: 'u-1',
  principalName: 'alice@example.com',
  reason: 'user is disabled',
};
const full: Plan = {
  create: [create],
  delete: [remove],
  memberships: {
    add: [{ groupId: 'g-1', userId: 'u-1', ruleIds: ['engineers'] }],
    remove: [{ groupId: 'g-1', userId: 'u-9', reason: 'user no longer matches engineers' }],
  },
  blocked: [
    { reason: 'revocation guard: 1 assignment deletions exceed maxPerRun 0', wouldDelete: 1, changes: [remove] },
  ],
  errors: [{ ruleId: 'admins', message: 'group "Admins" does not exist' }],
};
const plain = colorsFor({ write: () => true }, {});
const coloured = colorsFor({ write: () => true, isTTY: true }, {});

describe('planJson', () => {
  it('keeps only the docs/design.md §6 fields when the planner carries more', () => {
    // Prepare
    const withExtras = { ...full, create: [{ ...create, internal: 'x' }], notices: ['n'] } as unknown as Plan;

    // Act
    const json = planJson(withExtras);

    // Assess
    expect(Object.keys(json)).toEqual(['create', 'delete', 'memberships', 'blocked', 'errors']);
    expect(json.create[0]).toEqual(create);
  });
});

describe('ouPath', () => {
  it.each([
    ['r-ab12', '/'],
    ['ou-ab12-11111111', '/Workloads'],
    ['ou-ab12-22222222', '/Workloads/Prod'],
    ['ou-ab12-99999999', 'ou-ab12-99999999'],
  ])('shows %s as %s', (id, path) => {
    expect(ouPath(view, id)).toBe(path);
  });
});

describe('planSummary', () => {
  it('counts every part of the plan on one line', () => {
    expect(planSummary(full)).toBe(
      'Plan: 1 to create, 1 to delete; memberships: 1 to add, 1 to remove; 1 blocked; 1 error.',
    );
  });
});

describe('formatPlanTable', () => {
  it('prints accounts, memberships, blocks and errors in that order, then the total', () => {
    // Act
    const text = formatPlanTable(full, view, plain);

    // Assess
    expect(text).toBe(
      [
        'Account assignments',
        '',
        'tools (333344445555)  /',
        '  - ReadOnlyAccess  USER   alice@example.com  reason: user is disabled',
        '',
        'prod-app (222233334444)  /Workloads/Prod',
        '  + ReadOnlyAccess  GROUP  Developers         rules: readers, prod-readers',
        '',
        'Group memberships',
        '',
        '  + Developers  alice@example.com  rules: engineers',
        '  - Developers  u-9                reason: user no longer matches engineers',
        '',
        'Blocked',
        '',
        '  ! revocation guard: 1 assignment deletions exceed maxPerRun 0 (1 revocation held back)',
        '      333344445555  ReadOnlyAccess  USER alice@example.com  (user is disabled)',
        '',
        'Errors',
        '',
        '  x admins: group "Admins" does not exist',
        '',
        'Plan: 1 to create, 1 to delete; memberships: 1 to add, 1 to remove; 1 blocked; 1 error.',
        '',
      ].join('\n'),
    );
  });

  it('says there is nothing to do for an empty plan', () => {
    expect(formatPlanTable(emptyPlan(), view, plain)).toBe(
      'No changes: the organization matches the rules.\n' +
        'Plan: 0 to create, 0 to delete; memberships: 0 to add, 0 to remove; 0 blocked; 0 errors.\n',
    );
  });

  it('colours creates green and deletes red, and reads the same without the colours', () => {
    // Act
    const text = formatPlanTable(full, view, coloured);

    // Assess
    expect(text).toContain('\u001b[32m+\u001b[39m');
    expect(text).toContain('\u001b[31m-\u001b[39m');
    expect(stripAnsi(text)).toBe(formatPlanTable(full, view, plain));
  });
});

describe('colorsFor', () => {
  it.each([
    ['a terminal', true, {}, true],
    ['a terminal with NO_COLOR', true, { NO_COLOR: '1' }, false],
    ['a terminal with TERM=dumb', true, { TERM: 'dumb' }, false],
    ['a pipe', false, {}, false],
    ['a pipe with FORCE_COLOR', false, { FORCE_COLOR: '1' }, true],
    ['a pipe with FORCE_COLOR=0', false, { FORCE_COLOR: '0' }, false],
  ])('decides colour for %s', (_, isTTY, env, expected) => {
    expect(colorsFor({ write: () => true, isTTY }, env).isColorSupported).toBe(expected);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../shared/domain/evaluate.js';
import { plan } from '../../../shared/domain/plan.js';
import {
  endedRules,
  ruleBoundariesBetween,
  type WindowState,
  windowState,
} from '../../../shared/domain/rule-window.js';
import { parseRulesDocument } from '../../../shared/domain/rules/load.js';
import type { AssignmentRule } from '../../../shared/domain/rules/schema.js';
import { worldArbitrary } from '../../support/org-arbitrary.js';
import { ruleSetOf } from '../../support/org-builder.js';
import { ACCOUNTS, standardOrg } from './standard-org.js';

const at = (iso: string): number => Date.parse(iso);
const FROM = '2026-03-01T09:00:00Z';
const UNTIL = '2026-03-01T17:00:00+01:00'; // 16:00 UTC

describe('windowState', () => {
  it.each<[string, { validFrom?: string; validUntil?: string }, string, WindowState]>([
    ['a rule without a window is in force', {}, '2000-01-01T00:00:00Z', 'in-force'],
    ['before validFrom', { validFrom: FROM }, '2026-03-01T08:59:59.999Z', 'not-yet'],
    ['at validFrom (inclusive)', { validFrom: FROM }, FROM, 'in-force'],
    ['inside both bounds', { validFrom: FROM, validUntil: UNTIL }, '2026-03-01T12:00:00Z', 'in-force'],
    ['one millisecond before validUntil', { validUntil: UNTIL }, '2026-03-01T15:59:59.999Z', 'in-force'],
    ['at validUntil (exclusive), in another time zone', { validUntil: UNTIL }, '2026-03-01T16:00:00Z', 'ended'],
    ['after validUntil', { validFrom: FROM, validUntil: UNTIL }, '2026-03-02T00:00:00Z', 'ended'],
  ])('%s', (_name, window, now, expected) => {
    expect(windowState({ id: 'r', ...window }, at(now))).toBe(expected);
  });
});

describe('evaluate (time-bound rules)', () => {
  const org = standardOrg();
  const rule = (window: Partial<AssignmentRule>): AssignmentRule => ({
    id: 'temp',
    principals: [{ user: 'alice' }],
    permissionSets: ['AdministratorAccess'],
    targets: { accounts: [ACCOUNTS.prod] },
    ...window,
  });

  it.each<[string, string, number]>([
    ['grants nothing before validFrom', '2026-03-01T08:00:00Z', 0],
    ['grants inside its window', '2026-03-01T10:00:00Z', 1],
    ['grants nothing from validUntil on', '2026-03-01T16:00:00Z', 0],
  ])('%s', (_name, now, count) => {
    const ruleSet = ruleSetOf({ assignments: [rule({ validFrom: FROM, validUntil: UNTIL })] });

    const evaluation = evaluate(ruleSet, org.view(), { now: at(now) });

    expect(evaluation.assignments).toHaveLength(count);
    expect(evaluation.errors).toEqual([]);
  });

  it('plans the revocation of what an ended rule granted', () => {
    const granted = standardOrg().assign(ACCOUNTS.prod, 'AdministratorAccess', { user: 'alice' });
    const ruleSet = ruleSetOf({ assignments: [rule({ validUntil: UNTIL })] });

    const p = plan({
      ruleSet,
      view: granted.view(),
      actualAssignments: granted.assignments(),
      actualMemberships: [],
      now: at('2026-03-01T16:00:30Z'),
    });

    expect(p.delete.map((d) => [d.accountId, d.permissionSetName, d.principalName])).toEqual([
      [ACCOUNTS.prod, 'AdministratorAccess', 'alice'],
    ]);
    expect(p.create).toEqual([]);
  });

  it('treats a time-bound rule as unresolved when no time is given: it grants nothing and holds revocations', () => {
    const granted = standardOrg().assign(ACCOUNTS.prod, 'AdministratorAccess', { user: 'alice' });
    const ruleSet = ruleSetOf({ assignments: [rule({ validUntil: UNTIL })] });

    const evaluation = evaluate(ruleSet, granted.view());
    const p = plan({ ruleSet, view: granted.view(), actualAssignments: granted.assignments(), actualMemberships: [] });

    expect(evaluation.assignments).toEqual([]);
    expect(evaluation.errors).toEqual([{ ruleId: 'temp', message: expect.stringContaining('given no time') }]);
    expect([...evaluation.unsafeAccountIds]).toEqual([ACCOUNTS.prod]);
    expect(p.delete).toEqual([]);
  });

  it('removes the members an authoritative membership rule added once its window ends', () => {
    const members = standardOrg().member('SREs', 'alice');
    const ruleSet = ruleSetOf({
      memberships: [
        { id: 'oncall', where: { title: 'SRE' }, groups: ['SREs'], policy: 'authoritative', validUntil: UNTIL },
      ],
    });

    const p = plan({
      ruleSet,
      view: members.view(),
      actualAssignments: [],
      actualMemberships: members.memberships(),
      now: at('2026-03-02T00:00:00Z'),
    });

    expect(p.memberships.add).toEqual([]);
    expect(p.memberships.remove.map((r) => r.userId)).toEqual([members.userId('alice')]);
  });

  it('contributes nothing outside its window, whatever the organization (property)', () => {
    fc.assert(
      fc.property(worldArbitrary(), fc.integer({ min: 0, max: 3 }), (world, which) => {
        const now = at('2026-06-01T00:00:00Z');
        const ended = '2026-05-31T23:59:59Z';
        const timeBound = world.ruleSet.assignments.map((r, i) => (i === which ? { ...r, validUntil: ended } : r));
        const withWindow = { ...world.ruleSet, assignments: timeBound };
        const without = { ...world.ruleSet, assignments: timeBound.filter((_, i) => i !== which) };

        const a = evaluate(withWindow, world.view, { now });
        const b = evaluate(without, world.view, { now });

        expect(a.assignments).toEqual(b.assignments);
        expect(a.errors).toEqual(b.errors);
        expect([...a.unsafeAccountIds].sort()).toEqual([...b.unsafeAccountIds].sort());
      }),
      { numRuns: 200 },
    );
  });
});

describe('ruleBoundariesBetween', () => {
  const ruleSet = ruleSetOf({
    assignments: [
      {
        id: 'a',
        principals: [{ group: 'Auditors' }],
        permissionSets: ['ReadOnlyAccess'],
        targets: {},
        validFrom: FROM,
        validUntil: UNTIL,
      },
    ],
    memberships: [{ id: 'm', where: { title: 'SRE' }, groups: ['SREs'], validUntil: '2026-03-01T16:00:30Z' }],
  });

  it.each<[string, string, string, string[]]>([
    ['finds nothing in a quiet span', '2026-03-01T10:00:00Z', '2026-03-01T11:00:00Z', []],
    ['finds a start at the end of the span', '2026-03-01T08:59:00Z', FROM, ['a:validFrom']],
    ['excludes a boundary at the start of the span', FROM, '2026-03-01T09:01:00Z', []],
    [
      'finds every boundary in a span, in time order, across rule kinds',
      '2026-03-01T15:58:00Z',
      '2026-03-01T16:01:00Z',
      ['a:validUntil', 'm:validUntil'],
    ],
  ])('%s', (_name, after, upTo, expected) => {
    expect(ruleBoundariesBetween(ruleSet, at(after), at(upTo)).map((b) => `${b.ruleId}:${b.kind}`)).toEqual(expected);
  });

  it('lists ended rules, and only those', () => {
    expect(endedRules(ruleSet, at('2026-03-01T16:00:00Z')).map((r) => r.id)).toEqual(['a']);
  });
});

describe('rules schema (time-bound rules)', () => {
  const doc = (window: string): string => `version: 1
assignments:
  - id: a
    principals: [{ group: Auditors }]
    permissionSets: [ReadOnlyAccess]
    targets: {}
${window}`;

  it.each([
    '    validFrom: 2026-03-01T09:00:00Z\n',
    '    validUntil: "2026-03-01T17:00:00+01:00"\n',
    '    validFrom: 2026-03-01T09:00:00Z\n    validUntil: 2026-03-01T09:00:00.001Z\n',
  ])('accepts %j', (window) => {
    expect(parseRulesDocument({ name: 'd', text: doc(window) }).ok).toBe(true);
  });

  it.each([
    ['a time without a time zone', '    validUntil: 2026-03-01T17:00:00\n', 'assignments[0].validUntil', /time zone/],
    ['a date alone', '    validFrom: 2026-03-01\n', 'assignments[0].validFrom', /time zone/],
    [
      'validUntil equal to validFrom',
      '    validFrom: 2026-03-01T09:00:00Z\n    validUntil: 2026-03-01T10:00:00+01:00\n',
      'assignments[0].validUntil',
      /validUntil must be after validFrom/,
    ],
  ])('refuses %s', (_name, window, path, message) => {
    const result = parseRulesDocument({ name: 'd', text: doc(window) });

    expect(result.ok ? [] : result.issues).toEqual([
      expect.objectContaining({ path, message: expect.stringMatching(message) }),
    ]);
  });

  it('takes windows on membership rules too', () => {
    const text =
      'version: 1\nmemberships:\n  - id: m\n    where: { title: SRE }\n    groups: [SREs]\n    validFrom: 2026-03-01T09:00:00Z\n    validUntil: 2026-03-01T08:00:00Z\n';

    const result = parseRulesDocument({ name: 'd', text });

    expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual(['memberships[0].validUntil']);
  });
});

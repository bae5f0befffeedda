import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../shared/domain/evaluate.js';
import { parseRulesDocument } from '../../../shared/domain/rules/load.js';
import type { Targets } from '../../../shared/domain/rules/schema.js';
import {
  matchesTagFilter,
  TAG_PATTERN_REGEX,
  tagPatternProblem,
  tagValueMatches,
} from '../../../shared/domain/tag-pattern.js';
import { ruleSetOf } from '../../support/org-builder.js';
import { ACCOUNTS, standardOrg } from './standard-org.js';

const A = ACCOUNTS;

describe('tagValueMatches', () => {
  it.each<[string, string, boolean]>([
    ['prod', 'prod', true],
    ['prod', 'prod-eu', false],
    ['prod-*', 'prod-eu', true],
    ['prod-*', 'prod-', true],
    ['prod-*', 'prod', false],
    ['prod-*', 'Prod-eu', false],
    ['*', 'anything', true],
    ['*', '', true],
    ['', '', true],
    ['', 'prod', false],
  ])('pattern "%s" against value "%s" is %s', (pattern, value, expected) => {
    expect(tagValueMatches(value, pattern)).toBe(expected);
  });

  it('matches a prefix pattern exactly when the value starts with the prefix', () => {
    const tagChars = fc.string({ unit: fc.constantFrom('a', 'b', '-', '.', ' ') });
    fc.assert(
      fc.property(tagChars, tagChars, (prefix, value) => {
        expect(tagValueMatches(value, `${prefix}*`)).toBe(value.startsWith(prefix));
      }),
    );
  });
});

describe('tagPatternProblem', () => {
  it.each(['prod', 'prod-*', '*', '', 'a b:c/d=e+f-g@h.i_j'])('accepts "%s"', (pattern) => {
    expect(tagPatternProblem(pattern)).toBeUndefined();
  });

  it.each([
    ['a * in the middle', 'prod-*-eu', /may only end it/],
    ['a leading * before more text', '*-prod', /may only end it/],
    ['two stars', 'prod**', /may only end it/],
    ['a question mark', 'prod-?', /not tag pattern syntax/],
    ['a character class', 'prod-[ab]', /not tag pattern syntax/],
    ['a lone closing bracket', 'prod]', /not tag pattern syntax/],
  ])('refuses %s', (_name, pattern, message) => {
    expect(tagPatternProblem(pattern)).toMatch(message);
  });
});

describe('matchesTagFilter', () => {
  it('needs the key present for "*"', () => {
    expect(matchesTagFilter({ team: 'a' }, { env: ['*'] })).toBe(false);
    expect(matchesTagFilter({ env: '' }, { env: ['*'] })).toBe(true);
  });

  it('ignores keys inherited from Object.prototype', () => {
    expect(matchesTagFilter({}, { constructor: ['*'] })).toBe(false);
  });
});

describe('evaluate (tag patterns)', () => {
  const org = standardOrg();
  const granted = (targets: Targets): string[] => {
    const ruleSet = ruleSetOf({
      assignments: [{ id: 'r1', principals: [{ group: 'Auditors' }], permissionSets: ['ReadOnlyAccess'], targets }],
    });
    const evaluation = evaluate(ruleSet, org.view());
    expect(evaluation.errors).toEqual([]);
    return evaluation.assignments.map((a) => a.accountId).sort();
  };

  it.each<[string, Targets, readonly string[]]>([
    ['a prefix pattern selects every value with the prefix', { accountTags: { env: ['st*'] } }, [A.staging]],
    ['"*" selects every account that has the key', { accountTags: { team: ['*'] } }, [A.prod, A.deep]],
    [
      'patterns and exact values mix in one list',
      { accountTags: { env: ['dev', 'pr*'] } },
      [A.prod, A.sandbox, A.deep],
    ],
    [
      'exclude.accountTags removes matching accounts from the base set',
      { organizationalUnits: ['/Workloads'], exclude: { accountTags: { env: ['prod'] } } },
      [A.staging, A.sandbox],
    ],
    [
      'exclude.accountTags needs every key to match',
      { organizationalUnits: ['/Workloads'], exclude: { accountTags: { env: ['prod'], team: ['b'] } } },
      [A.prod, A.staging, A.sandbox],
    ],
    [
      'exclude.accountTags wins over accountTags',
      { accountTags: { env: ['*'] }, exclude: { accountTags: { team: ['*'] } } },
      [A.staging, A.sandbox],
    ],
  ])('%s', (_name, targets, expected) => {
    expect(granted(targets)).toEqual([...expected].sort());
  });

  it('reports exclude.accountTags that meets an account whose tags were not read, and grants nothing', () => {
    const unread = standardOrg().account('600000000001', { ou: '/Security', tags: 'unread' });
    const ruleSet = ruleSetOf({
      assignments: [
        {
          id: 'r1',
          principals: [{ group: 'Auditors' }],
          permissionSets: ['ReadOnlyAccess'],
          targets: { organizationalUnits: ['/Security'], exclude: { accountTags: { env: ['prod'] } } },
        },
      ],
    });

    const evaluation = evaluate(ruleSet, unread.view());

    expect(evaluation.assignments).toEqual([]);
    expect(evaluation.errors).toEqual([
      { ruleId: 'r1', message: expect.stringMatching(/^exclude\.accountTags cannot be evaluated/) },
    ]);
    expect([...evaluation.unsafeAccountIds].sort()).toEqual([A.security, '600000000001']);
  });
});

describe('rules schema (tag patterns)', () => {
  const doc = (tags: string): string => `version: 1
assignments:
  - id: a
    principals: [{ group: Auditors }]
    permissionSets: [ReadOnlyAccess]
    targets:
      accountTags: ${tags}
`;

  it.each(['{ env: [prod-*] }', '{ env: ["*"] }', '{ env: [prod, "st*"] }'])('accepts accountTags %s', (tags) => {
    expect(parseRulesDocument({ name: 'd', text: doc(tags) }).ok).toBe(true);
  });

  it('accepts exclude.accountTags', () => {
    const text = doc('{ env: [prod] }').replace(
      'accountTags: { env: [prod] }',
      'accountTags: { env: [prod] }\n      exclude: { accountTags: { team: ["*"] } }',
    );

    expect(parseRulesDocument({ name: 'd', text }).ok).toBe(true);
  });

  it('refuses unknown pattern syntax, naming the value and its line', () => {
    const result = parseRulesDocument({ name: 'd', text: doc('{ env: [prod, "prod-*-eu"] }') });

    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues).toEqual([
      {
        document: 'd',
        path: 'assignments[0].targets.accountTags.env[1]',
        line: 7,
        message: expect.stringContaining('"prod-*-eu": a * in a tag pattern may only end it'),
      },
    ]);
  });
});

describe('TAG_PATTERN_REGEX', () => {
  it('accepts exactly what tagPatternProblem accepts (property)', () => {
    const regex = new RegExp(TAG_PATTERN_REGEX);
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '-', '*', '?', '[', ']', ' ') }), (pattern) => {
        expect(regex.test(pattern)).toBe(tagPatternProblem(pattern) === undefined);
      }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../shared/domain/evaluate.js';
import { PROTOTYPE_KEY_PROBLEM } from '../../../shared/domain/prototype-keys.js';
import { formatIssues, loadRuleSet, parseRulesDocument } from '../../../shared/domain/rules/load.js';
import { orgBuilder } from '../../support/org-builder.js';

/**
 * A `__proto__` key in a rules document would be dropped by the schema, and the rule would select
 * more than its author wrote; the loader refuses it with the document, line and path. Any other
 * key, `constructor` and `prototype` included, means what it says.
 */

const NAME = '/idc-lifecycle/rules/platform';

/** One assignment rule with the given targets and principal, as YAML; keys and values are JSON-quoted. */
const yamlRule = (targets: string, principal = '{ group: Auditors }'): string => `version: 1
assignments:
  - id: auditors
    principals: [${principal}]
    permissionSets: [ReadOnlyAccess]
    targets:
      ${targets}
`;

describe('parseRulesDocument (__proto__ keys)', () => {
  it.each<[string, string, string, number]>([
    [
      'a tag filter in YAML',
      yamlRule('accountTags: { env: [prod], __proto__: [staging] }'),
      'assignments[0].targets.accountTags.__proto__',
      7,
    ],
    [
      'a tag filter in YAML block style',
      yamlRule('accountTags:\n        env: [prod]\n        "__proto__": [staging]'),
      'assignments[0].targets.accountTags.__proto__',
      9,
    ],
    [
      'an attribute selector of a principal',
      yamlRule('organizationalUnits: [/]', '{ users: { where: { __proto__: SRE } } }'),
      'assignments[0].principals[0].users.where.__proto__',
      4,
    ],
    [
      'an attribute selector of a membership rule',
      'version: 1\nmemberships:\n  - id: devs\n    where: { department: Engineering, __proto__: x }\n    groups: [Developers]\n',
      'memberships[0].where.__proto__',
      4,
    ],
    ['the top of the document', 'version: 1\n__proto__: { assignments: [] }\n', '__proto__', 2],
    [
      'a tag filter in JSON',
      '{\n  "version": 1,\n  "assignments": [{\n    "id": "auditors", "principals": [{ "group": "Auditors" }],\n    "permissionSets": ["ReadOnlyAccess"],\n    "targets": { "accountTags": { "__proto__": ["prod"] } }\n  }]\n}\n',
      'assignments[0].targets.accountTags.__proto__',
      6,
    ],
    [
      'the settings in JSON',
      '{ "version": 1,\n  "settings": { "protected": { "__proto__": { "accounts": ["111122223333"] } } } }',
      'settings.protected.__proto__',
      2,
    ],
  ])('refuses __proto__ in %s, saying where, and nothing else about it', (_name, text, path, line) => {
    // Act
    const result = parseRulesDocument({ name: NAME, text });

    // Assess
    expect(result.ok ? [] : result.issues).toEqual([{ document: NAME, path, line, message: PROTOTYPE_KEY_PROBLEM }]);
  });

  it('prints the refusal in the document:line: path: message style', () => {
    // Prepare
    const result = loadRuleSet([{ name: NAME, text: yamlRule('accountTags: { __proto__: [prod] }') }]);

    // Act
    const printed = result.ok ? '' : formatIssues(result.issues);

    // Assess
    expect(printed).toBe(`${NAME}:7: assignments[0].targets.accountTags.__proto__: ${PROTOTYPE_KEY_PROBLEM}`);
  });
});

/**
 * Keys JavaScript treats specially, and arbitrary printable ones. The schema trims a tag key, so
 * keys with surrounding spaces are left out: what they mean is another question than this one.
 */
const tagKey = fc.oneof(
  { arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'), weight: 1 },
  {
    arbitrary: fc.string({ minLength: 1, maxLength: 12 }).filter((key) => key !== '' && key.trim() === key),
    weight: 2,
  },
);
/** Exact values in the characters Organizations allows, so that no value reads as a tag pattern. */
const tagValue = fc.stringMatching(/^[A-Za-z0-9_.:/=+@-]{1,8}$/);
const asYaml = (key: string, value: string) =>
  yamlRule(`accountTags: { ${JSON.stringify(key)}: [${JSON.stringify(value)}] }`);
const asJson = (key: string, value: string) =>
  JSON.stringify({
    version: 1,
    assignments: [
      {
        id: 'auditors',
        principals: [{ group: 'Auditors' }],
        permissionSets: ['ReadOnlyAccess'],
        targets: { accountTags: { placeholder: [value] } },
      },
    ],
  }).replace('"placeholder"', () => JSON.stringify(key));

describe('loadRuleSet (arbitrary tag keys)', () => {
  it.each([
    ['YAML', asYaml],
    ['JSON', asJson],
  ])('refuses a __proto__ tag key in %s and keeps every other key as written', (_format, render) => {
    fc.assert(
      fc.property(tagKey, tagValue, (key, value) => {
        // Act
        const result = loadRuleSet([{ name: NAME, text: render(key, value) }]);

        // Assess
        if (key === '__proto__') {
          expect(result.ok ? [] : result.issues.map((issue) => issue.path)).toEqual([
            'assignments[0].targets.accountTags.__proto__',
          ]);
        } else {
          const accountTags = result.ok ? result.ruleSet.assignments[0]?.targets.accountTags : undefined;
          expect(accountTags === undefined ? undefined : Object.entries(accountTags)).toEqual([[key, [value]]]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('selects exactly the accounts that carry the tag, whatever its key', () => {
    fc.assert(
      fc.property(
        tagKey.filter((key) => key !== '__proto__'),
        tagValue,
        (key, value) => {
          // Prepare
          const org = orgBuilder()
            .account('222222222222', { tags: { [key]: value } })
            .account('333333333333', { tags: { [key]: `${value}-other` } })
            .account('444444444444', { tags: {} })
            .account('555555555555', { tags: { [`${key}-other`]: value } })
            .permissionSet('ReadOnlyAccess')
            .group('Auditors');
          const loaded = loadRuleSet([{ name: NAME, text: asYaml(key, value) }]);
          if (!loaded.ok) throw new Error(formatIssues(loaded.issues));

          // Act
          const evaluation = evaluate(loaded.ruleSet, org.view());

          // Assess
          expect(evaluation.assignments.map((a) => a.accountId)).toEqual(['222222222222']);
        },
      ),
      { numRuns: 200 },
    );
  });
});

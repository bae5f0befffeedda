import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { prototypeKeyPaths } from '../../../shared/domain/prototype-keys.js';
import { parseRulesDocument } from '../../../shared/domain/rules/load.js';
import { rulesDocumentSchema } from '../../../shared/domain/rules/schema.js';

/**
 * Whatever text arrives in an SSM parameter, the loader answers with a document or with issues; it
 * never throws, and it never accepts what the schema refuses.
 */

const NAME = '/idc-lifecycle/rules/property';

const parse = (text: string) => parseRulesDocument({ name: NAME, text });

/** Mostly one of `good`, now and then one of `bad`: each document then has a fair chance of being valid. */
const mostly = <T, U>(good: readonly T[], bad: readonly U[]): fc.Arbitrary<T | U> =>
  fc.oneof({ arbitrary: fc.constantFrom(...good), weight: 19 }, { arbitrary: fc.constantFrom(...bad), weight: 1 });

const list = <T>(item: fc.Arbitrary<T>, maxLength: number): fc.Arbitrary<T[]> =>
  fc.oneof(
    { arbitrary: fc.array(item, { minLength: 1, maxLength }), weight: 19 },
    { arbitrary: fc.constant<T[]>([]), weight: 1 },
  );

/** Values close to valid documents, so that both answers (valid and invalid) come up often. */
const nearlyValidDocument = (() => {
  const name = mostly(['Platform Admins', 'Auditors', 'BreakGlass'], ['', ' ']);
  const principal = fc.oneof(
    { arbitrary: fc.record({ group: name }), weight: 10 },
    { arbitrary: fc.record({ user: name }), weight: 5 },
    {
      arbitrary: fc.record({
        users: fc.record({ where: fc.dictionary(mostly(['title', 'department'], ['dept']), name, { minKeys: 1 }) }),
      }),
      weight: 5,
    },
    { arbitrary: fc.record({ group: name, user: name }), weight: 1 },
    { arbitrary: name, weight: 1 },
  );
  const account = mostly(['111122223333', '444455556666'], ['1234', 111122223333]);
  const ou = mostly(['/', '/Workloads', 'ou-ab12-cdef5678', 'r-ab12'], ['Workloads']);
  const targets = fc.record(
    {
      organizationalUnits: list(ou, 3),
      accounts: list(account, 3),
      accountTags: fc.dictionary(fc.constantFrom('env', 'team'), list(name, 2)),
      exclude: fc.record({ accounts: fc.array(account, { maxLength: 2 }) }, { requiredKeys: [] }),
    },
    { requiredKeys: [] },
  );
  const typo = fc.oneof(
    { arbitrary: fc.constant({}), weight: 19 },
    { arbitrary: fc.constant({ organisationalUnits: ['/'] }), weight: 1 },
  );
  const assignment = fc.record({
    id: mostly(['platform-admins', 'auditors', 'readers'], ['bad id', '']),
    principals: list(principal, 3),
    permissionSets: list(mostly(['AdministratorAccess', 'ReadOnlyAccess'], ['']), 2),
    targets: fc.tuple(targets, typo).map(([t, extra]) => ({ ...t, ...extra })),
  });
  const membership = fc.record(
    {
      id: mostly(['devs', 'sres'], ['bad id']),
      where: fc.dictionary(mostly(['department', 'costCenter'], ['dept']), name, { minKeys: 1 }),
      groups: list(name, 2),
      policy: mostly(['additive', 'authoritative'], ['sometimes']),
    },
    { requiredKeys: ['id', 'where', 'groups'] },
  );
  const settings = fc.record(
    {
      managedPermissionSets: fc.oneof(fc.constant('all'), list(name, 2)),
      mode: mostly(['enforce', 'report'], ['reprot']),
      revocationGuard: fc.record(
        {
          maxPerRun: fc.integer({ min: -1, max: 200 }),
          maxFraction: fc.double({ min: -0.05, max: 1.05, noNaN: true }),
        },
        { requiredKeys: [] },
      ),
      includeManagementAccount: mostly([true, false], ['yes']),
    },
    { requiredKeys: [] },
  );
  return fc.record(
    {
      version: mostly([1], [2, '1']),
      settings,
      assignments: fc.array(assignment, { maxLength: 2 }),
      memberships: fc.array(membership, { maxLength: 2 }),
    },
    { requiredKeys: ['version'] },
  );
})();

describe('parseRulesDocument (properties)', () => {
  it('answers any text with a document or with issues, never by throwing', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme-ascii' })),
        (text) => {
          const result = parse(text);

          if (!result.ok) {
            expect(result.issues.length).toBeGreaterThan(0);
            for (const issue of result.issues) {
              expect(issue.document).toBe(NAME);
              expect(issue.message.length).toBeGreaterThan(0);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('accepts a JSON value exactly when the schema does, and gives what the schema gives', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), nearlyValidDocument), (value) => {
        const text = JSON.stringify(value) ?? 'null';
        // Over 8 KB is refused whatever the schema says; that rule has its own example test.
        fc.pre(new TextEncoder().encode(text).length <= 8192);
        const result = parse(text);
        const expected = rulesDocumentSchema.safeParse(value);
        // The schema would drop a `__proto__` key; the loader refuses it before the schema runs.
        const refused = prototypeKeyPaths(value).length > 0;

        expect(result.ok).toBe(expected.success && !refused);
        if (result.ok && expected.success) expect(result.document).toEqual(expected.data);
      }),
      { numRuns: 300 },
    );
  });

  it('accepts a YAML rendering exactly when the schema accepts the value', () => {
    let accepted = 0;
    fc.assert(
      fc.property(nearlyValidDocument, (value) => {
        const result = parse(stringify(value));
        const expected = rulesDocumentSchema.safeParse(value);
        if (result.ok) accepted += 1;

        expect(result.ok).toBe(expected.success);
        if (!result.ok) {
          const lineCount = stringify(value).split('\n').length;
          for (const issue of result.issues) {
            if (issue.line !== undefined) expect(issue.line).toBeGreaterThanOrEqual(1);
            if (issue.line !== undefined) expect(issue.line).toBeLessThanOrEqual(lineCount);
          }
        }
      }),
      { numRuns: 300 },
    );
    // Guards the generator: a property that only ever sees invalid documents proves little.
    expect(accepted).toBeGreaterThan(10);
  });
});

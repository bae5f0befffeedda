import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRulesDocument } from '../../../shared/domain/rules/load.js';

/**
 * YAML 1.2 counts a carriage return on its own as a line break, as it does CR LF and LF; the
 * loader reads a document the same way whichever of the three ends its lines.
 */

const NAME = '/idc-lifecycle/rules/platform';

const LINES = [
  '# Platform team rules',
  'version: 1',
  'assignments:',
  '  - id: platform-admins',
  '    description: "Platform team, every workload account"',
  '    principals:',
  '      - group: Platform Admins',
  '    permissionSets: [AdministratorAccess]',
  '    targets:',
  '      organizationalUnits: [/Workloads]',
  '      accountTags: { env: [prod, staging] }',
];

/** The same document with an error on line 10 (an OU that is neither a path nor an id). */
const BROKEN = LINES.map((line) => line.replace('[/Workloads]', '[Workloads]'));

const joined = (lines: readonly string[], breaks: readonly string[]): string =>
  lines.map((line, i) => `${line}${breaks[i % breaks.length] ?? '\n'}`).join('');

const parse = (text: string) => parseRulesDocument({ name: NAME, text });

describe('parseRulesDocument (line endings)', () => {
  it.each([
    ['CR LF (Windows)', ['\r\n']],
    ['CR alone (classic Mac OS)', ['\r']],
    ['a mix of all three', ['\r', '\n', '\r\n']],
  ])('reads a document whose lines end in %s as it reads one with LF', (_name, breaks) => {
    // Act
    const result = parse(joined(LINES, breaks));

    // Assess
    expect(result).toEqual(parse(joined(LINES, ['\n'])));
    expect(result.ok).toBe(true);
  });

  it('points at the line an editor shows when a CR-only document has a mistake', () => {
    // Act
    const result = parse(joined(BROKEN, ['\r']));

    // Assess
    expect(result.ok ? [] : result.issues).toEqual([
      expect.objectContaining({ path: 'assignments[0].targets.organizationalUnits[0]', line: 10 }),
    ]);
  });

  it('gives the same document or the same issues whatever ends each line', () => {
    const lineBreak = fc.constantFrom('\n', '\r\n', '\r');
    fc.assert(
      fc.property(
        fc.constantFrom(LINES, BROKEN),
        fc.array(lineBreak, { minLength: LINES.length, maxLength: LINES.length }),
        (lines, breaks) => {
          // Act
          const result = parse(joined(lines, breaks));

          // Assess
          expect(result).toEqual(parse(joined(lines, ['\n'])));
        },
      ),
      { numRuns: 100 },
    );
  });
});

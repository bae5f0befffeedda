import { describe, expect, it } from 'vitest';
import { rulesVersionOf } from '../../../../shared/domain/runs/rules-version.js';
import { ruleSetOf } from '../../../support/org-builder.js';

/** A deep copy with every object's keys in reverse order. */
const reversed = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(reversed);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversed(v)]),
  );
};

const readers = { id: 'readers', principals: [{ group: 'Auditors' }], permissionSets: ['ReadOnlyAccess'] };

describe('rulesVersionOf', () => {
  it('gives equal rule sets the same version, whatever their key order', () => {
    const a = ruleSetOf({ assignments: [readers] });
    const b = reversed(a) as typeof a;

    expect(rulesVersionOf(b)).toBe(rulesVersionOf(a));
  });

  it.each([
    ['a changed guard', { settings: { revocationGuard: { maxPerRun: 3 } }, assignments: [readers] }],
    ['another permission set', { assignments: [{ ...readers, permissionSets: ['AdministratorAccess'] }] }],
    ['no rules', {}],
  ])('gives %s a different version', (_name, other) => {
    expect(rulesVersionOf(ruleSetOf(other))).not.toBe(rulesVersionOf(ruleSetOf({ assignments: [readers] })));
  });

  it('has the form r- and sixteen hex digits', () => {
    expect(rulesVersionOf(ruleSetOf({}))).toMatch(/^r-[0-9a-f]{16}$/);
  });
});

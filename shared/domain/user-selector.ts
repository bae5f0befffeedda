import type { User } from './model.js';
import type { AttributeSelector } from './rules/schema.js';

/**
 * Whether a user matches an attribute selector: every key must equal its value, or one of its
 * values when a list is given. Comparison is exact and case-sensitive, like Identity Store filters.
 * A user without the attribute does not match. Activity is the caller's concern.
 *
 * @example
 * matchesSelector({ id: 'u-1', userName: 'alice', active: true, title: 'SRE' }, { title: ['SRE', 'SWE'] }) // true
 */
export const matchesSelector = (user: User, selector: AttributeSelector): boolean => {
  for (const [attribute, expected] of Object.entries(selector)) {
    if (expected === undefined) continue;
    const actual = (user as unknown as Readonly<Record<string, unknown>>)[attribute];
    if (typeof actual !== 'string') return false;
    if (typeof expected === 'string' ? actual !== expected : !expected.includes(actual)) return false;
  }
  return true;
};

/** A stable cache key for a selector, independent of the order its keys were written in. */
export const selectorKey = (selector: AttributeSelector): string =>
  JSON.stringify(
    Object.entries(selector)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );

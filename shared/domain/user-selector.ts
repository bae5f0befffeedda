import type { User } from './model.js';
import type { AttributeSelector } from './rules/schema.js';

const definedEntries = (selector: AttributeSelector): [string, string | readonly string[]][] =>
  Object.entries(selector).filter((entry): entry is [string, string | string[]] => entry[1] !== undefined);

const attributeOf = (user: User, attribute: string): unknown =>
  (user as unknown as Readonly<Record<string, unknown>>)[attribute];

/**
 * Whether a user matches an attribute selector: every key must equal its value, or one of its
 * values when a list is given. Comparison is exact and case-sensitive, like Identity Store filters.
 * A user without the attribute does not match, and a selector without any attribute matches
 * nobody (the schema refuses one; an empty selector must never mean "everyone"). Activity is the
 * caller's concern.
 *
 * @example
 * matchesSelector({ id: 'u-1', userName: 'alice', active: true, title: 'SRE' }, { title: ['SRE', 'SWE'] }) // true
 */
export const matchesSelector = (user: User, selector: AttributeSelector): boolean => {
  const entries = definedEntries(selector);
  if (entries.length === 0) return false;
  for (const [attribute, expected] of entries) {
    const actual = attributeOf(user, attribute);
    if (typeof actual !== 'string') return false;
    if (typeof expected === 'string' ? actual !== expected : !expected.includes(actual)) return false;
  }
  return true;
};

/** A stable cache key for a selector, independent of the order its keys were written in. */
export const selectorKey = (selector: AttributeSelector): string =>
  JSON.stringify(definedEntries(selector).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * Answers selectors over a fixed list of users through per-attribute value indexes, built on
 * first use: a selector costs the size of its narrowest attribute's candidates, not a scan of
 * the directory. Answers are cached per selector.
 *
 * @example
 * const select = userSelectorIndex(activeUsers);
 * select({ department: 'Engineering', title: ['SRE', 'SWE'] });
 */
export const userSelectorIndex = (users: readonly User[]): ((selector: AttributeSelector) => readonly User[]) => {
  const byAttribute = new Map<string, Map<string, User[]>>();
  const valuesOf = (attribute: string): Map<string, User[]> => {
    let values = byAttribute.get(attribute);
    if (values === undefined) {
      values = new Map();
      for (const user of users) {
        const value = attributeOf(user, attribute);
        if (typeof value !== 'string') continue;
        const list = values.get(value);
        if (list === undefined) values.set(value, [user]);
        else list.push(user);
      }
      byAttribute.set(attribute, values);
    }
    return values;
  };
  const candidatesOf = ([attribute, expected]: [string, string | readonly string[]]): readonly User[] => {
    const values = valuesOf(attribute);
    if (typeof expected === 'string') return values.get(expected) ?? [];
    return [...new Set(expected)].flatMap((value) => values.get(value) ?? []);
  };

  const cache = new Map<string, readonly User[]>();
  return (selector) => {
    const key = selectorKey(selector);
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const entries = definedEntries(selector);
    let narrowest: readonly User[] = [];
    for (const [i, entry] of entries.entries()) {
      const candidates = candidatesOf(entry);
      if (i === 0 || candidates.length < narrowest.length) narrowest = candidates;
    }
    const result = entries.length === 0 ? [] : narrowest.filter((user) => matchesSelector(user, selector));
    cache.set(key, result);
    return result;
  };
};

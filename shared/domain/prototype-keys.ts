/**
 * `__proto__` as a key of parsed input. `JSON.parse` and the YAML parser both keep it as an own
 * property, but almost everything that copies or validates an object afterwards drops it
 * (`{ ...spread }` aside): assigning `object.__proto__ = value` sets the prototype instead, and zod
 * skips the key on purpose. So a `__proto__` tag filter or attribute selector would vanish
 * between the text and the rule, and the rule would select more than its author wrote. Rules
 * documents, snapshots and events refuse the key wherever it appears.
 *
 * `constructor`, `prototype`, `toString` and the like are ordinary keys once parsed (own
 * properties that every copy keeps), and every lookup by a key that comes from input compares the
 * found value with strings, never with `undefined` alone, so an inherited function never matches;
 * they are accepted.
 */

export const PROTOTYPE_KEY = '__proto__';

/** Why the key is refused, for every kind of input; the caller adds where. */
export const PROTOTYPE_KEY_PROBLEM =
  '"__proto__" is not allowed as a key: JavaScript reads it as the object\'s prototype, not as data, so it would be silently dropped';

export type KeyPath = readonly (string | number)[];

/**
 * The path of every own `__proto__` key in a parsed JSON or YAML value, parents before children
 * and keys in document order. A value shared or nested in itself (YAML aliases) is walked once.
 *
 * @example
 * prototypeKeyPaths(JSON.parse('{"targets":{"accountTags":{"__proto__":["prod"]}}}'))
 * // [['targets', 'accountTags', '__proto__']]
 */
export const prototypeKeyPaths = (value: unknown): KeyPath[] => {
  const found: KeyPath[] = [];
  const seen = new Set<object>();
  const visit = (node: unknown, path: KeyPath): void => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      node.forEach((item, index) => {
        visit(item, [...path, index]);
      });
      return;
    }
    for (const key of Object.keys(node)) {
      const child = [...path, key];
      if (key === PROTOTYPE_KEY) found.push(child);
      // Read as an own property: `node[key]` would give the prototype for `__proto__`.
      visit(Object.getOwnPropertyDescriptor(node, key)?.value, child);
    }
  };
  visit(value, []);
  return found;
};

/**
 * Tag value patterns in `targets.accountTags` and `targets.exclude.accountTags` (docs/rules.md,
 * "Tag patterns"): an exact value, a prefix ending in `*` (`prod-*`), or `*` alone for "the key is
 * present with any value".
 *
 * Organizations tag values may only hold letters, digits, white space and `_ . : / = + - @`, so
 * `*`, `?`, `[` and `]` never occur in a real value. That is why no escape exists for a literal
 * `*`, and why every other use of those characters is refused: it would otherwise be read as an
 * exact value that can never match, and a rule that silently matches nothing revokes access.
 */

const RESERVED = /[?[\]]/;

/** The same syntax as one regular expression, for the JSON Schema that editors check with. */
export const TAG_PATTERN_REGEX = '^[^*?\\[\\]]*\\*?$';

/**
 * Why `pattern` is not valid tag pattern syntax, or `undefined` when it is.
 *
 * @example
 * tagPatternProblem('prod-*') // undefined
 * tagPatternProblem('prod-*-eu') // 'a * in a tag pattern may only end it ...'
 */
export const tagPatternProblem = (pattern: string): string | undefined => {
  const star = pattern.indexOf('*');
  if (star !== -1 && star !== pattern.length - 1) {
    return `"${pattern}": a * in a tag pattern may only end it ("prod-*") or stand alone ("*")`;
  }
  if (RESERVED.test(pattern)) {
    return `"${pattern}": ?, [ and ] are not tag pattern syntax (and never occur in tag values); use an exact value or a prefix ending in *`;
  }
  return undefined;
};

/** Whether a tag value matches one pattern (patterns are assumed valid: the loader checked them). */
export const tagValueMatches = (value: string, pattern: string): boolean =>
  pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : value === pattern;

/**
 * Whether an account's tags satisfy a tag filter: every key is present and its value matches one
 * of the key's patterns.
 *
 * @example
 * matchesTagFilter({ env: 'prod-eu' }, { env: ['prod-*'] }) // true
 * matchesTagFilter({ team: 'a' }, { env: ['*'] }) // false: the key is absent
 */
export const matchesTagFilter = (
  tags: Readonly<Record<string, string>>,
  filter: Readonly<Record<string, readonly string[]>>,
): boolean => {
  for (const [key, patterns] of Object.entries(filter)) {
    if (!Object.hasOwn(tags, key)) return false;
    const value = tags[key] as string;
    if (!patterns.some((pattern) => tagValueMatches(value, pattern))) return false;
  }
  return true;
};

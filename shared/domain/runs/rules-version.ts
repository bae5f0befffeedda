import type { RulesLoadResult, RulesRejection } from '../ports.js';
import type { RuleSet } from '../rules/schema.js';

/**
 * A fingerprint of a rule set's content: equal rule sets, however they were loaded, have equal
 * versions. Work items carry the version their run planned with, so that a worker can tell whether
 * its cached rules are the run's (docs/design.md §1 "Runs", rules freshness).
 *
 * Two 32-bit FNV-1a hashes with different offsets make a 64-bit fingerprint: rule sets are few
 * and change rarely, so a collision is not a practical concern, and the domain stays free of
 * platform crypto.
 *
 * @example
 * rulesVersionOf(ruleSet) // 'r-5f1c0e9a3b7d2c41'
 */
export const rulesVersionOf = (ruleSet: RuleSet, rejections: readonly RulesRejection[] = []): string => {
  const version = contentVersionOf(ruleSet);
  if (rejections.length === 0) return version;
  // The same rule set under a rejected document (its last valid version kept in force) is another
  // version: a worker holding the copy loaded before the rejection must reload it, or it would not
  // see the rejection and would revoke (and not count it) while the rules are not trusted.
  const text = canonicalJson(
    rejections.map((r) => [r.document, r.fallbackVersion ?? null]).sort((a, b) => (String(a) < String(b) ? -1 : 1)),
  );
  return `${version}-x${fnv1a(text, 0x811c9dc5)}`;
};

/**
 * The version of a rules load: its rule set and the documents rejected with it.
 *
 * @example
 * rulesVersionOfLoad(await rules.load()) // 'r-5f1c0e9a3b7d2c41'
 */
export const rulesVersionOfLoad = (result: RulesLoadResult): string =>
  rulesVersionOf(result.ruleSet, result.rejections);

const contentVersionOf = (ruleSet: RuleSet): string => {
  const known = versions.get(ruleSet);
  if (known !== undefined) return known;
  const text = canonicalJson(ruleSet);
  const version = `r-${fnv1a(text, 0x811c9dc5)}${fnv1a(text, 0x01000193)}`;
  versions.set(ruleSet, version);
  return version;
};

// Rule sets are immutable once loaded, and a warm worker asks for the version of its cached one
// on every item.
const versions = new WeakMap<RuleSet, string>();

const fnv1a = (text: string, offset: number): string => {
  let hash = offset >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
};

/** JSON with object keys sorted, so that key order never changes the fingerprint. */
const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
};

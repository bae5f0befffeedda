import type { HeldChange, PlanBlock } from './plan-types.js';

/** `settings.revocationGuard` with its defaults applied. */
export interface RevocationGuardLimits {
  readonly maxPerRun: number;
  readonly maxFraction?: number;
}

export interface RevocationGuardInput {
  /** Revocations the run wants to make. */
  readonly changes: readonly HeldChange[];
  /**
   * What the fraction is taken of: the organization's managed items (assignments of managed
   * permission sets, or members of authoritative groups) before the run. Never one scope's own
   * count, which makes every small scope look like a mass revocation. `undefined` when no
   * organization-wide count is known yet: only `maxPerRun` applies then.
   */
  readonly total: number | undefined;
  readonly limits: RevocationGuardLimits;
  /** Plural noun for messages: "assignment deletions", "membership removals". */
  readonly what: string;
}

// A fraction times a count is not exact in binary floating point (0.29 × 100 = 28.999…); the
// tolerance keeps "exactly at the limit" on the allowed side.
const EPSILON = 1e-9;

/**
 * The blast-radius guard of one run (docs/design.md §4 invariant 3). Revoking exactly `maxPerRun`,
 * or exactly `maxFraction` of `total`, is allowed; one more trips the guard. Returns the block to
 * report when it trips, listing every held change, and `undefined` when the run may go ahead.
 *
 * @example
 * checkRevocationGuard({ changes: thirtyDeletes, total: 200, limits: { maxPerRun: 25 }, what: 'assignment deletions' })
 * // { reason: 'revocation guard: 30 assignment deletions exceed maxPerRun 25', wouldDelete: 30, changes: thirtyDeletes }
 */
export const checkRevocationGuard = (input: RevocationGuardInput): PlanBlock | undefined => {
  const { changes, total, limits, what } = input;
  const count = changes.length;
  if (count === 0) return undefined;
  const reasons: string[] = [];
  if (count > limits.maxPerRun) reasons.push(`exceed maxPerRun ${limits.maxPerRun}`);
  if (limits.maxFraction !== undefined && total !== undefined) {
    const allowed = limits.maxFraction * total;
    if (count > allowed + EPSILON) {
      reasons.push(`exceed maxFraction ${limits.maxFraction} of the organization's ${total} managed`);
    }
  }
  if (reasons.length === 0) return undefined;
  return { reason: `revocation guard: ${count} ${what} ${reasons.join(' and ')}`, wouldDelete: count, changes };
};

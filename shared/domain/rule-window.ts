import type { AssignmentRule, MembershipRule, RuleSet } from './rules/schema.js';

/**
 * Time-bound rules (docs/rules.md, "Time-bound rules"): a rule with `validFrom` and/or `validUntil`
 * is in force from `validFrom` (inclusive) until `validUntil` (exclusive). Outside that window it
 * grants nothing. The domain never reads the clock: every function here takes the time as epoch
 * milliseconds.
 */

export type WindowedRule = Pick<AssignmentRule | MembershipRule, 'id' | 'validFrom' | 'validUntil'>;

export type WindowState = 'in-force' | 'not-yet' | 'ended';

/** Whether the rule has a window at all; rules without one are always in force. */
export const hasWindow = (rule: WindowedRule): boolean => rule.validFrom !== undefined || rule.validUntil !== undefined;

/**
 * @example
 * windowState({ id: 'r', validUntil: '2026-03-01T00:00:00Z' }, Date.parse('2026-03-01T00:00:00Z')) // 'ended'
 */
export const windowState = (rule: WindowedRule, now: number): WindowState => {
  if (rule.validFrom !== undefined && now < Date.parse(rule.validFrom)) return 'not-yet';
  if (rule.validUntil !== undefined && now >= Date.parse(rule.validUntil)) return 'ended';
  return 'in-force';
};

export interface RuleBoundary {
  readonly ruleId: string;
  readonly kind: 'validFrom' | 'validUntil';
  /** Epoch milliseconds. */
  readonly at: number;
}

/**
 * The window boundaries that fall in `(after, upTo]`: the moments at which some rule started or
 * stopped granting. The deployed system asks this every minute, over a span longer than a minute,
 * to decide whether an organization-wide run is due; overlapping spans only repeat an idempotent
 * run, while a gap would leave access in place.
 *
 * @example
 * const due = ruleBoundariesBetween(ruleSet, now - 5 * 60_000, now).length > 0;
 */
export const ruleBoundariesBetween = (ruleSet: RuleSet, after: number, upTo: number): RuleBoundary[] => {
  const boundaries: RuleBoundary[] = [];
  for (const rule of [...ruleSet.assignments, ...ruleSet.memberships]) {
    for (const kind of ['validFrom', 'validUntil'] as const) {
      const text = rule[kind];
      if (text === undefined) continue;
      const at = Date.parse(text);
      if (at > after && at <= upTo) boundaries.push({ ruleId: rule.id, kind, at });
    }
  }
  return boundaries.sort((a, b) => a.at - b.at || a.ruleId.localeCompare(b.ruleId));
};

/**
 * Rules whose window has ended: still valid (a warning, not an error), but they grant nothing and
 * can be removed.
 *
 * @example
 * for (const rule of endedRules(ruleSet, Date.now())) console.warn(`${rule.id} ended at ${rule.validUntil}`);
 */
export const endedRules = (ruleSet: RuleSet, now: number): WindowedRule[] =>
  [...ruleSet.assignments, ...ruleSet.memberships].filter((rule) => windowState(rule, now) === 'ended');

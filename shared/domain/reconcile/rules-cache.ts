import type { ClockPort, RulesLoadResult, RulesSourcePort } from '../ports.js';
import { rulesVersionOfLoad } from '../runs/rules-version.js';
import type { WorkItemOrigin } from '../scope.js';

/** Work items fanned out for a rules change carry the SSM "Parameter Store Change" event as origin. */
const RULES_CHANGE_SOURCE = 'aws.ssm';

/**
 * Keeps the last loaded rule set for `maxAgeMs`, so that a warm worker does not read SSM for
 * every message. Failures are not cached: the next call tries again.
 *
 * A work item that a rules change fanned out must see the new rules, not a copy loaded a moment
 * before the change: {@link RulesCache.expireFor} drops the copy once per such change.
 *
 * @example
 * const rules = new RulesCache(new SsmRulesSource(...), clock, 60_000);
 * const { ruleSet } = await rules.load();
 */
export class RulesCache implements RulesSourcePort {
  #cached: { readonly result: RulesLoadResult; readonly loadedAt: number } | undefined;
  #pending: Promise<RulesLoadResult> | undefined;
  readonly #seenChanges = new Set<string>();

  constructor(
    private readonly source: RulesSourcePort,
    private readonly clock: ClockPort,
    private readonly maxAgeMs: number,
  ) {}

  async load(): Promise<RulesLoadResult> {
    const cached = this.#cached;
    if (cached !== undefined && this.clock.now() - cached.loadedAt < this.maxAgeMs) return cached.result;
    this.#pending ??= this.#reload();
    return this.#pending;
  }

  /**
   * The rules at `version` (docs/design.md §1 "Runs", rules freshness): the cached copy when it is
   * that version, otherwise a fresh load whatever the cache's age. `current` is false when even
   * the fresh load is another version (the rules changed again since, or SSM has not caught up):
   * the caller then plans no revocations.
   */
  async loadVersion(version: string): Promise<{ readonly result: RulesLoadResult; readonly current: boolean }> {
    const cached = this.#cached;
    if (cached !== undefined && rulesVersionOfLoad(cached.result) === version) {
      return { result: cached.result, current: true };
    }
    this.#pending ??= this.#reload();
    const result = await this.#pending;
    return { result, current: rulesVersionOfLoad(result) === version };
  }

  /** Drops the cached rules the first time a work item of a given rules change arrives. */
  expireFor(origin: WorkItemOrigin): void {
    if (origin.source !== RULES_CHANGE_SOURCE || this.#seenChanges.has(origin.eventId)) return;
    this.#seenChanges.add(origin.eventId);
    this.#cached = undefined;
  }

  async #reload(): Promise<RulesLoadResult> {
    try {
      const result = await this.source.load();
      this.#cached = { result, loadedAt: this.clock.now() };
      return result;
    } finally {
      this.#pending = undefined;
    }
  }
}

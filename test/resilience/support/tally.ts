import { afterEach } from 'vitest';
import { evaluate } from '../../../shared/domain/evaluate.js';
import { type AccountAssignment, assignmentKey } from '../../../shared/domain/model.js';
import { loadRuleSet } from '../../../shared/domain/rules/load.js';
import { snapshotView } from '../../../shared/domain/snapshot.js';
import { label } from './convergence.js';
import { RULES_DOCUMENTS, UNTOUCHABLE } from './fixture.js';
import type { ResilienceSystem } from './system.js';

/**
 * What every resilience scenario is scored on (the suite's promise: nothing the system cannot be
 * sure of ever costs someone their access, and no work item is lost):
 *
 * - a **wrong revocation** is an assignment the system deleted that it had no right to delete:
 *   one of the unmanaged or protected assignments of the fixture whose principal is still there
 *   and active at the end (a leaver loses every assignment), or one that the intended rules (the
 *   fixture's, unless the scenario changes them on purpose) still grant in the scenario's end
 *   state; a scenario whose world changes back after a right revocation (a user re-enabled) says
 *   which revocations were right when they were made;
 * - a **lost item** is a work item a worker acknowledged although its reconcile failed.
 *
 * Each scenario's figures are attached to its test (`task.meta.resilience`) and summed by
 * `test/resilience/support/tally-reporter.ts` at the end of the run.
 */

export interface ScenarioTally {
  readonly wrongRevocations: number;
  readonly lostItems: number;
}

declare module 'vitest' {
  interface TaskMeta {
    resilience?: ScenarioTally;
  }
}

type Documents = readonly { readonly name: string; readonly value: string }[];

interface Entry {
  intended: Documents;
  lost: number;
  rightWhenMade: Set<string>;
}

const systems = new Map<ResilienceSystem, Entry>();

/** Called by the system factory: every system a scenario starts is scored when the scenario ends. */
export const trackSystem = (system: ResilienceSystem): void => {
  systems.set(system, { intended: RULES_DOCUMENTS, lost: 0, rightWhenMade: new Set() });
};

/**
 * Revocations that were right when they were made although the end state would not call them so
 * (the principal was disabled then, and re-enabled since).
 */
export const rightWhenMade = (system: ResilienceSystem, assignments: readonly AccountAssignment[]): void => {
  for (const a of assignments) systems.get(system)?.rightWhenMade.add(assignmentKey(a));
};

/** The rules a scenario means to be in force at its end, when it changes them on purpose. */
export const intendRules = (system: ResilienceSystem, documents: Documents): void => {
  const entry = systems.get(system);
  if (entry !== undefined) entry.intended = documents;
};

/** Counts work items a worker acknowledged although their reconcile failed (called by the system's delivery). */
export const countLost = (system: ResilienceSystem, lost: number): void => {
  const entry = systems.get(system);
  if (entry !== undefined) entry.lost += lost;
};

/** The wrong revocations of a system so far, as labels. */
export const wrongRevocations = (
  system: ResilienceSystem,
  intended: Documents = RULES_DOCUMENTS,
  right: ReadonlySet<string> = new Set(),
): string[] => {
  const loaded = loadRuleSet(intended.map((d) => ({ name: d.name, text: d.value })));
  if (!loaded.ok) throw new Error('the intended rules of a scenario must be valid');
  const end = system.snapshot();
  const granted = new Set(evaluate(loaded.ruleSet, snapshotView(end)).assignments.map(assignmentKey));
  const untouchable = new Set(UNTOUCHABLE.map((a) => assignmentKey(a)));
  const stillThere = (a: AccountAssignment): boolean =>
    a.principalType === 'USER'
      ? end.users.some((u) => u.id === a.principalId && u.active !== false)
      : end.groups.some((g) => g.id === a.principalId);
  return system.writes
    .filter((w) => w.operation === 'delete')
    .map((w) => w.assignment)
    .filter((a) => !right.has(assignmentKey(a)))
    .filter((a) => granted.has(assignmentKey(a)) || (untouchable.has(assignmentKey(a)) && stillThere(a)))
    .map(label);
};

/**
 * Scores every system the scenario started, records the figures on the test and fails the
 * scenario on any wrong revocation or lost item. Call once at the top of each resilience file.
 */
export const scoreEveryScenario = (): void => {
  afterEach((context) => {
    // A scenario that started no system (a fuzz property of a pure function) cannot revoke anything.
    if (systems.size === 0) return;
    let wrong: string[] = [];
    let lost = 0;
    for (const [system, entry] of systems) {
      wrong = [...wrong, ...wrongRevocations(system, entry.intended, entry.rightWhenMade)];
      lost += entry.lost;
    }
    systems.clear();
    context.task.meta.resilience = { wrongRevocations: wrong.length, lostItems: lost };
    if (wrong.length > 0 || lost > 0) {
      throw new Error(`wrong revocations: [${wrong.join('; ')}], lost work items: ${lost}`);
    }
  });
};

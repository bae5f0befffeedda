import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssignmentOperationError } from '../../../shared/domain/errors.js';
import { type AccountAssignment, assignmentKey } from '../../../shared/domain/model.js';
import type { RuleSet } from '../../../shared/domain/rules/schema.js';
import {
  CHUNK_RESERVE_MS,
  GRANTS_IN_FLIGHT,
  type PartGrant,
  READ_AHEAD,
  READ_CONCURRENCY,
  readRunPart,
} from '../../../shared/domain/runs/read-part.js';
import type { TimeBudget } from '../../../shared/domain/runs/run-organization.js';
import type { WorkItem } from '../../../shared/domain/scope.js';
import { GROUP, PS, storyRules } from '../reconcile/world.js';
import {
  deliveryOrder,
  largerSystem,
  plenty,
  type ReadPartItem,
  startAndTakeParts,
  takeReadParts,
  wholeReadPlan,
} from './support.js';

const RUN_ID = 'schedule-sweep-1';
const ACCOUNTS = 250;

/**
 * {@link largerSystem} with an assignment the rules do not want on every fifth extra account, so
 * that the run revokes as well as grants.
 */
const driftedSystem = (ruleSet: RuleSet = storyRules()) => {
  const system = largerSystem(ACCOUNTS, ruleSet);
  for (let i = 0; i < ACCOUNTS; i += 5)
    system.org.state.assignments.push({
      accountId: String(700000000000 + i),
      permissionSetArn: PS.admin,
      principalType: 'GROUP',
      principalId: GROUP.sandboxUsers,
    });
  return system;
};

type System = ReturnType<typeof driftedSystem>;

/** A time budget that lets a delivery take `reads` more steps before it runs low. */
const budgetOf = (reads: number | null): TimeBudget => {
  if (reads === null) return plenty;
  let left = reads;
  return { remainingMs: () => (left-- > 0 ? 900_000 : CHUNK_RESERVE_MS - 1) };
};

/** The creates each queued account item carries, as assignment keys. */
const queuedCreates = (items: readonly WorkItem[]): string[] =>
  items.flatMap((item) =>
    item.scope.kind === 'account' && item.run?.planned !== undefined
      ? (item.run.planned.create ?? []).map((key) => `${(item.scope as { accountId: string }).accountId}|${key}`)
      : [],
  );

const keys = (assignments: readonly AccountAssignment[]): Set<string> => new Set(assignments.map(assignmentKey));

/**
 * Delivers the parts in `order` with the worker's granting ports, each with the budget `budget`
 * gives it; then every continuation a cut-off delivery queued, until no read part is left.
 * Answers every grant the deliveries report.
 */
const readAll = async (
  system: System,
  parts: readonly ReadPartItem[],
  order: readonly number[],
  budget: () => TimeBudget = () => plenty,
  laneEnvironments = 1,
): Promise<PartGrant[]> => {
  const grants: PartGrant[] = [];
  const deps = { ...system.grantingReadPartDeps, laneEnvironments };
  const deliver = async (part: ReadPartItem) => {
    const result = await readRunPart(deps, part.run, budget());
    grants.push(...result.grants);
  };
  for (const index of order) await deliver(parts[index] as ReadPartItem);
  for (let more = takeReadParts(system.queue); more.length > 0; more = takeReadParts(system.queue)) {
    for (const part of more) await deliver(part);
  }
  return grants;
};

describe('the grants an accounts part applies while it reads', () => {
  it('applies, between its parts and its items, every create of a single whole read exactly once, revokes nothing before the plan, and converges, whatever the order, duplicates and cut-offs of its deliveries and the size of its lane', async () => {
    await fc.assert(
      fc.asyncProperty(
        deliveryOrder(1 + 10),
        fc.option(fc.integer({ min: 1, max: 40 }), { nil: null }),
        fc.integer({ min: 1, max: 12 }),
        async (order, cutOff, laneEnvironments) => {
          // Prepare
          const system = driftedSystem();
          const before = [...system.org.state.assignments];
          const whole = wholeReadPlan(system);
          const parts = await startAndTakeParts(system);

          // Act: read every part, then apply the run's items
          await readAll(system, parts, order, () => budgetOf(cutOff), laneEnvironments);
          const afterReading = [...system.org.state.assignments];
          const items = [...system.queue.items];
          await system.drain();

          // Assess
          expect(whole.create.length).toBeGreaterThan(0);
          expect(whole.delete.length).toBeGreaterThan(0);
          expect((await system.store.getRun(RUN_ID))?.status).toBe('planned');
          // Nothing is revoked before the run is planned and guarded as a whole.
          const held = keys(afterReading);
          for (const key of keys(before)) expect(held.has(key)).toBe(true);
          // What the parts granted and what the items carry are the whole read's creates, apart.
          const wanted = new Set(whole.create.map(assignmentKey));
          const granted = [...held].filter((key) => !keys(before).has(key));
          for (const key of granted) expect(wanted.has(key)).toBe(true);
          const queued = queuedCreates(items);
          expect(queued.filter((key) => held.has(key))).toEqual([]);
          expect(new Set([...granted, ...queued])).toEqual(wanted);
          // Each create is written once, and the run ends converged.
          expect(system.org.callsOf('createAccountAssignment')).toHaveLength(wanted.size);
          const again = wholeReadPlan(system);
          expect(again.create).toEqual([]);
          expect(again.delete).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reads each account once when the directory is read first: the grants use the part’s own read', async () => {
    // Prepare
    const system = driftedSystem();
    const parts = await startAndTakeParts(system);

    // Act
    const grants = await readAll(
      system,
      parts,
      parts.map((_, i) => i),
    );

    // Assess
    const accounts = system.org.state.accounts.length;
    expect(system.org.callsOf('listAccountAssignments')).toHaveLength(accounts);
    expect(grants.length).toBeGreaterThan(0);
    expect(grants.every((g) => g.error === undefined && g.outcome?.status === 'applied')).toBe(true);
    expect(queuedCreates(system.queue.items)).toEqual([]);
  });

  it('stops granting once its run has fewer parts left to read than the lane has environments, and leaves the rest to the run’s items', async () => {
    // Prepare: the deployed lane of ten, and the parts delivered one after another
    const system = driftedSystem();
    const whole = wholeReadPlan(system);
    const parts = await startAndTakeParts(system);
    const [directory, first, ...rest] = parts;
    if (directory === undefined || first === undefined) throw new Error('expected the directory and accounts parts');

    // Act
    const grants = await readAll(
      system,
      parts,
      parts.map((_, i) => i),
      () => plenty,
      10,
    );

    // Assess: with the directory read, ten parts were left and the first granted; after it, nine
    const firstAccounts = new Set(first.run.read.accountIds);
    expect(grants.length).toBeGreaterThan(0);
    expect(grants.every((g) => firstAccounts.has(g.accountId))).toBe(true);
    expect(rest).toHaveLength(9);
    const queued = new Set(queuedCreates(system.queue.items));
    const wanted = whole.create.map(assignmentKey);
    expect(wanted.filter((key) => !firstAccounts.has(key.split('|')[0] ?? ''))).toEqual(
      wanted.filter((key) => queued.has(key)),
    );
  });

  it('reads no more than a few accounts ahead of its grants', async () => {
    // Prepare: each create takes a while, as Identity Center's do
    const system = driftedSystem();
    const parts = await startAndTakeParts(system);
    const [directory, first] = parts;
    if (directory === undefined || first === undefined) throw new Error('expected the directory and accounts parts');
    await readRunPart(system.grantingReadPartDeps, directory.run, plenty);
    const ahead: number[] = [];
    const granting = system.grantingReadPartDeps;
    const deps = {
      ...granting,
      grant: async (...args: Parameters<NonNullable<typeof granting.grant>>) => {
        const [item] = args;
        const read = system.org.callsOf('listAccountAssignments').map((c) => c.args[0]);
        const accounts = first.run.read.accountIds ?? [];
        ahead.push(read.length - accounts.indexOf(item.scope.kind === 'account' ? item.scope.accountId : ''));
        await new Promise((resolve) => setTimeout(resolve, 1));
        return (granting.grant as NonNullable<typeof granting.grant>)(...args);
      },
    };

    // Act
    await readRunPart(deps, first.run, plenty);

    // Assess: an account's grants start at most READ_AHEAD accounts (and those in flight) after its read
    expect(ahead.length).toBeGreaterThan(5);
    expect(Math.max(...ahead)).toBeLessThanOrEqual(READ_AHEAD + GRANTS_IN_FLIGHT + READ_CONCURRENCY);
  });

  it('fails the part without reading on when the run store cannot say how far the run is, and saves nothing', async () => {
    // Prepare: the directory is read; the run store then refuses the look-up of the parts read
    const system = driftedSystem();
    const [directory, first] = await startAndTakeParts(system);
    if (directory === undefined || first === undefined) throw new Error('expected the directory and accounts parts');
    await readRunPart(system.grantingReadPartDeps, directory.run, plenty);
    const store = system.store;
    const refusing = new Proxy(store, {
      get: (target, key) =>
        key === 'partsRead'
          ? async () => {
              throw new Error('ProvisionedThroughputExceededException');
            }
          : (Reflect.get(target, key, target).bind?.(target) ?? Reflect.get(target, key, target)),
    });
    const accounts = first.run.read.accountIds ?? [];

    // Act
    const delivered = readRunPart({ ...system.grantingReadPartDeps, store: refusing }, first.run, plenty);

    // Assess
    await expect(delivered).rejects.toThrow('ProvisionedThroughputExceededException');
    expect(system.org.callsOf('listAccountAssignments').length).toBeLessThan(accounts.length);
    expect(await store.loadState(RUN_ID, first.run.read.name)).toBeUndefined();
    expect(system.org.writeCalls()).toEqual([]);
  });

  it('leaves every grant to the run’s items when the directory is read last', async () => {
    // Prepare
    const system = driftedSystem();
    const whole = wholeReadPlan(system);
    const parts = await startAndTakeParts(system);

    // Act: the accounts parts first, the directory last
    const grants = await readAll(system, parts, [...parts.keys()].slice(1).concat(0));

    // Assess
    expect(grants).toEqual([]);
    expect(system.org.callsOf('createAccountAssignment')).toEqual([]);
    expect(new Set(queuedCreates(system.queue.items))).toEqual(new Set(whole.create.map(assignmentKey)));
  });

  it('leaves an account’s grants to the run’s items when they fail while its part reads, and the part is read all the same', async () => {
    // Prepare: every create on one account fails once
    const system = driftedSystem();
    const whole = wholeReadPlan(system);
    const failing = whole.create[0]?.accountId ?? '';
    const fault = new AssignmentOperationError('create', 'the service is unavailable');
    system.org.failOn('createAccountAssignment', fault, {
      times: 1,
      match: ([a]) => (a as AccountAssignment).accountId === failing,
    });
    const parts = await startAndTakeParts(system);

    // Act
    const grants = await readAll(
      system,
      parts,
      parts.map((_, i) => i),
    );

    // Assess
    expect(grants.filter((g) => g.error !== undefined).map((g) => g.accountId)).toEqual([failing]);
    expect((await system.store.getRun(RUN_ID))?.status).toBe('planned');
    const retried = new Set(whole.create.filter((c) => c.accountId === failing).map(assignmentKey));
    expect(new Set(queuedCreates(system.queue.items))).toEqual(retried);
    await system.drain();
    expect(wholeReadPlan(system).create).toEqual([]);
  });

  it('grants nothing while it reads a run in report mode', async () => {
    // Prepare
    const system = driftedSystem(storyRules({ mode: 'report' }));
    const parts = await startAndTakeParts(system);

    // Act
    const grants = await readAll(
      system,
      parts,
      parts.map((_, i) => i),
    );

    // Assess
    expect(wholeReadPlan(system, storyRules({ mode: 'report' })).create.length).toBeGreaterThan(0);
    expect(grants).toEqual([]);
    expect(system.org.writeCalls()).toEqual([]);
    expect(system.queue.items).toEqual([]);
  });

  it('holds every revocation when the guard trips, and grants all the same', async () => {
    // Prepare: a guard that any revocation trips
    const rules = storyRules({ revocationGuard: { maxPerRun: 0 } });
    const system = driftedSystem(rules);
    const before = keys(system.org.state.assignments);
    const whole = wholeReadPlan(system, rules);
    const parts = await startAndTakeParts(system);

    // Act
    await readAll(
      system,
      parts,
      parts.map((_, i) => i),
    );
    await system.drain();

    // Assess
    const run = await system.store.getRun(RUN_ID);
    expect(run?.status).toBe('blocked');
    expect(run?.counts?.held).toBeGreaterThan(0);
    expect(system.org.callsOf('deleteAccountAssignment')).toEqual([]);
    const after = keys(system.org.state.assignments);
    for (const key of before) expect(after.has(key)).toBe(true);
    for (const c of whole.create) expect(after.has(assignmentKey(c))).toBe(true);
  });
});

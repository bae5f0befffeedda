import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../shared/domain/plan-types.js';
import { planOrganizationRun } from '../../../shared/domain/runs/organization-run.js';
import { type ReadPartResult, readRunPart } from '../../../shared/domain/runs/read-part.js';
import { loadRunDirectory, RunDirectoryUnavailableError } from '../../../shared/domain/runs/run-directory.js';
import {
  ACCOUNTS_PER_CHUNK,
  accountParts,
  beginOrganizationRun,
  READ_PARALLELISM,
  readPartNames,
} from '../../../shared/domain/runs/run-organization.js';
import { messageGroupId } from '../../../shared/domain/scope.js';
import { OU, storyRules, USER } from '../reconcile/world.js';
import { isReadPart, plenty, type ReadPartItem, runSystem, sweepOrigin } from './support.js';

const RUN_ID = 'schedule-sweep-1';

/** The story organization with enough accounts for several account parts, and one drifted assignment per account. */
const largerSystem = (extraAccounts: number) => {
  const system = runSystem();
  for (let i = 0; i < extraAccounts; i++) {
    const id = String(700000000000 + i);
    system.org.createAccount({ id, parentId: i % 2 === 0 ? OU.sandbox : OU.prod });
  }
  return system;
};

/** Starts the run and takes its read parts out of the queue, in the order the fan-out queued them. */
const startAndTakeParts = async (system: ReturnType<typeof runSystem>): Promise<ReadPartItem[]> => {
  await beginOrganizationRun(system.fanOutDeps, 'schedule', sweepOrigin());
  const parts = system.queue.drain().filter(isReadPart);
  return parts;
};

/** What a single whole read of the organization plans, with no parts and no store. */
const wholeReadPlan = (system: ReturnType<typeof runSystem>) => {
  const { state } = system.org;
  return planOrganizationRun({
    ruleSet: storyRules(),
    view: {
      managementAccountId: state.managementAccountId,
      organizationalUnits: state.organizationalUnits,
      accounts: state.accounts,
      permissionSets: state.permissionSets,
      groups: state.groups,
      users: state.users,
      groupMemberships: state.groupMemberships,
    },
    actualAssignments: state.assignments,
    actualMemberships: state.groupMemberships,
    now: system.clock.now(),
  }).plan;
};

/** Delivers `order` (indexes into `parts`), as SQS would hand the items to workers one after another. */
const deliver = async (system: ReturnType<typeof runSystem>, parts: readonly ReadPartItem[], order: number[]) => {
  const results: ReadPartResult[] = [];
  for (const index of order) {
    const part = parts[index] as ReadPartItem;
    results.push(await readRunPart(system.readPartDeps, part.run, plenty));
  }
  return results;
};

const plansOf = (results: readonly ReadPartResult[]): Plan[] =>
  results.flatMap((r) => (r.plan === undefined ? [] : [r.plan]));

/** A delivery order: every part once, in any order, with duplicate deliveries anywhere. */
const deliveryOrder = (parts: number) =>
  fc
    .tuple(
      fc.shuffledSubarray(
        Array.from({ length: parts }, (_, i) => i),
        { minLength: parts, maxLength: parts },
      ),
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: parts - 1 })), { maxLength: 6 }),
    )
    .map(([order, duplicates]) => {
      const withDuplicates = [...order];
      for (const [at, part] of duplicates) withDuplicates.splice(at % (withDuplicates.length + 1), 0, part);
      return withDuplicates;
    });

describe('read parts of an organization-wide run', () => {
  it('queues one part for the directory and the accounts dealt evenly into as many parts as the lane reads at once, each in a message group of its own', async () => {
    const system = largerSystem(250);

    const parts = await startAndTakeParts(system);

    expect(parts.map((p) => p.run.read.name)).toEqual(readPartNames(system.org.state.accounts.length));
    expect(parts.map((p) => p.run.read.name)).toEqual([
      'directory',
      ...Array.from({ length: READ_PARALLELISM }, (_, i) => `accounts-${i}`),
    ]);
    expect(new Set(parts.map(messageGroupId)).size).toBe(parts.length);
    const dealt = parts.map((p) => p.run.read.accountIds ?? []);
    expect(dealt.flat().sort()).toEqual(system.org.state.accounts.map((a) => a.id).sort());
    expect(new Set(dealt.slice(1).map((ids) => ids.length))).toEqual(new Set([25, 26]));
  });

  it('deals any number of accounts into parts of at most a hundred, as many as a multiple of the lane, none empty', () => {
    fc.assert(
      fc.property(fc.nat({ max: 25_000 }), (accounts) => {
        const ids = Array.from({ length: accounts }, (_, i) => String(i));

        const parts = accountParts(ids);

        expect(parts.flat().sort()).toEqual([...ids].sort());
        for (const part of parts) expect(part.length).toBeGreaterThan(0);
        for (const part of parts) expect(part.length).toBeLessThanOrEqual(ACCOUNTS_PER_CHUNK);
        if (parts.length > READ_PARALLELISM) expect(parts.length % READ_PARALLELISM).toBe(0);
      }),
      { numRuns: 50 },
    );
  });

  it('plans the run exactly once, whatever the order and duplicates of its deliveries, and as a single whole read would', async () => {
    await fc.assert(
      fc.asyncProperty(deliveryOrder(1 + READ_PARALLELISM), async (order) => {
        // Prepare
        const system = largerSystem(250);
        const parts = await startAndTakeParts(system);

        // Act
        const results = await deliver(system, parts, order);

        // Assess
        expect(results.filter((r) => r.outcome === 'planned')).toHaveLength(1);
        const plans = plansOf(results);
        expect(plans).toHaveLength(1);
        expect((await system.store.getRun(RUN_ID))?.status).toBe('planned');
        expect(plans[0]).toEqual(wholeReadPlan(system));
      }),
      { numRuns: 25 },
    );
  });

  it('plans the run at least once when the delivery that completes the read dies before it has planned', async () => {
    await fc.assert(
      fc.asyncProperty(deliveryOrder(1 + READ_PARALLELISM), async (order) => {
        // Prepare: the first delivery that completes the set of parts fails while queueing the run's work
        const system = largerSystem(250);
        const parts = await startAndTakeParts(system);
        const seen = new Set<number>();
        const completing = order.findIndex((part) => {
          seen.add(part);
          return seen.size === parts.length;
        });

        // Act
        const before = await deliver(system, parts, order.slice(0, completing));
        system.queue.failNext(new Error('Task timed out'));
        const completingPart = parts[order[completing] as number] as ReadPartItem;
        await expect(readRunPart(system.readPartDeps, completingPart.run, plenty)).rejects.toThrow('Task timed out');
        const after = await deliver(system, parts, order.slice(completing + 1));
        // SQS delivers the failed item again once its visibility timeout has passed.
        const retried = await readRunPart(system.readPartDeps, completingPart.run, plenty);

        // Assess
        const plans = plansOf([...before, ...after, retried]);
        expect(plans.length).toBeGreaterThanOrEqual(1);
        expect((await system.store.getRun(RUN_ID))?.status).toBe('planned');
        for (const plan of plans) expect(plan).toEqual(wholeReadPlan(system));
      }),
      { numRuns: 25 },
    );
  });

  it('lets the next delivery of any part plan a run whose planner died after the last mark', async () => {
    // Prepare: the directory completes the read, then dies before the run is recorded as planned
    const system = runSystem();
    const [directory, ...accounts] = await startAndTakeParts(system);
    if (directory === undefined || accounts[0] === undefined)
      throw new Error('expected the directory and accounts parts');
    await deliver(
      system,
      accounts,
      accounts.map((_, i) => i),
    );
    system.queue.failNext(new Error('Task timed out'));
    await expect(readRunPart(system.readPartDeps, directory.run, plenty)).rejects.toThrow('Task timed out');
    expect((await system.store.getRun(RUN_ID))?.status).toBe('reading');
    const reads = system.org.callsOf('listAccountAssignments').length;

    // Act: a duplicate of another part arrives
    const result = await readRunPart(system.readPartDeps, accounts[0].run, plenty);

    // Assess
    expect(result.outcome).toBe('planned');
    expect((await system.store.getRun(RUN_ID))?.status).toBe('planned');
    expect(system.org.callsOf('listAccountAssignments')).toHaveLength(reads);
  });

  it('does nothing for a part delivered again once its run is planned', async () => {
    const system = runSystem();
    const parts = await startAndTakeParts(system);
    await deliver(
      system,
      parts,
      parts.map((_, i) => i),
    );
    const calls = system.org.calls.length;

    const result = await readRunPart(system.readPartDeps, (parts[1] as ReadPartItem).run, plenty);

    expect(result.outcome).toBe('skipped');
    expect(system.org.calls).toHaveLength(calls);
  });

  it('continues a directory part that runs short of time with the memberships it has not listed yet', async () => {
    // Prepare: two disabled users, so the directory lists three memberships (Developers' members and theirs)
    const system = runSystem();
    system.org.updateUser(USER.carol, { active: false });
    system.org.updateUser(USER.bob, { active: false });
    const [directory] = await startAndTakeParts(system);
    if (directory === undefined) throw new Error('expected a directory part');
    const short = { remainingMs: () => 0 };

    // Act
    const first = await readRunPart(system.readPartDeps, directory.run, short);

    // Assess
    expect(first.outcome).toBe('continued');
    await expect(loadRunDirectory(system.store, RUN_ID)).rejects.toBeInstanceOf(RunDirectoryUnavailableError);
    const continuation = system.queue.items.at(-1);
    expect(continuation === undefined ? undefined : messageGroupId(continuation)).toBe(messageGroupId(directory));
    await system.readParts(short);
    const read = await loadRunDirectory(system.store, RUN_ID);
    expect(read?.users.map((u) => u.id).sort()).toEqual(system.org.state.users.map((u) => u.id).sort());
    const listings = [
      ...system.org.callsOf('listGroupMemberships'),
      ...system.org.callsOf('listGroupMembershipsForMember'),
    ];
    expect(listings.map((c) => c.args[0])).toHaveLength(3);
    expect(system.org.callsOf('listUsers')).toHaveLength(1);
  });
});

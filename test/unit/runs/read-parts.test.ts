import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../shared/domain/plan-types.js';
import type { AssignmentRule, RuleSet } from '../../../shared/domain/rules/schema.js';
import { type ReadPartResult, readRunPart } from '../../../shared/domain/runs/read-part.js';
import { loadRunDirectory, RunDirectoryUnavailableError } from '../../../shared/domain/runs/run-directory.js';
import {
  ACCOUNTS_PER_CHUNK,
  accountParts,
  beginOrganizationRun,
  READ_PARALLELISM,
  type RunFrame,
  readPartNames,
  type TimeBudget,
} from '../../../shared/domain/runs/run-organization.js';
import { messageGroupId } from '../../../shared/domain/scope.js';
import { GROUP, PS, storyRules, USER } from '../reconcile/world.js';
import {
  deliveryOrder,
  isReadPart,
  largerSystem,
  plenty,
  type ReadPartItem,
  runSystem,
  startAndTakeParts,
  sweepOrigin,
  wholeReadPlan,
} from './support.js';

const RUN_ID = 'schedule-sweep-1';

/** Grants Platform Admins read-only access on the accounts tagged `env: dev`, wherever they are. */
const DEV_READERS: AssignmentRule = {
  id: 'dev-readers',
  principals: [{ group: 'Platform Admins' }],
  permissionSets: ['ReadOnlyAccess'],
  targets: { accountTags: { env: ['dev'] } },
};

/** The story's rules and {@link DEV_READERS}: a rule that selects accounts by tag. */
const taggedRules = (): RuleSet => {
  const story = storyRules();
  return {
    ...story,
    assignments: [...story.assignments, DEV_READERS],
    sources: { ...story.sources, [DEV_READERS.id]: 'test.yaml' },
  };
};

/**
 * {@link largerSystem} under {@link taggedRules}, its extra accounts tagged as `envs` says (none
 * where it says `undefined`), and the rule's grant already in place on every third of them, so
 * that an account planned without its tags would lose it.
 */
const taggedSystem = (envs: readonly (string | undefined)[]) => {
  const system = largerSystem(envs.length, taggedRules());
  envs.forEach((env, i) => {
    const accountId = String(700000000000 + i);
    if (env !== undefined) system.org.tagAccount(accountId, { env });
    if (i % 3 === 0)
      system.org.state.assignments.push({
        accountId,
        permissionSetArn: PS.readOnly,
        principalType: 'GROUP',
        principalId: GROUP.platform,
      });
  });
  return system;
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

describe("the accounts' tags of an organization-wide run, read in its read parts", () => {
  /** Every account's `env` tag: dev (the tag rule selects it), prod, or none. */
  const envs = fc.array(fc.constantFrom('dev', 'prod', undefined), { minLength: 1, maxLength: 120 });

  /** Reads every queued read part, and what they queue in turn, with `budget`; answers each delivery's result. */
  const readAll = async (system: ReturnType<typeof runSystem>, budget: TimeBudget) => {
    const results: ReadPartResult[] = [];
    for (let parts = system.queue.drain().filter(isReadPart); parts.length > 0; ) {
      for (const part of parts) results.push(await readRunPart(system.readPartDeps, part.run, budget));
      parts = system.queue.drain().filter(isReadPart);
    }
    return results;
  };

  it('plans a run whose rules select accounts by tag as a single whole read of the tagged organization would, whatever the order and duplicates of its deliveries', async () => {
    await fc.assert(
      fc.asyncProperty(
        envs.chain((tags) =>
          fc.tuple(fc.constant(tags), deliveryOrder(1 + Math.min(tags.length + 4, READ_PARALLELISM))),
        ),
        async ([tags, order]) => {
          // Prepare
          const system = taggedSystem(tags);
          const parts = await startAndTakeParts(system);

          // Act
          const results = await deliver(system, parts, order);

          // Assess
          const plans = plansOf(results);
          expect(plans).toHaveLength(1);
          expect(plans[0]).toEqual(wholeReadPlan(system, taggedRules()));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('lists the accounts without their tags in the fan-out, and leaves each tag to the part that reads its account', async () => {
    // Prepare
    const system = taggedSystem(['dev', 'prod', undefined, 'dev']);

    // Act
    const parts = await startAndTakeParts(system);

    // Assess
    expect(system.org.callsOf('listAccountTags')).toEqual([]);
    expect(system.org.callsOf('listAccounts').map((call) => call.args[0])).toEqual([{ withTags: false }]);
    expect((await system.store.getRun(RUN_ID))?.read?.accountTags).toBe(true);
    await deliver(
      system,
      parts,
      parts.map((_, i) => i),
    );
    const tagged = system.org.callsOf('listAccountTags').map((call) => call.args[0]);
    expect([...tagged].sort()).toEqual(system.org.state.accounts.map((a) => a.id).sort());
  });

  it('reads no tags when no rule selects accounts by tag', async () => {
    const system = largerSystem(20);

    const parts = await startAndTakeParts(system);
    await deliver(
      system,
      parts,
      parts.map((_, i) => i),
    );

    expect(system.org.callsOf('listAccountTags')).toEqual([]);
    expect((await system.store.getRun(RUN_ID))?.status).toBe('planned');
  });

  it('fails the part whose tag read fails, plans nothing until that part is read again, and then plans with every tag', async () => {
    // Prepare: the tag read of one dev account, which holds the tag rule's grant, fails once
    const system = taggedSystem(['dev', 'dev', 'prod', 'dev', undefined, 'dev']);
    const failing = '700000000003';
    system.org.failOn('listAccountTags', new Error('TooManyRequestsException: Rate exceeded'), {
      times: 1,
      match: (args) => args[0] === failing,
    });
    const parts = await startAndTakeParts(system);
    const failingPart = parts.find((p) => p.run.read.accountIds?.includes(failing));
    if (failingPart === undefined) throw new Error('expected a part that reads the failing account');
    const others = parts.filter((p) => p !== failingPart);

    // Act
    await expect(readRunPart(system.readPartDeps, failingPart.run, plenty)).rejects.toThrow('Rate exceeded');
    const read = await deliver(
      system,
      others,
      others.map((_, i) => i),
    );

    // Assess
    expect(plansOf(read)).toEqual([]);
    expect((await system.store.getRun(RUN_ID))?.status).toBe('reading');
    expect(system.queue.items).toEqual([]);
    // SQS delivers the failed item again once its visibility timeout has passed.
    const retried = await readRunPart(system.readPartDeps, failingPart.run, plenty);
    expect(retried.outcome).toBe('planned');
    expect(retried.plan).toEqual(wholeReadPlan(system, taggedRules()));
  });

  it('refuses to plan a run whose rules select by tag from an accounts part saved without tags', async () => {
    // Prepare: the first accounts part was saved whole, but with no tags
    const system = taggedSystem(['dev', 'prod', 'dev']);
    const parts = await startAndTakeParts(system);
    const first = parts.find((p) => p.run.read.name === 'accounts-0');
    await system.store.saveState(RUN_ID, 'accounts-0', { read: first?.run.read.accountIds?.length, assignments: [] });

    // Act
    const delivered = deliver(
      system,
      parts,
      parts.map((_, i) => i),
    );

    // Assess
    await expect(delivered).rejects.toThrow('its read accounts-0 has no account tags');
    expect((await system.store.getRun(RUN_ID))?.status).toBe('reading');
    expect(system.queue.items).toEqual([]);
  });

  it('plans a run started before the parts read tags with the tags its frame holds, and reads none', async () => {
    // Prepare: the run as a fan-out that listed the accounts with their tags recorded it
    const system = taggedSystem(['dev', 'prod', undefined, 'dev']);
    const parts = await startAndTakeParts(system);
    const run = await system.store.getRun(RUN_ID);
    if (run?.read === undefined) throw new Error('expected a run read in parts');
    await system.store.saveRun({ ...run, read: { accounts: run.read.accounts, parts: run.read.parts } });
    const frame = (await system.store.loadState(RUN_ID, 'frame')) as RunFrame;
    const accounts = await system.org.listAccounts({ withTags: true });
    await system.store.saveState(RUN_ID, 'frame', { ...frame, view: { ...frame.view, accounts } });

    // Act
    const results = await deliver(
      system,
      parts,
      parts.map((_, i) => i),
    );

    // Assess
    expect(plansOf(results)).toEqual([wholeReadPlan(system, taggedRules())]);
    expect(system.org.callsOf('listAccountTags')).toEqual([]);
  });

  it('keeps the tags a part read before it ran short of time, and plans with them', async () => {
    // Prepare
    const system = taggedSystem(['dev', 'prod', 'dev', undefined, 'dev', 'dev', 'prod', 'dev']);
    await beginOrganizationRun(system.fanOutDeps, 'schedule', sweepOrigin());
    const short = { remainingMs: () => 0 };

    // Act
    const results = await readAll(system, short);

    // Assess
    expect(results.some((r) => r.outcome === 'continued')).toBe(true);
    const plans = plansOf(results);
    expect(plans).toHaveLength(1);
    expect(plans[0]).toEqual(wholeReadPlan(system, taggedRules()));
    // Each account's tags were read once, continuation or not.
    const tagged = system.org.callsOf('listAccountTags').map((call) => call.args[0]);
    expect(new Set(tagged).size).toBe(tagged.length);
  });

  it('plans an account that left the organization after the fan-out listed it with its tags unread: the tag rule reports it and revokes nothing there', async () => {
    // Prepare: two accounts hold the tag rule's grant, one untagged (its removal is due) and one
    // tagged dev, which leaves the organization once the run has started
    const system = taggedSystem(['prod', 'dev', 'dev', 'dev']);
    const parts = await startAndTakeParts(system);
    const [untagged, departed] = ['700000000000', '700000000003'];
    system.org.removeAccount(departed);

    // Act
    const results = await deliver(
      system,
      parts,
      parts.map((_, i) => i),
    );

    // Assess
    const [plan] = plansOf(results);
    expect(plan?.errors.filter((e) => e.ruleId === DEV_READERS.id).map((e) => e.message)).toEqual([
      expect.stringContaining(departed),
    ]);
    const revoked = plan?.delete.filter((d) => d.principalId === GROUP.platform && d.permissionSetArn === PS.readOnly);
    expect(revoked?.map((d) => d.accountId)).toEqual([untagged]);
  });
});

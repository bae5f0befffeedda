import fc from 'fast-check';
import { reconcileScope } from '../../../shared/domain/reconcile/reconcile-scope.js';
import { RulesCache } from '../../../shared/domain/reconcile/rules-cache.js';
import type { RuleSet } from '../../../shared/domain/rules/schema.js';
import { planOrganizationRun } from '../../../shared/domain/runs/organization-run.js';
import { type GrantWhileReading, type ReadPartDeps, readRunPart } from '../../../shared/domain/runs/read-part.js';
import { reconcileRunPart } from '../../../shared/domain/runs/reconcile-run-part.js';
import type { ReadPart, RunContext } from '../../../shared/domain/runs/run.js';
import { cachedRunDirectories, loadRunDirectory } from '../../../shared/domain/runs/run-directory.js';
import {
  beginOrganizationRun,
  type OrganizationRunDeps,
  type TimeBudget,
} from '../../../shared/domain/runs/run-organization.js';
import type { WorkItem, WorkItemOrigin } from '../../../shared/domain/scope.js';
import {
  FixedClock,
  type InMemoryOrganization,
  InMemoryQueue,
  InMemoryRunStore,
  RecordingNotifier,
  RecordingPublisher,
  StaticRulesSource,
} from '../../support/fakes/index.js';
import { OU, storyOrganization, storyRules } from '../reconcile/world.js';

export const plenty: TimeBudget = { remainingMs: () => 900_000 };

/** A deployed system in miniature: one organization, store and queue, and workers with their own rules caches. */
export const runSystem = (org: InMemoryOrganization = storyOrganization(), ruleSet: RuleSet = storyRules()) => {
  const rules = new StaticRulesSource(ruleSet);
  const store = new InMemoryRunStore();
  const queue = new InMemoryQueue();
  const publisher = new RecordingPublisher();
  const notifier = new RecordingNotifier();
  const clock = new FixedClock();
  const fanOutDeps: OrganizationRunDeps = {
    rules,
    organizations: org,
    store,
    queue,
    publisher,
    notifier,
    clock,
    managementAccountId: org.state.managementAccountId,
  };
  const readPartDeps: ReadPartDeps = {
    organizations: org,
    identityStore: org,
    ssoAdmin: org,
    store,
    queue,
    publisher,
    notifier,
    clock,
  };
  const readPart = (item: ReadPartItem, budget: TimeBudget) => readRunPart(readPartDeps, item.run, budget);
  /** A warm worker environment: its rules cache outlives items, as in Lambda. */
  const worker = () => {
    const cache = new RulesCache(rules, clock, 60_000);
    const deps = {
      organizations: org,
      identityStore: org,
      ssoAdmin: org,
      rules: cache,
      publisher,
      notifier,
      clock,
      managementAccountId: org.state.managementAccountId,
      runStore: store,
      runDirectory: cachedRunDirectories((runId) => loadRunDirectory(store, runId)),
    };
    return {
      cache,
      run: (item: WorkItem) => reconcileScope(deps, item),
      /** The worker's `grant` for its read parts, as the composition wires it. */
      grant: ((item, assignments) =>
        reconcileRunPart(deps, item, item.run.planned, { assignments })) satisfies GrantWhileReading,
    };
  };
  const firstWorker = worker();
  /**
   * A read part's ports in a worker that applies its accounts' grants as it reads, as deployed,
   * on a lane of one environment: parts delivered one after another all grant (with the
   * deployed ten, every part after the first would find fewer parts left than environments).
   */
  const grantingReadPartDeps: ReadPartDeps = { ...readPartDeps, grant: firstWorker.grant, laneEnvironments: 1 };
  /** Runs every queued item, read parts included, until the queue is empty. */
  const drain = async (budget: TimeBudget = plenty, w = firstWorker) => {
    for (let items = queue.drain(); items.length > 0; items = queue.drain()) {
      for (const item of items) {
        if (isReadPart(item)) await readPart(item, budget);
        else await w.run(item);
      }
    }
  };
  /** Reads every queued read part, and what they queue in turn, as workers would; other items stay queued. */
  const readParts = async (budget: TimeBudget = plenty) => {
    for (let parts = takeReadParts(queue); parts.length > 0; parts = takeReadParts(queue)) {
      for (const item of parts) await readPart(item, budget);
    }
  };
  /**
   * Starts an organization-wide run as the fan-out does and reads its parts as the workers do;
   * the run's work stays queued. Answers the run as recorded afterwards.
   */
  const startRun = async (
    trigger: 'schedule' | 'rules-change',
    origin: WorkItemOrigin,
    budget: TimeBudget = plenty,
  ) => {
    const started = await beginOrganizationRun(fanOutDeps, trigger, origin);
    await readParts(budget);
    return { run: (await store.getRun(started.run.runId)) ?? started.run, rejections: started.rejections };
  };
  return {
    org,
    rules,
    store,
    queue,
    publisher,
    notifier,
    clock,
    fanOutDeps,
    readPartDeps,
    grantingReadPartDeps,
    worker,
    firstWorker,
    drain,
    readParts,
    startRun,
  };
};

/** A work item that reads a part of an organization-wide run. */
export type ReadPartItem = WorkItem & { readonly run: RunContext & { readonly read: ReadPart } };

export const isReadPart = (item: WorkItem): item is ReadPartItem => item.run?.read !== undefined;

/** Takes the read parts out of the queue, leaving every other item queued. */
export const takeReadParts = (queue: InMemoryQueue): ReadPartItem[] => {
  const parts = queue.items.filter(isReadPart);
  const rest = queue.items.filter((item) => !isReadPart(item));
  queue.items.splice(0, queue.items.length, ...rest);
  return parts;
};

export const sweepOrigin = (eventId = 'sweep-1') => ({
  eventId,
  eventName: 'Scheduled Event',
  source: 'aws.scheduler',
});

export const rulesChangeOrigin = (eventId = 'rules-1') => ({
  eventId,
  eventName: 'Parameter Store Change',
  source: 'aws.ssm',
});

/** The story organization with enough accounts for several account parts, and one drifted assignment per account. */
export const largerSystem = (extraAccounts: number, ruleSet: RuleSet = storyRules()) => {
  const system = runSystem(storyOrganization(), ruleSet);
  for (let i = 0; i < extraAccounts; i++) {
    const id = String(700000000000 + i);
    system.org.createAccount({ id, parentId: i % 2 === 0 ? OU.sandbox : OU.prod });
  }
  return system;
};

/** Starts the run and takes its read parts out of the queue, in the order the fan-out queued them. */
export const startAndTakeParts = async (system: ReturnType<typeof runSystem>): Promise<ReadPartItem[]> => {
  await beginOrganizationRun(system.fanOutDeps, 'schedule', sweepOrigin());
  const parts = system.queue.drain().filter(isReadPart);
  return parts;
};

/** What a single whole read of the organization, tags and all, plans with `ruleSet`, with no parts and no store. */
export const wholeReadPlan = (system: ReturnType<typeof runSystem>, ruleSet: RuleSet = storyRules()) => {
  const { state } = system.org;
  return planOrganizationRun({
    ruleSet,
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

/** A delivery order: every part once, in any order, with duplicate deliveries anywhere. */
export const deliveryOrder = (parts: number) =>
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

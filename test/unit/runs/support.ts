import { reconcileScope } from '../../../shared/domain/reconcile/reconcile-scope.js';
import { RulesCache } from '../../../shared/domain/reconcile/rules-cache.js';
import type { RuleSet } from '../../../shared/domain/rules/schema.js';
import { cachedRunDirectories, loadRunDirectory } from '../../../shared/domain/runs/run-directory.js';
import {
  continueOrganizationRun,
  type OrganizationRunDeps,
  type TimeBudget,
} from '../../../shared/domain/runs/run-organization.js';
import type { WorkItem } from '../../../shared/domain/scope.js';
import {
  FixedClock,
  type InMemoryOrganization,
  InMemoryQueue,
  InMemoryRunStore,
  RecordingNotifier,
  RecordingPublisher,
  StaticRulesSource,
} from '../../support/fakes/index.js';
import { storyOrganization, storyRules } from '../reconcile/world.js';

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
    identityStore: org,
    ssoAdmin: org,
    store,
    queue,
    publisher,
    notifier,
    clock,
    managementAccountId: org.state.managementAccountId,
  };
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
    return { cache, run: (item: WorkItem) => reconcileScope(deps, item) };
  };
  const firstWorker = worker();
  /** Runs every queued item, continuations included, until the queue is empty. */
  const drain = async (budget: TimeBudget = plenty, w = firstWorker) => {
    for (let items = queue.drain(); items.length > 0; items = queue.drain()) {
      for (const item of items) {
        if (item.scope.kind === 'all' && item.run !== undefined) {
          await continueOrganizationRun(fanOutDeps, item.run.runId, budget);
        } else {
          await w.run(item);
        }
      }
    }
  };
  return { org, rules, store, queue, publisher, notifier, clock, fanOutDeps, worker, firstWorker, drain };
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

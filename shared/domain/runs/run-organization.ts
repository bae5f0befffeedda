import { holdRevocations } from '../hold-revocations.js';
import { type AccountAssignment, assignmentKey, type OrganizationView } from '../model.js';
import type { Plan } from '../plan-types.js';
import type {
  ClockPort,
  EventPublisherPort,
  NotifierPort,
  OrganizationsPort,
  RulesRejection,
  RulesSourcePort,
  RunStorePort,
  WorkQueuePort,
} from '../ports.js';
import { ruleNeeds } from '../reconcile/rule-needs.js';
import type { RuleSet } from '../rules/schema.js';
import type { WorkItem, WorkItemOrigin } from '../scope.js';
import { planCounts, sendRunDigest } from './digest.js';
import { planOrganizationRun } from './organization-run.js';
import { announceRejections } from './rules-rejections.js';
import { rulesVersionOf } from './rules-version.js';
import type { ReadPart, RunRecord, RunTrigger } from './run.js';
import { DIRECTORY_STATE, type RunDirectory } from './run-directory.js';
import { runBlocked } from './run-events.js';
import { runWorkItems } from './run-work.js';

export interface OrganizationRunDeps {
  readonly rules: RulesSourcePort;
  readonly organizations: Pick<OrganizationsPort, 'listAccounts' | 'listOrganizationalUnits'>;
  readonly store: RunStorePort;
  readonly queue: WorkQueuePort;
  readonly publisher: EventPublisherPort;
  readonly notifier: NotifierPort;
  readonly clock: ClockPort;
  readonly managementAccountId?: string;
  /** `report` (the `MODE` setting) plans and tells whatever the rules' mode says. */
  readonly modeOverride?: 'report';
}

/** What planning a run from its saved read takes: the store, the queue for its work, and its digest. */
export type FinishRunDeps = Pick<OrganizationRunDeps, 'store' | 'queue' | 'publisher' | 'notifier' | 'clock'>;

/** How long the invocation may still run, e.g. Lambda's `context.getRemainingTimeInMillis`. */
export interface TimeBudget {
  remainingMs(): number;
}

/** Accounts per read part, at most. */
export const ACCOUNTS_PER_CHUNK = 100;
/**
 * How many read parts the organization lane reads at once: the worker's concurrency on the work
 * queue (`WORKER_MAX_CONCURRENCY` in infra/constructs/worker-function.ts; a test holds them
 * equal). A run's read takes as long as its busiest environment, so the accounts parts come in
 * a multiple of this: one part more than the lane can take would be read after the others,
 * alone, at one environment's rate.
 */
export const READ_PARALLELISM = 10;

/**
 * The organization's structure as the fan-out read it, the accounts in reading order, and the rule
 * set the run plans with. The accounts carry no tags: the accounts parts read those.
 */
export interface RunFrame {
  readonly ruleSet: RuleSet;
  /** Rules documents rejected when the run loaded its rules: the run then only grants. */
  readonly rejected?: readonly string[];
  /** From Organizations; the directory is read by the run's directory part (`loadRunDirectory`). */
  readonly view: Pick<OrganizationView, 'managementAccountId' | 'organizationalUnits' | 'accounts'>;
  readonly accountIds: readonly string[];
}

/** What an accounts part saves: how many of its accounts it has read, their assignments and, when the run reads them, their tags. */
export interface AccountsPartState {
  readonly read: number;
  readonly assignments: readonly AccountAssignment[];
  /**
   * Each account's tags by account id, for a run with `read.accountTags`. An account that left the
   * organization after the fan-out listed it has no entry: the run plans it with its tags unread,
   * which holds what tag rules would do there rather than reading it as untagged.
   */
  readonly tags?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * The grants the part applied while it read (`<accountId>|<permissionSetArn>|<principalType>|<principalId>`,
   * docs/design.md §1.3): the run's plan does not queue them again.
   */
  readonly granted?: readonly string[];
}

export interface OrganizationRunResult {
  readonly run: RunRecord;
  readonly rejections: readonly RulesRejection[];
}

/**
 * Starts an organization-wide run (a rules change or the schedule) without one Identity Center
 * call: loads and fingerprints the rules, records a rules change as accepted before anything else
 * (so that every run starting after it plans with it), reads the OU tree and the accounts from
 * Organizations (without their tags, which the accounts parts read alongside the assignments, so
 * that no part waits on a call per account here), saves them with the rule set, records the run
 * as `reading`, and queues its read parts: one for the directory and the accounts dealt into
 * parts ({@link accountParts}), each in a message group of its own, so that the organization
 * lane's workers read them side by side (`readRunPart`). The run id derives from the event id, so
 * a redelivered event resumes its run instead of starting a second one; it queues the parts again
 * in case the first delivery died before it had queued them all (a part already read is not read
 * twice).
 *
 * @example
 * await beginOrganizationRun(deps, 'schedule', origin);
 */
export const beginOrganizationRun = async (
  deps: OrganizationRunDeps,
  trigger: Extract<RunTrigger, 'rules-change' | 'schedule'>,
  origin: WorkItemOrigin,
): Promise<OrganizationRunResult> => {
  const runId = runIdFor(trigger, origin.eventId);
  const existing = await deps.store.getRun(runId);
  if (existing !== undefined) {
    if (existing.status === 'reading') {
      const frame = await loadFrame(deps.store, runId);
      await deps.queue.enqueue(readPartItems(existing, frame.accountIds));
    }
    return { run: existing, rejections: [] };
  }

  const { ruleSet, rejections } = await deps.rules.load();
  if (rejections.length > 0) await announceRejections(deps, rejections, origin);
  const rulesVersion = rulesVersionOf(ruleSet, rejections);
  const startedAt = deps.clock.now();
  if (trigger === 'rules-change') await deps.store.acceptRules({ rulesVersion, runId, acceptedAt: startedAt });

  const needs = ruleNeeds(ruleSet);
  const [organizationalUnits, accounts] = await Promise.all([
    deps.organizations.listOrganizationalUnits(),
    deps.organizations.listAccounts({ withTags: false }),
  ]);
  const view = { managementAccountId: deps.managementAccountId ?? '', organizationalUnits, accounts };
  const accountIds = accounts.map((a) => a.id).sort();
  const rejected = rejections.map((r) => r.document);
  await deps.store.saveState(runId, FRAME_STATE, { ruleSet, view, accountIds, rejected } satisfies RunFrame);
  const run: RunRecord = {
    runId,
    trigger,
    status: 'reading',
    startedAt,
    rulesVersion,
    origin,
    mode: deps.modeOverride ?? ruleSet.settings.mode,
    read: {
      accounts: accountIds.length,
      parts: readPartNames(accountIds.length).length,
      accountTags: needs.usesAccountTags,
    },
  };
  await deps.store.saveRun(run);
  await deps.queue.enqueue(readPartItems(run, accountIds));
  return { run, rejections };
};

/** The read parts of a run over `accounts` accounts: the directory first, then the accounts parts in order. */
export const readPartNames = (accounts: number): string[] => [
  DIRECTORY_STATE,
  ...Array.from({ length: accountsPartCount(accounts) }, (_, index) => accountsPartName(index)),
];

/** The accounts part numbered `index`; also the state it saves under. */
export const accountsPartName = (index: number): string => `accounts-${index}`;

/** The fewest parts of at most {@link ACCOUNTS_PER_CHUNK} accounts that is a multiple of {@link READ_PARALLELISM}, and no empty part. */
const accountsPartCount = (accounts: number): number =>
  Math.min(accounts, READ_PARALLELISM * Math.ceil(accounts / (READ_PARALLELISM * ACCOUNTS_PER_CHUNK)));

/**
 * The run's accounts dealt into parts of at most {@link ACCOUNTS_PER_CHUNK}, as many as a
 * multiple of {@link READ_PARALLELISM}, round robin: a run takes as long as its slowest part,
 * and accounts next to each other in the sorted list often cost alike (the same OU, the same
 * permission sets provisioned), so dealing them out gives every part a like share of the cost.
 *
 * @example
 * accountParts(ids).map((p) => p.length) // 1,001 accounts: twenty parts of 50 or 51
 */
export const accountParts = (accountIds: readonly string[]): string[][] => {
  const parts: string[][] = Array.from({ length: accountsPartCount(accountIds.length) }, () => []);
  accountIds.forEach((id, i) => {
    parts[i % parts.length]?.push(id);
  });
  return parts;
};

/** One work item per read part, each starting from nothing. */
const readPartItems = (run: RunRecord, accountIds: readonly string[]): WorkItem[] => {
  const context = { runId: run.runId, rulesVersion: run.rulesVersion };
  const parts: ReadPart[] = [
    { name: DIRECTORY_STATE, from: 0 },
    ...accountParts(accountIds).map((ids, index) => ({ name: accountsPartName(index), accountIds: ids, from: 0 })),
  ];
  return parts.map((read) => ({ scope: { kind: 'all' }, origin: run.origin, run: { ...context, read } }));
};

/** The run's frame; a run that is reading without one cannot go on. */
export const loadFrame = async (store: Pick<RunStorePort, 'loadState'>, runId: string): Promise<RunFrame> => {
  const frame = (await store.loadState(runId, FRAME_STATE)) as RunFrame | undefined;
  if (frame === undefined) throw new RunNotFoundError(runId, 'its organization read is missing');
  return frame;
};

const FRAME_STATE = 'frame';

/**
 * Plans a run whose every read part is done, from what the parts saved: the whole organization,
 * planned with {@link planOrganizationRun}; then it queues work for the accounts and users with
 * changes only, records the run, publishes "Run Blocked" when the guard tripped, and sends the
 * run's one digest. Called by the part whose mark completed the run's read (`readRunPart`).
 */
export const finishOrganizationRun = async (
  deps: FinishRunDeps,
  run: RunRecord,
): Promise<{ readonly run: RunRecord; readonly plan: Plan }> => {
  const frame = await loadFrame(deps.store, run.runId);
  const directory = (await deps.store.loadState(run.runId, DIRECTORY_STATE)) as RunDirectory | undefined;
  if (directory === undefined) throw new RunNotFoundError(run.runId, 'its directory read is missing');
  const actualAssignments: AccountAssignment[] = [];
  const tags = new Map<string, Readonly<Record<string, string>>>();
  const granted = new Set<string>();
  for (const [index, ids] of accountParts(frame.accountIds).entries()) {
    const name = accountsPartName(index);
    const part = (await deps.store.loadState(run.runId, name)) as AccountsPartState | undefined;
    if (part === undefined || part.read < ids.length)
      throw new RunNotFoundError(run.runId, `its read ${name} is missing`);
    // The run reads tags in its parts, so its frame has none: a part saved without them (by a
    // worker that did not read tags) would leave every tag rule unresolved on its accounts.
    if (run.read?.accountTags === true && part.tags === undefined)
      throw new RunNotFoundError(run.runId, `its read ${name} has no account tags`);
    actualAssignments.push(...part.assignments);
    for (const key of part.granted ?? []) granted.add(key);
    for (const id of ids) {
      const read = part.tags !== undefined && Object.hasOwn(part.tags, id) ? part.tags[id] : undefined;
      if (read !== undefined) tags.set(id, read);
    }
  }
  const view: OrganizationView = { ...frame.view, accounts: withTagsRead(frame.view.accounts, tags), ...directory };

  const planned = planOrganizationRun({
    ruleSet: frame.ruleSet,
    view,
    actualAssignments,
    actualMemberships: view.groupMemberships,
    now: deps.clock.now(),
  });
  const { totals } = planned;
  // While a rules document is rejected, the rules in force are not the ones the team meant:
  // the run grants, and holds every revocation (docs/design.md §1.2, fail-safe rules).
  const rejected = frame.rejected ?? [];
  const plan =
    rejected.length === 0
      ? planned.plan
      : holdRevocations(
          planned.plan,
          `revocations held until the rules are valid again: rejected rules document(s) ${rejected.join(', ')}`,
        );
  const report = run.mode === 'report';
  // The plan, its counts and its digest are the whole run's; the grants its parts applied while
  // reading are not queued a second time.
  const items = report
    ? []
    : runWorkItems(
        { ...plan, create: plan.create.filter((c) => !granted.has(assignmentKey(c))) },
        { runId: run.runId, rulesVersion: run.rulesVersion, origin: run.origin },
      );
  if (items.length > 0) await deps.queue.enqueue(items);
  const guardTripped = plan.blocked.some((block) => block.reason.startsWith(GUARD_REASON));
  const record: RunRecord = {
    ...run,
    status: guardTripped && !report ? 'blocked' : 'planned',
    counts: planCounts(plan, items.length),
    totals,
    blocked: plan.blocked,
    errors: plan.errors,
  };
  await deps.store.saveRun(record);
  await deps.store.saveTotals({ ...totals, runId: run.runId });
  // Revocations held for a rejected document are listed as well, though no approval releases
  // them: the next run under valid rules plans them again.
  const heldForRejection = rejected.length > 0 && plan.blocked.length > 0 && !report;
  if (record.status === 'blocked' || heldForRejection) await deps.publisher.publish([runBlocked(record, plan)]);
  await sendRunDigest(deps.notifier, record, plan);
  return { run: record, plan };
};

/** The accounts with the tags their parts read; an account with none read keeps what the frame holds. */
export const withTagsRead = (
  accounts: OrganizationView['accounts'],
  tags: ReadonlyMap<string, Readonly<Record<string, string>>>,
): OrganizationView['accounts'] =>
  accounts.map((account) => {
    const read = tags.get(account.id);
    return read === undefined ? account : { ...account, tags: { ...read } };
  });

/** What {@link checkRevocationGuard} reasons start with: only these holds wait for an approval. */
export const GUARD_REASON = 'revocation guard:';

/** A run id that names its trigger and derives from its event, e.g. `schedule-3f2a…`. */
export const runIdFor = (trigger: RunTrigger, eventId: string): string =>
  `${trigger}-${eventId.replace(/[^A-Za-z0-9-]/g, '-')}`.slice(0, 80);

/** A run (or a part of its state) that should exist does not: the item is retried, then dead-lettered. */
export class RunNotFoundError extends Error {
  constructor(runId: string, detail = 'no such run') {
    super(`Run ${runId}: ${detail}`);
    this.name = 'RunNotFoundError';
  }
}

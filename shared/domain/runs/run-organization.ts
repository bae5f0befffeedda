import { holdRevocations } from '../hold-revocations.js';
import type { AccountAssignment, GroupMembership, OrganizationView } from '../model.js';
import type { Plan } from '../plan-types.js';
import type {
  ClockPort,
  EventPublisherPort,
  IdentityStorePort,
  NotifierPort,
  OrganizationsPort,
  RulesRejection,
  RulesSourcePort,
  RunStorePort,
  SsoAdminPort,
  WorkQueuePort,
} from '../ports.js';
import { ruleNeeds } from '../reconcile/rule-needs.js';
import type { RuleSet } from '../rules/schema.js';
import type { WorkItemOrigin } from '../scope.js';
import { planCounts, sendRunDigest } from './digest.js';
import { planOrganizationRun } from './organization-run.js';
import { announceRejections } from './rules-rejections.js';
import { rulesVersionOf } from './rules-version.js';
import type { RunRecord, RunTrigger } from './run.js';
import { runBlocked } from './run-events.js';
import { runWorkItems } from './run-work.js';

export interface OrganizationRunDeps {
  readonly rules: RulesSourcePort;
  readonly organizations: Pick<OrganizationsPort, 'listAccounts' | 'listOrganizationalUnits'>;
  readonly identityStore: Pick<
    IdentityStorePort,
    'listUsers' | 'listGroups' | 'listGroupMemberships' | 'listGroupMembershipsForMember'
  >;
  readonly ssoAdmin: Pick<SsoAdminPort, 'listPermissionSets' | 'listAccountAssignments'>;
  readonly store: RunStorePort;
  readonly queue: WorkQueuePort;
  readonly publisher: EventPublisherPort;
  readonly notifier: NotifierPort;
  readonly clock: ClockPort;
  readonly managementAccountId?: string;
  /** `report` (the `MODE` setting) plans and tells whatever the rules' mode says. */
  readonly modeOverride?: 'report';
}

/** How long the invocation may still run, e.g. Lambda's `context.getRemainingTimeInMillis`. */
export interface TimeBudget {
  remainingMs(): number;
}

/** Accounts read and saved together: a timed-out invocation re-reads at most this many. */
export const ACCOUNTS_PER_CHUNK = 100;
/** Accounts read at once; the adapter's limiter shares Identity Center's rate between them. */
const READ_CONCURRENCY = 10;
/**
 * Time kept in hand before a chunk: reading 100 accounts at a 10 TPS share with two or three
 * permission sets each takes about 30 s, and saving the chunk and queueing the continuation must
 * still fit.
 */
export const CHUNK_RESERVE_MS = 120_000;

/** The organization as the run read it, the accounts still to read, and the rule set it plans with. */
interface RunFrame {
  readonly ruleSet: RuleSet;
  /** Rules documents rejected when the run loaded its rules: the run then only grants. */
  readonly rejected?: readonly string[];
  readonly view: OrganizationView;
  readonly accountIds: readonly string[];
}

export interface OrganizationRunResult {
  readonly run: RunRecord;
  readonly rejections: readonly RulesRejection[];
  /** Set once the run is planned. */
  readonly plan?: Plan;
}

/**
 * Starts an organization-wide run (a rules change or the schedule): loads and fingerprints the
 * rules, records a rules change as accepted before anything else (so that every run starting
 * after it plans with it), reads the organization's directory and structure once, saves them,
 * and goes on reading accounts with {@link continueOrganizationRun}. The run id derives from the
 * event id, so a redelivered event resumes its run instead of starting a second one.
 *
 * @example
 * await beginOrganizationRun(deps, 'schedule', origin, { remainingMs: () => context.getRemainingTimeInMillis() });
 */
export const beginOrganizationRun = async (
  deps: OrganizationRunDeps,
  trigger: Extract<RunTrigger, 'rules-change' | 'schedule'>,
  origin: WorkItemOrigin,
  budget: TimeBudget,
): Promise<OrganizationRunResult> => {
  const runId = runIdFor(trigger, origin.eventId);
  const existing = await deps.store.getRun(runId);
  if (existing !== undefined) {
    const result = await continueOrganizationRun(deps, runId, budget);
    return { ...result, rejections: [] };
  }

  const { ruleSet, rejections } = await deps.rules.load();
  if (rejections.length > 0) await announceRejections(deps, rejections, origin);
  const rulesVersion = rulesVersionOf(ruleSet, rejections);
  const startedAt = deps.clock.now();
  if (trigger === 'rules-change') await deps.store.acceptRules({ rulesVersion, runId, acceptedAt: startedAt });

  const view = await readOrganizationFrame(deps, ruleSet);
  const accountIds = view.accounts.map((a) => a.id).sort();
  const rejected = rejections.map((r) => r.document);
  await deps.store.saveState(runId, 'frame', { ruleSet, view, accountIds, rejected } satisfies RunFrame);
  await deps.store.saveRun({
    runId,
    trigger,
    status: 'reading',
    startedAt,
    rulesVersion,
    origin,
    mode: deps.modeOverride ?? ruleSet.settings.mode,
    read: { accounts: 0, of: accountIds.length },
  });
  const result = await continueOrganizationRun(deps, runId, budget);
  return { ...result, rejections };
};

/**
 * Reads the accounts of a run chunk by chunk, saving each chunk, until every account is read or
 * the time budget runs low; then it queues a continuation item (scope `all`, carrying the run) and
 * returns. Once everything is read it plans the run with {@link planOrganizationRun}, queues work
 * for the accounts and users with changes only, records the run, publishes "Run Blocked" when the
 * guard tripped, and sends the run's one digest. A run that is no longer reading is left as it is,
 * so a redelivered continuation does nothing twice.
 */
export const continueOrganizationRun = async (
  deps: OrganizationRunDeps,
  runId: string,
  budget: TimeBudget,
): Promise<Omit<OrganizationRunResult, 'rejections'>> => {
  const run = await deps.store.getRun(runId);
  if (run === undefined) throw new RunNotFoundError(runId);
  if (run.status !== 'reading') return { run };
  const frame = (await deps.store.loadState(runId, 'frame')) as RunFrame | undefined;
  if (frame === undefined) throw new RunNotFoundError(runId, 'its organization read is missing');

  let cursor = run.read?.accounts ?? 0;
  while (cursor < frame.accountIds.length) {
    if (budget.remainingMs() < CHUNK_RESERVE_MS) {
      await deps.queue.enqueue([
        {
          scope: { kind: 'all' },
          origin: run.origin,
          run: { runId, rulesVersion: run.rulesVersion, part: cursor },
        },
      ]);
      return { run };
    }
    const ids = frame.accountIds.slice(cursor, cursor + ACCOUNTS_PER_CHUNK);
    const assignments = await mapInBatches(ids, READ_CONCURRENCY, (id) => deps.ssoAdmin.listAccountAssignments(id));
    await deps.store.saveState(runId, chunkName(cursor), assignments.flat());
    cursor += ids.length;
    await deps.store.saveRun({ ...run, read: { accounts: cursor, of: frame.accountIds.length } });
  }

  const actualAssignments: AccountAssignment[] = [];
  for (let start = 0; start < frame.accountIds.length; start += ACCOUNTS_PER_CHUNK) {
    const chunk = (await deps.store.loadState(runId, chunkName(start))) as AccountAssignment[] | undefined;
    if (chunk === undefined) throw new RunNotFoundError(runId, `the read of accounts from ${start} is missing`);
    actualAssignments.push(...chunk);
  }
  return finishOrganizationRun(deps, run, frame, actualAssignments);
};

const finishOrganizationRun = async (
  deps: OrganizationRunDeps,
  run: RunRecord,
  frame: RunFrame,
  actualAssignments: readonly AccountAssignment[],
): Promise<Omit<OrganizationRunResult, 'rejections'>> => {
  const planned = planOrganizationRun({
    ruleSet: frame.ruleSet,
    view: frame.view,
    actualAssignments,
    actualMemberships: frame.view.groupMemberships,
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
  const items = report
    ? []
    : runWorkItems(plan, { runId: run.runId, rulesVersion: run.rulesVersion, origin: run.origin });
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

/** What {@link checkRevocationGuard} reasons start with: only these holds wait for an approval. */
export const GUARD_REASON = 'revocation guard:';

/** The organization's structure and directory, read once per run. */
const readOrganizationFrame = async (deps: OrganizationRunDeps, ruleSet: RuleSet): Promise<OrganizationView> => {
  const needs = ruleNeeds(ruleSet);
  const [organizationalUnits, accounts, permissionSets, users, groups] = await Promise.all([
    deps.organizations.listOrganizationalUnits(),
    deps.organizations.listAccounts({ withTags: needs.usesAccountTags }),
    deps.ssoAdmin.listPermissionSets(),
    deps.identityStore.listUsers(),
    deps.identityStore.listGroups(),
  ]);
  // The memberships the rules need: the members of the groups membership rules name, and, when
  // offboarding removes them, the memberships of disabled users.
  const membershipGroupIds = groups.filter((g) => needs.membershipGroupNames.includes(g.displayName)).map((g) => g.id);
  const { onUserDisabled, removeGroupMemberships } = ruleSet.settings.offboarding;
  const disabledUserIds =
    onUserDisabled && removeGroupMemberships ? users.filter((u) => !u.active).map((u) => u.id) : [];
  const [groupMembers, disabledMemberships] = await Promise.all([
    mapInBatches(membershipGroupIds, READ_CONCURRENCY, (id) => deps.identityStore.listGroupMemberships(id)),
    mapInBatches(disabledUserIds, READ_CONCURRENCY, (id) => deps.identityStore.listGroupMembershipsForMember(id)),
  ]);
  const memberships = new Map<string, GroupMembership>();
  for (const m of [...groupMembers.flat(), ...disabledMemberships.flat()])
    memberships.set(`${m.groupId}|${m.userId}`, m);
  return {
    managementAccountId: deps.managementAccountId ?? '',
    organizationalUnits,
    accounts,
    permissionSets,
    groups,
    users,
    groupMemberships: [...memberships.values()],
  };
};

const chunkName = (start: number): string => `assignments-${start}`;

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

const mapInBatches = async <T, R>(items: readonly T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> => {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    results.push(...(await Promise.all(items.slice(start, start + size).map(run))));
  }
  return results;
};

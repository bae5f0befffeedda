import { assertIsError } from '../errors.js';
import {
  type AccountAssignment,
  assignmentKey,
  type Group,
  type GroupMembership,
  type OrganizationalUnit,
  type PermissionSet,
  type User,
} from '../model.js';
import { plan } from '../plan.js';
import type { Plan, PlannedCreate } from '../plan-types.js';
import type { IdentityStorePort, OrganizationsPort, SsoAdminPort } from '../ports.js';
import type { ReconcileOutcome } from '../reconcile/outcome.js';
import { ReconcileError } from '../reconcile/reconcile-error.js';
import { ruleNeeds } from '../reconcile/rule-needs.js';
import type { WorkItem, WorkItemOrigin } from '../scope.js';
import { type PlannedPart, partAssignmentKey, type ReadPart, type RunContext, type RunRecord } from './run.js';
import { DIRECTORY_STATE, type RunDirectory } from './run-directory.js';
import {
  type AccountsPartState,
  type FinishRunDeps,
  finishOrganizationRun,
  loadFrame,
  READ_PARALLELISM,
  type RunFrame,
  RunNotFoundError,
  readPartNames,
  type TimeBudget,
  withTagsRead,
} from './run-organization.js';

/** The worker's ports for a read part: the Identity Center reads, the accounts' tags, and what finishing the run takes. */
export interface ReadPartDeps extends FinishRunDeps {
  readonly organizations: Pick<OrganizationsPort, 'listAccountTags'>;
  readonly identityStore: Pick<
    IdentityStorePort,
    'listUsers' | 'listGroups' | 'listGroupMemberships' | 'listGroupMembershipsForMember'
  >;
  readonly ssoAdmin: Pick<SsoAdminPort, 'listPermissionSets' | 'listAccountAssignments'>;
  /**
   * Applies the grants an accounts part planned for one account it has just read, as the worker
   * applies a run's item for that account, with the assignments the part read in place of a
   * second listing (docs/design.md §1.3). Without it, an accounts part only reads, and every grant
   * waits for the run's plan.
   */
  readonly grant?: GrantWhileReading;
  /**
   * How many environments read the organization lane at once ({@link READ_PARALLELISM} as
   * deployed): a part stops granting once its run has fewer parts left to read than this.
   */
  readonly laneEnvironments?: number;
}

/** How a read part applies an account's grants: the run item it would otherwise queue, and the account's assignments as the part read them. */
export type GrantWhileReading = (
  item: WorkItem & { readonly run: RunContext & { readonly planned: PlannedPart } },
  assignments: readonly AccountAssignment[],
) => Promise<ReconcileOutcome>;

/** One account's grants applied while its part was read: what was done, or why it failed (its grants then go with the run's plan). */
export interface PartGrant {
  readonly accountId: string;
  /** Set when the grants were applied, and when they failed part-way (what was applied before). */
  readonly outcome?: ReconcileOutcome;
  readonly error?: Error;
}

/**
 * How often, at most, an accounts part that grants while it reads looks in the run store: for the
 * run's directory until it is saved (the directory part is one listing of users and groups and a
 * few of memberships, usually saved within the first minute of a run), and for how many of the
 * run's parts are still being read, which may stop its grants.
 */
export const RUN_CHECK_MS = 5_000;

/**
 * Accounts whose grants one part applies at once. The environment holds one create in progress at
 * a time (its share of Identity Center's ten), so a second account only keeps that slot from
 * going idle between two accounts; more would add only to what is still in progress when the part
 * stops granting.
 */
export const GRANTS_IN_FLIGHT = 2;

/**
 * Accounts a granting part reads ahead of its grants, at most: its grants rest on its own read of
 * each account, which stays seconds to a minute old, so a create is not sent for an assignment
 * someone made in the meantime on the strength of an old read.
 */
export const READ_AHEAD = 4;

/**
 * Time kept in hand before a part takes its next account (or membership listing): the reads in
 * flight must still end, and the part must save what it read and queue its continuation, before
 * Lambda stops the invocation. At the organization lane's 0.9 requests a second, two minutes
 * are 108 calls for the {@link READ_CONCURRENCY} reads in flight: over twenty permission sets
 * each. A part that still overruns is redelivered after the visibility timeout and resumes
 * from what it saved last.
 */
export const CHUNK_RESERVE_MS = 120_000;
/**
 * Reads of one part in flight at once. The environment's request rate, not this, bounds how fast
 * a part reads; a few reads in flight keep that rate busy while each waits on its answer.
 */
export const READ_CONCURRENCY = 4;

export type ReadPartOutcome =
  /** The run is no longer reading (planned by another part, or approved): nothing was done. */
  | 'skipped'
  /** The part ran short of time, saved what it read, and queued its continuation. */
  | 'continued'
  /** The part is read and marked done; other parts are still being read. */
  | 'read'
  /** The part completed the run's read, and the run is planned. */
  | 'planned';

export interface ReadPartResult {
  readonly outcome: ReadPartOutcome;
  readonly run: RunRecord;
  /** Set when this part planned the run. */
  readonly plan?: Plan;
  /** The grants this delivery applied while it read (an accounts part of a run that is not in report mode). */
  readonly grants: readonly PartGrant[];
}

/**
 * Reads one part of an organization-wide run (docs/design.md §1.3): the directory, or a chunk of
 * accounts with each one's assignments in every provisioned permission set and, when the rules
 * select accounts by tag, each one's tags (from Organizations, which does not draw on Identity
 * Center's request rate). A failed tag read fails the part, as any failed read does, and the
 * part is retried: the run is never planned with a tag it could not read. The part saves what
 * it read, then marks itself done in the run store atomically; the delivery whose mark completes
 * the set plans the run with `finishOrganizationRun`.
 *
 * - A part saved whole by an earlier delivery is not read again: the delivery only marks it.
 * - A part that runs short of time saves what it has read and continues in a new item of its own
 *   message group, which takes it up from there.
 * - A run whose parts were all done before this delivery marked its own, but which is still
 *   `reading`, lost its planner (an invocation that died after the last mark): this delivery
 *   plans it. Should two deliveries plan one run at once, their work items collapse (the queue's
 *   deduplication, and each item applies only what is still needed) and the cost is a second
 *   digest.
 *
 * @example
 * if (item.run?.read !== undefined) await readRunPart(deps, item.run, { remainingMs: () => context.getRemainingTimeInMillis() });
 */
export const readRunPart = async (
  deps: ReadPartDeps,
  context: RunContext & { readonly read: ReadPart },
  budget: TimeBudget,
): Promise<ReadPartResult> => {
  const { runId, read: part } = context;
  const run = await deps.store.getRun(runId);
  if (run === undefined) throw new RunNotFoundError(runId);
  if (run.status !== 'reading') return { outcome: 'skipped', run, grants: [] };
  if (run.read === undefined) throw new RunNotFoundError(runId, 'it was not read in parts');

  const { whole, grants } =
    part.name === DIRECTORY_STATE
      ? { whole: await readDirectoryPart(deps, run, part, budget), grants: [] }
      : await readAccountsPart(deps, run, part, budget);
  if (!whole) return { outcome: 'continued', run, grants };

  const before = await deps.store.markPartRead(runId, part.name);
  const done = new Set([...before, part.name]);
  if (!readPartNames(run.read.accounts).every((name) => done.has(name))) return { outcome: 'read', run, grants };
  if (before.includes(part.name)) {
    // The set was complete before this mark: its planner either finished or died.
    const latest = await deps.store.getRun(runId);
    if (latest === undefined) throw new RunNotFoundError(runId);
    if (latest.status !== 'reading') return { outcome: 'skipped', run: latest, grants };
  }
  const finished = await finishOrganizationRun(deps, run);
  return { outcome: 'planned', ...finished, grants };
};

const applied = new WeakMap<Error, readonly PartGrant[]>();

/**
 * The grants a read part applied before it failed with `error` (none for any other error): they
 * were made, and a caller that reports a part's changes reports them too.
 */
export const grantsBeforeFailure = (error: Error): readonly PartGrant[] => applied.get(error) ?? [];

/** One account as its part read it. */
interface ReadAccount {
  readonly id: string;
  readonly assignments: readonly AccountAssignment[];
  readonly tags: Readonly<Record<string, string>> | undefined;
}

/**
 * Reads the part's accounts from where its saved state left off, and applies their grants as it
 * goes once the run's directory is read (docs/design.md §1.3, "Grants while reading"). `whole`
 * once all are read and saved.
 */
const readAccountsPart = async (
  deps: ReadPartDeps,
  run: RunRecord,
  part: ReadPart,
  budget: TimeBudget,
): Promise<{ readonly whole: boolean; readonly grants: readonly PartGrant[] }> => {
  const accountIds = part.accountIds ?? [];
  const saved = (await deps.store.loadState(run.runId, part.name)) as AccountsPartState | undefined;
  if (saved !== undefined && saved.read >= accountIds.length) return { whole: true, grants: [] };
  const already = saved?.read ?? 0;
  const withTags = run.read?.accountTags === true;
  const granter =
    deps.grant !== undefined && run.mode !== 'report' ? new PartGranter(deps, deps.grant, run) : undefined;
  let read: ReadAccount[];
  try {
    read = await readWhileTime(
      accountIds.slice(already),
      budget,
      async (id): Promise<ReadAccount> => {
        const [assignments, tags] = await Promise.all([
          deps.ssoAdmin.listAccountAssignments(id),
          withTags ? deps.organizations.listAccountTags(id) : undefined,
        ]);
        return { id, assignments, tags };
      },
      granter,
    );
  } catch (error) {
    // The part fails and is read again; what its grants did so far still happened.
    if (granter !== undefined && granter.grants.length > 0 && error instanceof Error)
      applied.set(error, granter.grants);
    throw error;
  }
  const tags: Record<string, Readonly<Record<string, string>>> = { ...saved?.tags };
  for (const account of read) if (account.tags !== undefined) tags[account.id] = account.tags;
  const granted = [...(saved?.granted ?? []), ...(granter?.granted ?? [])];
  const state: AccountsPartState = {
    read: already + read.length,
    assignments: [...(saved?.assignments ?? []), ...read.flatMap((account) => account.assignments)],
    ...(withTags ? { tags } : {}),
    ...(granted.length > 0 ? { granted } : {}),
  };
  await deps.store.saveState(run.runId, part.name, state);
  const grants = granter?.grants ?? [];
  if (state.read >= accountIds.length) return { whole: true, grants };
  await continuePart(deps, run, { ...part, from: state.read });
  return { whole: false, grants };
};

/**
 * Applies the grants of the accounts an accounts part reads, while it reads (docs/design.md §1.3).
 * Whether a run creates an assignment on an account rests on the rules, the directory, that
 * account and whether the assignment is there, never on another account; the run's guard never
 * holds a grant, and a rejected rules document holds revocations only. So once the run's
 * directory is saved, the part plans each account it has read as the run's plan will, and applies
 * that account's creates through {@link ReadPartDeps.grant}, just as the worker applies the run's
 * item for it: the account's OU and the users granted to are checked live, and the assignments
 * are the ones the part has just read. Revocations, offboarding and memberships wait for the run's
 * plan. The part saves the keys of the grants it applied, and the run's plan leaves them out of
 * its items; grants that failed are not saved, so they go with the plan and are retried as any
 * item is. Only the accounts read by this delivery are granted here: those a cut-off delivery read
 * before go with the plan, re-read by their items.
 */
class PartGranter {
  /** `<accountId>|<permissionSetArn>|<principalType>|<principalId>` of every grant applied. */
  readonly granted: string[] = [];
  readonly grants: PartGrant[] = [];
  /** Accounts read and waiting for their grants, in the order they were read. */
  private readonly waiting: ReadAccount[] = [];
  private readonly creates = new Map<string, readonly PlannedCreate[]>();
  private directory: RunDirectory | undefined;
  private frame: RunFrame | undefined;
  /** The frame's accounts by id, built when the frame is loaded. */
  private accountsById = new Map<string, RunFrame['view']['accounts'][number]>();
  private checkedAt = Number.NEGATIVE_INFINITY;
  /** Set once the run has fewer parts left to read than the lane has environments. */
  private stopped = false;
  /** Accounts whose grants are being applied now. */
  private inFlight = 0;
  private slotWaiters: (() => void)[] = [];

  constructor(
    private readonly deps: ReadPartDeps,
    private readonly grant: GrantWhileReading,
    private readonly run: RunRecord,
  ) {}

  /** An account the part has read. */
  read(account: ReadAccount): void {
    if (!this.stopped) this.waiting.push(account);
  }

  /** Whether the part has read {@link READ_AHEAD} accounts more than it has granted, and should read no further now. */
  holdsReads(): boolean {
    return !this.stopped && this.directory !== undefined && this.waiting.length >= READ_AHEAD;
  }

  /** Resolves once an account's grants being applied now end (at once when a slot is free). */
  slotFree(): Promise<void> {
    if (this.inFlight < GRANTS_IN_FLIGHT) return Promise.resolve();
    return new Promise((resolve) => this.slotWaiters.push(resolve));
  }

  /**
   * The next account whose grants are due, or `undefined` when none is: nothing waits,
   * {@link GRANTS_IN_FLIGHT} are being applied, the directory is not read yet, or the part has
   * stopped granting. Looks in the run store at most every {@link RUN_CHECK_MS}, or now with
   * `force` (the part has read its last account).
   */
  async next(force = false): Promise<ReadAccount | undefined> {
    if (this.stopped || this.waiting.length === 0 || this.inFlight >= GRANTS_IN_FLIGHT) return undefined;
    const now = this.deps.clock.now();
    if (force || now - this.checkedAt >= RUN_CHECK_MS) {
      this.checkedAt = now;
      await this.check();
    }
    if (this.stopped || this.directory === undefined || this.inFlight >= GRANTS_IN_FLIGHT) return undefined;
    return this.waiting.shift();
  }

  /**
   * Looks for the run's directory, until it is saved, and stops the part's grants once the run has
   * fewer parts left to read than the lane has environments. From then on an environment of the
   * lane is free, and everything the run's plan queues (revocations, and the grants of parts read
   * before the directory was saved) waits for its last part: a part that went on granting would
   * hold that environment idle (measured: the anchor, whose accounts parts read six accounts each
   * within seconds, mostly before the directory was saved, took 1.67–1.75 times its floor when
   * the last part granted its ten assignments an account alone, against 1.3). So the parts still
   * reading read on, and leave the grants still due to the plan, which spreads them over the lane.
   */
  private async check(): Promise<void> {
    const done = await this.deps.store.partsRead(this.run.runId);
    const unread = readPartNames(this.run.read?.accounts ?? 0).filter((name) => !done.includes(name)).length;
    if (unread < (this.deps.laneEnvironments ?? READ_PARALLELISM)) {
      // Nothing more to grant: the accounts read from now on need not be kept for it either.
      this.stopped = true;
      this.waiting.length = 0;
      return;
    }
    // The directory is saved whole or not at all; the frame is loaded once it is there.
    if (this.directory !== undefined || !done.includes(DIRECTORY_STATE)) return;
    const [directory, frame] = await Promise.all([
      this.deps.store.loadState(this.run.runId, DIRECTORY_STATE) as Promise<RunDirectory | undefined>,
      loadFrame(this.deps.store, this.run.runId),
    ]);
    this.frame = frame;
    this.accountsById = new Map(frame.view.accounts.map((a) => [a.id, a]));
    this.directory = directory;
  }

  /** Plans the account's creates (with every other account waiting, in one pass) and applies them. */
  async apply(account: ReadAccount): Promise<void> {
    const creates = this.plannedCreates(account);
    if (creates.length === 0) return;
    this.inFlight++;
    try {
      await this.applyCreates(account, creates);
    } finally {
      this.inFlight--;
      for (const resolve of this.slotWaiters.splice(0)) resolve();
    }
  }

  private async applyCreates(account: ReadAccount, creates: readonly PlannedCreate[]): Promise<void> {
    const item = {
      scope: { kind: 'account', accountId: account.id },
      origin: this.run.origin,
      run: {
        runId: this.run.runId,
        rulesVersion: this.run.rulesVersion,
        planned: { create: creates.map(partAssignmentKey) },
      },
    } as const;
    try {
      const outcome = await this.grant(item, account.assignments);
      this.grants.push({ accountId: account.id, outcome });
      this.granted.push(...creates.map(assignmentKey));
    } catch (error) {
      // Not this part's failure: the grants go with the run's plan, and their item is retried.
      assertIsError(error);
      this.grants.push({
        accountId: account.id,
        error,
        ...(error instanceof ReconcileError ? { outcome: error.outcome } : {}),
      });
    }
  }

  private plannedCreates(account: ReadAccount): readonly PlannedCreate[] {
    const known = this.creates.get(account.id);
    if (known !== undefined) return known;
    const { frame, directory } = this;
    if (frame === undefined || directory === undefined) return [];
    const batch = [account, ...this.waiting];
    const ids = new Set(batch.map((a) => a.id));
    const tags = new Map<string, Readonly<Record<string, string>>>();
    for (const a of batch) if (a.tags !== undefined) tags.set(a.id, a.tags);
    const accounts = withTagsRead(
      batch.flatMap((a) => this.accountsById.get(a.id) ?? []),
      tags,
    );
    // The run's plan takes its creates from the rules' plan alone (offboarding only revokes), so
    // the rules' plan of these accounts is what the run's plan will create on them.
    const { create } = plan({
      ruleSet: frame.ruleSet,
      view: { ...frame.view, accounts, ...directory },
      actualAssignments: batch.flatMap((a) => a.assignments),
      actualMemberships: directory.groupMemberships,
      accountIds: ids,
      includeMemberships: false,
      guard: 'off',
      now: this.deps.clock.now(),
    });
    const byAccount = new Map<string, PlannedCreate[]>(batch.map((a) => [a.id, []]));
    for (const c of create) byAccount.get(c.accountId)?.push(c);
    for (const [id, creates] of byAccount) this.creates.set(id, creates);
    const mine = this.creates.get(account.id) ?? [];
    this.creates.delete(account.id);
    return mine;
  }
}

/** Whom the directory part lists memberships of. */
interface MembershipTarget {
  readonly kind: 'group' | 'user';
  readonly id: string;
}

/** What the directory part saves until it is whole. */
interface DirectoryProgress {
  /** The run's OU tree, from its frame: saved with the directory for the workers that plan with it. */
  readonly organizationalUnits: readonly OrganizationalUnit[];
  readonly permissionSets: readonly PermissionSet[];
  readonly users: readonly User[];
  readonly groups: readonly Group[];
  readonly targets: readonly MembershipTarget[];
  readonly read: number;
  readonly memberships: readonly GroupMembership[];
}

const DIRECTORY_PROGRESS_STATE = 'directory-progress';

/**
 * Reads the directory: the permission sets, every user and group, then the memberships the rules
 * need (the members of the groups membership rules name and, when offboarding removes them, the
 * memberships of disabled users). `true` once the directory is saved whole.
 */
const readDirectoryPart = async (
  deps: ReadPartDeps,
  run: RunRecord,
  part: ReadPart,
  budget: TimeBudget,
): Promise<boolean> => {
  if ((await deps.store.loadState(run.runId, DIRECTORY_STATE)) !== undefined) return true;
  let progress = (await deps.store.loadState(run.runId, DIRECTORY_PROGRESS_STATE)) as DirectoryProgress | undefined;
  if (progress === undefined) {
    const { ruleSet, view } = await loadFrame(deps.store, run.runId);
    const [permissionSets, users, groups] = await Promise.all([
      deps.ssoAdmin.listPermissionSets(),
      deps.identityStore.listUsers(),
      deps.identityStore.listGroups(),
    ]);
    const needs = ruleNeeds(ruleSet);
    const { onUserDisabled, removeGroupMemberships } = ruleSet.settings.offboarding;
    const targets: MembershipTarget[] = [
      ...groups.filter((g) => needs.membershipGroupNames.includes(g.displayName)).map((g) => group(g.id)),
      ...(onUserDisabled && removeGroupMemberships ? users.filter((u) => !u.active).map((u) => user(u.id)) : []),
    ];
    const { organizationalUnits } = view;
    progress = { organizationalUnits, permissionSets, users, groups, targets, read: 0, memberships: [] };
  }
  const read = await readWhileTime(progress.targets.slice(progress.read), budget, (target) =>
    target.kind === 'group'
      ? deps.identityStore.listGroupMemberships(target.id)
      : deps.identityStore.listGroupMembershipsForMember(target.id),
  );
  progress = {
    ...progress,
    read: progress.read + read.length,
    memberships: [...progress.memberships, ...read.flat()],
  };
  if (progress.read < progress.targets.length) {
    await deps.store.saveState(run.runId, DIRECTORY_PROGRESS_STATE, progress);
    // The listings before the memberships count as one step, so a continuation is never `from: 0`.
    await continuePart(deps, run, { ...part, from: 1 + progress.read });
    return false;
  }
  const memberships = new Map<string, GroupMembership>();
  for (const m of progress.memberships) memberships.set(`${m.groupId}|${m.userId}`, m);
  const directory: RunDirectory = {
    organizationalUnits: progress.organizationalUnits,
    permissionSets: progress.permissionSets,
    groups: progress.groups,
    users: progress.users,
    groupMemberships: [...memberships.values()],
  };
  await deps.store.saveState(run.runId, DIRECTORY_STATE, directory);
  return true;
};

const group = (id: string): MembershipTarget => ({ kind: 'group', id });
const user = (id: string): MembershipTarget => ({ kind: 'user', id });

/** Queues the rest of a part in its own message group, after the item in hand. */
const continuePart = async (deps: ReadPartDeps, run: RunRecord, read: ReadPart): Promise<void> => {
  const origin: WorkItemOrigin = run.origin;
  await deps.queue.enqueue([
    { scope: { kind: 'all' }, origin, run: { runId: run.runId, rulesVersion: run.rulesVersion, read } },
  ]);
};

/**
 * Reads `items` in order, {@link READ_CONCURRENCY} at a time, and stops taking new ones once the
 * budget runs low; the first is always taken, so that every invocation makes progress. With a
 * granter, a lane applies the grants of an account already read, when one is due, before it reads
 * the next account, so that the part's reads and writes share the environment's request rate;
 * a lane that finds the part {@link READ_AHEAD} accounts ahead of its grants waits for a grant
 * to end before it goes on. Once all are read, the lanes finish the grants still due (until the
 * granter stops). Answers the results of a prefix of `items`: every read that was
 * started ends before it returns, and a failed read stops the others from starting and is thrown
 * once they have ended.
 */
const readWhileTime = async <T, R>(
  items: readonly T[],
  budget: TimeBudget,
  read: (item: T) => Promise<R>,
  granter?: {
    read(result: R): void;
    next(force?: boolean): Promise<R | undefined>;
    apply(result: R): Promise<void>;
    holdsReads(): boolean;
    slotFree(): Promise<void>;
  },
): Promise<R[]> => {
  const results: R[] = [];
  let next = 0;
  let failed = false;
  const inTime = (): boolean => budget.remainingMs() >= CHUNK_RESERVE_MS;
  const lane = async (): Promise<void> => {
    try {
      while (!failed) {
        const due = await granter?.next(next >= items.length);
        if (due === undefined && next >= items.length) return;
        if (next > 0 && !inTime()) return;
        if (due !== undefined) {
          await granter?.apply(due);
          continue;
        }
        if (granter?.holdsReads() === true) {
          await granter.slotFree();
          continue;
        }
        const index = next++;
        results[index] = await read(items[index] as T);
        granter?.read(results[index] as R);
      }
    } catch (error) {
      // A failed read (or run store look-up) stops the other lanes taking more.
      failed = true;
      throw error;
    }
  };
  const lanes = await Promise.allSettled(
    Array.from({ length: Math.min(READ_CONCURRENCY, items.length) }, () => lane()),
  );
  const rejected = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
  if (rejected !== undefined) throw rejected.reason;
  return results;
};

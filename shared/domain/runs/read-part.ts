import type { Group, GroupMembership, OrganizationalUnit, PermissionSet, User } from '../model.js';
import type { Plan } from '../plan-types.js';
import type { IdentityStorePort, OrganizationsPort, SsoAdminPort } from '../ports.js';
import { ruleNeeds } from '../reconcile/rule-needs.js';
import type { WorkItemOrigin } from '../scope.js';
import type { ReadPart, RunContext, RunRecord } from './run.js';
import { DIRECTORY_STATE, type RunDirectory } from './run-directory.js';
import {
  type AccountsPartState,
  type FinishRunDeps,
  finishOrganizationRun,
  loadFrame,
  RunNotFoundError,
  readPartNames,
  type TimeBudget,
} from './run-organization.js';

/** The worker's ports for a read part: the Identity Center reads, the accounts' tags, and what finishing the run takes. */
export interface ReadPartDeps extends FinishRunDeps {
  readonly organizations: Pick<OrganizationsPort, 'listAccountTags'>;
  readonly identityStore: Pick<
    IdentityStorePort,
    'listUsers' | 'listGroups' | 'listGroupMemberships' | 'listGroupMembershipsForMember'
  >;
  readonly ssoAdmin: Pick<SsoAdminPort, 'listPermissionSets' | 'listAccountAssignments'>;
}

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
const READ_CONCURRENCY = 4;

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
  if (run.status !== 'reading') return { outcome: 'skipped', run };
  if (run.read === undefined) throw new RunNotFoundError(runId, 'it was not read in parts');

  const whole =
    part.name === DIRECTORY_STATE
      ? await readDirectoryPart(deps, run, part, budget)
      : await readAccountsPart(deps, run, part, budget);
  if (!whole) return { outcome: 'continued', run };

  const before = await deps.store.markPartRead(runId, part.name);
  const done = new Set([...before, part.name]);
  if (!readPartNames(run.read.accounts).every((name) => done.has(name))) return { outcome: 'read', run };
  if (before.includes(part.name)) {
    // The set was complete before this mark: its planner either finished or died.
    const latest = await deps.store.getRun(runId);
    if (latest === undefined) throw new RunNotFoundError(runId);
    if (latest.status !== 'reading') return { outcome: 'skipped', run: latest };
  }
  const finished = await finishOrganizationRun(deps, run);
  return { outcome: 'planned', ...finished };
};

/** Reads the part's accounts from where its saved state left off; `true` once all are read and saved. */
const readAccountsPart = async (
  deps: ReadPartDeps,
  run: RunRecord,
  part: ReadPart,
  budget: TimeBudget,
): Promise<boolean> => {
  const accountIds = part.accountIds ?? [];
  const saved = (await deps.store.loadState(run.runId, part.name)) as AccountsPartState | undefined;
  if (saved !== undefined && saved.read >= accountIds.length) return true;
  const already = saved?.read ?? 0;
  const withTags = run.read?.accountTags === true;
  const read = await readWhileTime(accountIds.slice(already), budget, async (id) => {
    const [assignments, tags] = await Promise.all([
      deps.ssoAdmin.listAccountAssignments(id),
      withTags ? deps.organizations.listAccountTags(id) : undefined,
    ]);
    return { id, assignments, tags };
  });
  const tags: Record<string, Readonly<Record<string, string>>> = { ...saved?.tags };
  for (const account of read) if (account.tags !== undefined) tags[account.id] = account.tags;
  const state: AccountsPartState = {
    read: already + read.length,
    assignments: [...(saved?.assignments ?? []), ...read.flatMap((account) => account.assignments)],
    ...(withTags ? { tags } : {}),
  };
  await deps.store.saveState(run.runId, part.name, state);
  if (state.read >= accountIds.length) return true;
  await continuePart(deps, run, { ...part, from: state.read });
  return false;
};

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
 * budget runs low; the first is always taken, so that every invocation makes progress. Answers
 * the results of a prefix of `items`: every read that was started ends before it returns, and a
 * failed read stops the others from starting and is thrown once they have ended.
 */
const readWhileTime = async <T, R>(
  items: readonly T[],
  budget: TimeBudget,
  read: (item: T) => Promise<R>,
): Promise<R[]> => {
  const results: R[] = [];
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (!failed && next < items.length && (next === 0 || budget.remainingMs() >= CHUNK_RESERVE_MS)) {
      const index = next++;
      try {
        results[index] = await read(items[index] as T);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const lanes = await Promise.allSettled(
    Array.from({ length: Math.min(READ_CONCURRENCY, items.length) }, () => lane()),
  );
  const rejected = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
  if (rejected !== undefined) throw rejected.reason;
  return results;
};

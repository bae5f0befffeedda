import type { Group, GroupMembership, OrganizationalUnit, PermissionSet, User } from '../model.js';
import type { RunStorePort } from '../ports.js';

/**
 * The directory an organization-wide run read once (docs/design.md §1.3): the permission sets,
 * every user and group, and the memberships the rules need. The run's workers plan their
 * accounts with it instead of reading it again from Identity Store and SSO Admin, which would
 * cost Identity Center's shared rate per account what the run already paid once.
 */
export interface RunDirectory {
  readonly permissionSets: readonly PermissionSet[];
  readonly groups: readonly Group[];
  readonly users: readonly User[];
  readonly groupMemberships: readonly GroupMembership[];
  /** The OU tree as the run read it, for a user's part; an account's part reads its account's place live. */
  readonly organizationalUnits: readonly OrganizationalUnit[];
}

/** How a worker reaches a run's directory: `undefined` for a run that has none of its own (an approval). */
export type RunDirectorySource = (runId: string) => Promise<RunDirectory | undefined>;

/** The state name the run's directory part saves the directory under, once it is read whole. */
export const DIRECTORY_STATE = 'directory';

/**
 * Loads the directory a run's directory part saved (docs/design.md §1.3). Every read of run state
 * by the worker goes through here, so that how a run saves its read can change in one place.
 *
 * An approval run reads nothing of its own: its items re-check the held revocations against the
 * live directory, so it gets `undefined`. Any other run whose directory is missing (its directory
 * part has not finished) or incomplete throws {@link RunDirectoryUnavailableError}: the item is
 * retried, and nothing is planned from a partial view (which could revoke what the rules still
 * grant).
 *
 * @example
 * const directory = await loadRunDirectory(store, item.run.runId);
 */
export const loadRunDirectory = async (
  store: Pick<RunStorePort, 'loadState' | 'getRun'>,
  runId: string,
): Promise<RunDirectory | undefined> => {
  const saved = (await store.loadState(runId, DIRECTORY_STATE)) as Partial<RunDirectory> | undefined;
  if (saved === undefined) {
    const run = await store.getRun(runId);
    if (run?.trigger === 'approval') return undefined;
    throw new RunDirectoryUnavailableError(runId, run === undefined ? 'no such run' : 'its directory is not read');
  }
  if (
    !Array.isArray(saved.permissionSets) ||
    !Array.isArray(saved.groups) ||
    !Array.isArray(saved.users) ||
    !Array.isArray(saved.groupMemberships) ||
    !Array.isArray(saved.organizationalUnits)
  ) {
    throw new RunDirectoryUnavailableError(runId, 'its read is incomplete');
  }
  return {
    permissionSets: saved.permissionSets,
    groups: saved.groups,
    users: saved.users,
    groupMemberships: saved.groupMemberships,
    organizationalUnits: saved.organizationalUnits,
  };
};

/** Runs whose directory a worker environment keeps: a run's items arrive together, and a directory can be large. */
export const RUN_DIRECTORIES_KEPT = 2;

/**
 * A worker environment's copy of the directories of the runs it is applying, so that it loads a
 * run's directory once and not per item. A failed load is not kept: the next item tries again.
 *
 * @example
 * const runDirectory = cachedRunDirectories((runId) => loadRunDirectory(store, runId));
 * const directory = await runDirectory(item.run.runId);
 */
export const cachedRunDirectories = (load: RunDirectorySource, kept = RUN_DIRECTORIES_KEPT): RunDirectorySource => {
  const cache = new Map<string, Promise<RunDirectory | undefined>>();
  return (runId) => {
    const hit = cache.get(runId);
    if (hit !== undefined) {
      // Most recently used last, so that the oldest run is the one dropped.
      cache.delete(runId);
      cache.set(runId, hit);
      return hit;
    }
    const loading = load(runId);
    cache.set(runId, loading);
    loading.catch(() => {
      if (cache.get(runId) === loading) cache.delete(runId);
    });
    while (cache.size > kept) {
      const oldest = cache.keys().next().value as string;
      cache.delete(oldest);
    }
    return loading;
  };
};

/** A run's saved read cannot be loaded: the work item fails and is retried. */
export class RunDirectoryUnavailableError extends Error {
  constructor(runId: string, detail: string) {
    super(`Run ${runId}: its directory cannot be loaded (${detail})`);
    this.name = 'RunDirectoryUnavailableError';
  }
}

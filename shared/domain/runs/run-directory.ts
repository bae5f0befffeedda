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

/**
 * Loads the directory a run saved with its read. Every read of run state by the worker goes
 * through here, so that how the fan-out saves its read can change in one place.
 *
 * An approval run reads nothing of its own: its items re-check the held revocations against the
 * live directory, so it gets `undefined`. Any other run whose read is missing or incomplete
 * throws {@link RunDirectoryUnavailableError}: the item is retried, and nothing is planned from a
 * partial view (which could revoke what the rules still grant).
 *
 * @example
 * const directory = await loadRunDirectory(store, item.run.runId);
 */
export const loadRunDirectory = async (
  store: Pick<RunStorePort, 'loadState' | 'getRun'>,
  runId: string,
): Promise<RunDirectory | undefined> => {
  const frame = (await store.loadState(runId, 'frame')) as { readonly view?: Partial<RunDirectory> } | undefined;
  if (frame === undefined) {
    const run = await store.getRun(runId);
    if (run?.trigger === 'approval') return undefined;
    throw new RunDirectoryUnavailableError(runId, run === undefined ? 'no such run' : 'its read is missing');
  }
  const view = frame.view;
  if (
    view === undefined ||
    !Array.isArray(view.permissionSets) ||
    !Array.isArray(view.groups) ||
    !Array.isArray(view.users) ||
    !Array.isArray(view.groupMemberships) ||
    !Array.isArray(view.organizationalUnits)
  ) {
    throw new RunDirectoryUnavailableError(runId, 'its read is incomplete');
  }
  return {
    permissionSets: view.permissionSets,
    groups: view.groups,
    users: view.users,
    groupMemberships: view.groupMemberships,
    organizationalUnits: view.organizationalUnits,
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

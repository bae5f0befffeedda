import type { PlannedCreate } from '../plan-types.js';
import type { IdentityStorePort } from '../ports.js';
import { GROUP_DELETED } from '../runs/organization-run.js';

/**
 * The `whyGrantCannotSucceed` of {@link applyPlan}: a grant to a group that no longer exists can
 * never succeed, so once Identity Center has failed it, the group is described live and, when it
 * is gone, the grant is skipped rather than retried. A plan can name a deleted group when its
 * directory is older than the deletion: the run's read, or a group id looked up by name a few
 * minutes ago (the worker keeps those lookups, functions/worker/compose.ts). The group's own
 * DeleteGroup event cleans up after it.
 *
 * @example
 * await applyPlan(deps, { ...input, whyGrantCannotSucceed: grantToDeletedGroup(deps) });
 */
export const grantToDeletedGroup =
  (deps: { readonly identityStore: Pick<IdentityStorePort, 'describeGroup'> }) =>
  async (change: PlannedCreate): Promise<string | undefined> => {
    if (change.principalType !== 'GROUP') return undefined;
    const group = await deps.identityStore.describeGroup(change.principalId);
    return group === undefined ? GROUP_DELETED : undefined;
  };

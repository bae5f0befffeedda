import type { PlannedCreate } from '../plan-types.js';
import type { IdentityStorePort, SsoAdminPort } from '../ports.js';
import { GROUP_DELETED } from '../runs/organization-run.js';

/** Why a grant is skipped: its permission set was deleted after the plan's directory was read. */
export const PERMISSION_SET_DELETED = 'permission set no longer exists';

export interface DeletedSinceReadDeps {
  readonly identityStore: Pick<IdentityStorePort, 'describeGroup'>;
  readonly ssoAdmin: Pick<SsoAdminPort, 'describePermissionSet'>;
}

/**
 * The `whyGrantCannotSucceed` of {@link applyPlan}: a grant to a group, or in a permission set,
 * that no longer exists can never succeed, so once Identity Center has failed it, the group and
 * the permission set are described live and, when either is gone, the grant is skipped rather
 * than retried. The failure alone proves nothing (a throttle, a conflict, a request that ended
 * `FAILED`), so only the describe decides. A plan can name a deleted group or permission set
 * when its directory is older than the deletion: the run's read, or a group id looked up by name
 * a few minutes ago (the worker keeps those lookups, functions/worker/compose.ts), or the
 * permission sets an environment listed. The group's own DeleteGroup event cleans up after it;
 * a deleted permission set takes its assignments with it (docs/aws-facts.md §3.1).
 *
 * @example
 * await applyPlan(deps, { ...input, whyGrantCannotSucceed: deletedSinceRead(deps) });
 */
export const deletedSinceRead =
  (deps: DeletedSinceReadDeps) =>
  async (change: PlannedCreate): Promise<string | undefined> => {
    const [groupGone, permissionSet] = await Promise.all([
      change.principalType === 'GROUP'
        ? deps.identityStore.describeGroup(change.principalId).then((group) => group === undefined)
        : false,
      deps.ssoAdmin.describePermissionSet(change.permissionSetArn),
    ]);
    if (groupGone) return GROUP_DELETED;
    return permissionSet === undefined ? PERMISSION_SET_DELETED : undefined;
  };

import type { IdentityStorePort, OrganizationsPort, SsoAdminPort } from '../domain/ports.js';
import type { Snapshot } from '../domain/snapshot.js';
import { mapConcurrent } from './map-concurrent.js';

export interface ExportSnapshotDeps {
  readonly organizations: Pick<OrganizationsPort, 'listOrganizationalUnits' | 'listAccounts'>;
  readonly identityStore: Pick<IdentityStorePort, 'listUsers' | 'listGroups' | 'listGroupMemberships'>;
  readonly ssoAdmin: Pick<SsoAdminPort, 'listPermissionSets' | 'listAccountAssignments'>;
  readonly instanceArn: string;
  readonly identityStoreId: string;
  readonly managementAccountId: string;
}

/**
 * Reads calls run a few at a time: enough to hide latency, few enough to stay well inside the
 * 20 requests per second that Identity Center shares between all callers.
 */
const READ_CONCURRENCY = 4;

/**
 * Reads a live organization and Identity Center instance into the snapshot format (docs/design.md §6).
 * Read-only: only list and describe calls. Tags are read for every account, since a snapshot
 * must serve any rule. Every direct assignment on every account is exported, of every permission
 * set, so that `plan` sees what the worker would see.
 *
 * @example
 * const snapshot = await exportSnapshot({ organizations, identityStore, ssoAdmin, instanceArn, identityStoreId, managementAccountId }, console.error);
 */
export const exportSnapshot = async (
  deps: ExportSnapshotDeps,
  onProgress: (message: string) => void = () => {},
): Promise<Snapshot> => {
  onProgress('reading organizational units');
  const organizationalUnits = await deps.organizations.listOrganizationalUnits();
  onProgress(`reading accounts and tags (${organizationalUnits.length} OUs and roots)`);
  const accounts = await deps.organizations.listAccounts({ withTags: true });
  onProgress(`reading permission sets (${accounts.length} accounts)`);
  const permissionSets = await deps.ssoAdmin.listPermissionSets();
  onProgress(`reading groups and users (${permissionSets.length} permission sets)`);
  const groups = await deps.identityStore.listGroups();
  const users = await deps.identityStore.listUsers();
  onProgress(`reading memberships of ${groups.length} groups (${users.length} users)`);
  const memberships = await mapConcurrent(groups, READ_CONCURRENCY, (group) =>
    deps.identityStore.listGroupMemberships(group.id),
  );
  onProgress(`reading assignments on ${accounts.length} accounts`);
  let done = 0;
  const assignments = await mapConcurrent(accounts, READ_CONCURRENCY, async (account) => {
    const found = await deps.ssoAdmin.listAccountAssignments(account.id);
    done++;
    if (done % 50 === 0 && done < accounts.length)
      onProgress(`read assignments on ${done} of ${accounts.length} accounts`);
    return found;
  });
  onProgress('snapshot complete');

  return {
    instanceArn: deps.instanceArn,
    identityStoreId: deps.identityStoreId,
    managementAccountId: deps.managementAccountId,
    organizationalUnits: organizationalUnits.map((ou) => ({ id: ou.id, name: ou.name, parentId: ou.parentId })),
    accounts: accounts.map((a) => ({
      id: a.id,
      name: a.name,
      email: a.email,
      status: a.status,
      parentId: a.parentId,
      tags: { ...(a.tags ?? {}) },
    })),
    permissionSets: permissionSets.map((p) => ({ arn: p.arn, name: p.name })),
    groups: groups.map((g) => ({ id: g.id, displayName: g.displayName })),
    users: users.map(({ emails, ...rest }) => ({ ...rest, ...(emails ? { emails: [...emails] } : {}) })),
    groupMemberships: memberships.flat().map((m) => ({ groupId: m.groupId, userId: m.userId })),
    assignments: assignments.flat().map((a) => ({
      accountId: a.accountId,
      permissionSetArn: a.permissionSetArn,
      principalType: a.principalType,
      principalId: a.principalId,
    })),
  };
};

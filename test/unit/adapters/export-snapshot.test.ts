import { describe, expect, it } from 'vitest';
import { type ExportSnapshotDeps, exportSnapshot } from '../../../shared/adapters/export-snapshot.js';
import { mapConcurrent } from '../../../shared/adapters/map-concurrent.js';
import type { Account, AccountAssignment } from '../../../shared/domain/model.js';

const PS = 'arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-0000000000000001';

const deps = (): ExportSnapshotDeps & { tagRequests: boolean[] } => {
  const tagRequests: boolean[] = [];
  const assignments: Record<string, AccountAssignment[]> = {
    '222233334444': [{ accountId: '222233334444', permissionSetArn: PS, principalType: 'GROUP', principalId: 'g-1' }],
    '333344445555': [{ accountId: '333344445555', permissionSetArn: PS, principalType: 'USER', principalId: 'u-1' }],
  };
  return {
    tagRequests,
    instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
    identityStoreId: 'd-1234567890',
    managementAccountId: '111122223333',
    organizations: {
      listOrganizationalUnits: async () => [
        { id: 'r-ab12', name: 'Root', parentId: null },
        { id: 'ou-ab12-11111111', name: 'Workloads', parentId: 'r-ab12' },
      ],
      listAccounts: async ({ withTags }): Promise<Account[]> => {
        tagRequests.push(withTags);
        return [
          {
            id: '222233334444',
            name: 'prod',
            email: 'p@example.com',
            status: 'ACTIVE',
            parentId: 'ou-ab12-11111111',
            tags: { env: 'prod' },
          },
          {
            id: '333344445555',
            name: 'old',
            email: 'o@example.com',
            status: 'SUSPENDED',
            parentId: 'r-ab12',
            tags: {},
          },
        ];
      },
    },
    identityStore: {
      listGroups: async () => [{ id: 'g-1', displayName: 'Platform Admins' }],
      listUsers: async () => [
        { id: 'u-1', userName: 'alice', active: false, emails: ['alice@example.com'], department: 'Engineering' },
      ],
      listGroupMemberships: async (groupId) => [{ membershipId: 'm-1', groupId, userId: 'u-1' }],
    },
    ssoAdmin: {
      listPermissionSets: async () => [{ arn: PS, name: 'AdministratorAccess' }],
      listAccountAssignments: async (accountId) => assignments[accountId] ?? [],
    },
  };
};

describe('exportSnapshot', () => {
  it('assembles every part of the organization into the snapshot format', async () => {
    // Prepare
    const input = deps();
    const progress: string[] = [];

    // Act
    const snapshot = await exportSnapshot(input, (message) => progress.push(message));

    // Assess
    expect(snapshot).toEqual({
      instanceArn: input.instanceArn,
      identityStoreId: 'd-1234567890',
      managementAccountId: '111122223333',
      organizationalUnits: [
        { id: 'r-ab12', name: 'Root', parentId: null },
        { id: 'ou-ab12-11111111', name: 'Workloads', parentId: 'r-ab12' },
      ],
      accounts: [
        {
          id: '222233334444',
          name: 'prod',
          email: 'p@example.com',
          status: 'ACTIVE',
          parentId: 'ou-ab12-11111111',
          tags: { env: 'prod' },
        },
        { id: '333344445555', name: 'old', email: 'o@example.com', status: 'SUSPENDED', parentId: 'r-ab12', tags: {} },
      ],
      permissionSets: [{ arn: PS, name: 'AdministratorAccess' }],
      groups: [{ id: 'g-1', displayName: 'Platform Admins' }],
      users: [
        { id: 'u-1', userName: 'alice', active: false, emails: ['alice@example.com'], department: 'Engineering' },
      ],
      groupMemberships: [{ groupId: 'g-1', userId: 'u-1' }],
      assignments: [
        { accountId: '222233334444', permissionSetArn: PS, principalType: 'GROUP', principalId: 'g-1' },
        { accountId: '333344445555', permissionSetArn: PS, principalType: 'USER', principalId: 'u-1' },
      ],
    });
    expect(input.tagRequests).toEqual([true]);
    expect(progress.at(-1)).toBe('snapshot complete');
  });
});

describe('mapConcurrent', () => {
  it('keeps input order and never runs more than the limit at once', async () => {
    // Prepare
    let active = 0;
    let peak = 0;

    // Act
    const results = await mapConcurrent([5, 1, 4, 2, 3, 0], 2, async (n) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, n));
      active--;
      return n * 10;
    });

    // Assess
    expect(results).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });
});

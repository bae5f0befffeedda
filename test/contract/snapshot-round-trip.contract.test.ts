import { afterEach, describe, expect, it } from 'vitest';
import { exportSnapshot } from '../../shared/adapters/export-snapshot.js';
import { parseSnapshot } from '../../shared/domain/snapshot.js';
import { type EmulatorTarget, startTarget } from './support/emulator-target.js';
import { canonical, IDENTITY_STORE_ID, INSTANCE_ARN, MANAGEMENT_ACCOUNT, seedSnapshot } from './support/seed.js';

let target: EmulatorTarget | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

describe('exportSnapshot through the adapters', () => {
  it('gives back the snapshot the emulator was seeded with, ordering aside', async () => {
    // Prepare
    target = await startTarget({ pageSize: 4 });
    const seeded = seedSnapshot();
    const progress: string[] = [];

    // Act
    const exported = await exportSnapshot(
      {
        organizations: target.organizations,
        identityStore: target.identityStore,
        ssoAdmin: target.ssoAdmin,
        instanceArn: INSTANCE_ARN,
        identityStoreId: IDENTITY_STORE_ID,
        managementAccountId: MANAGEMENT_ACCOUNT,
      },
      (message) => progress.push(message),
    );

    // Assess
    expect(canonical(exported)).toEqual(canonical(seeded));
    expect(parseSnapshot(JSON.parse(JSON.stringify(exported)), 'export')).toEqual(exported);
    expect(progress.length).toBeGreaterThan(3);
  });

  it('exports what changed after the seed', async () => {
    // Prepare
    target = await startTarget();
    const seeded = seedSnapshot();
    const added = {
      accountId: '200000000007',
      permissionSetArn: seeded.permissionSets[0]?.arn as string,
      principalType: 'USER' as const,
      principalId: seeded.users[2]?.id as string,
    };
    await target.ssoAdmin.createAccountAssignment(added);
    target.emulator.world.tagAccount('200000000007', { owner: 'payments' });

    // Act
    const exported = await exportSnapshot({
      organizations: target.organizations,
      identityStore: target.identityStore,
      ssoAdmin: target.ssoAdmin,
      instanceArn: INSTANCE_ARN,
      identityStoreId: IDENTITY_STORE_ID,
      managementAccountId: MANAGEMENT_ACCOUNT,
    });

    // Assess
    expect(canonical(exported)).toEqual(canonical(target.emulator.world.exportSnapshot()));
    expect(exported.assignments).toContainEqual(added);
    expect(exported.accounts.find((a) => a.id === '200000000007')?.tags).toMatchObject({ owner: 'payments' });
  });
});

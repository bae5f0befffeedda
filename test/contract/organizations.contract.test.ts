import { afterEach, describe, expect, it } from 'vitest';
import { type EmulatorTarget, startTarget } from './support/emulator-target.js';
import { canonical, PROD, ROOT, SUSPENDED_ACCOUNT, seedSnapshot, WORKLOAD_ACCOUNTS } from './support/seed.js';

let target: EmulatorTarget | undefined;
/** Pages of two, so that every listing here spans several pages. */
const start = async () => {
  target = await startTarget({ pageSize: 2 });
  return target;
};
afterEach(async () => {
  await target?.close();
  target = undefined;
});

describe('OrganizationsAdapter against the emulator', () => {
  it('reads the whole OU tree through pages of two', async () => {
    // Prepare
    const { organizations } = await start();

    // Act
    const units = await organizations.listOrganizationalUnits();

    // Assess
    const sort = <T extends { id: string }>(list: readonly T[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
    expect(sort(units)).toEqual(canonical(seedSnapshot()).organizationalUnits);
  });

  it('lists every account with its parent and tags, and reads tags only when asked', async () => {
    // Prepare
    const { organizations, emulator } = await start();

    // Act
    const untagged = await organizations.listAccounts({ withTags: false });
    const tagCallsWithout = emulator.stats().calls.ListTagsForResource ?? 0;
    const tagged = await organizations.listAccounts({ withTags: true });

    // Assess
    expect(tagCallsWithout).toBe(0);
    expect(untagged.every((a) => a.tags === undefined)).toBe(true);
    const sorted = [...tagged].sort((a, b) => a.id.localeCompare(b.id));
    expect(sorted).toEqual(canonical(seedSnapshot()).accounts);
  });

  it('places accounts in fewer calls than one ListParents per account would take, and caches them', async () => {
    // Prepare
    const { organizations, emulator } = await start();

    // Act
    const accounts = await organizations.listAccounts({ withTags: false });
    const afterFirst = { ...emulator.stats().calls };
    await organizations.listAccounts({ withTags: false });
    const afterSecond = emulator.stats().calls;

    // Assess
    expect(afterFirst.ListParents ?? 0).toBe(0);
    const ours = (afterFirst.ListAccounts ?? 0) + (afterFirst.ListAccountsForParent ?? 0);
    const oneListParentsEach = (afterFirst.ListAccounts ?? 0) + accounts.length;
    expect(ours).toBeLessThan(oneListParentsEach);
    expect(afterSecond).toEqual(afterFirst);
  });

  it('describes one account with its parent, and answers undefined for an unknown one', async () => {
    // Prepare
    const { organizations } = await start();

    // Act
    const known = await organizations.describeAccount(WORKLOAD_ACCOUNTS[3] as string, { withTags: true });
    const suspended = await organizations.describeAccount(SUSPENDED_ACCOUNT, { withTags: false });
    const unknown = await organizations.describeAccount('999999999999', { withTags: false });

    // Assess
    expect(known).toEqual({
      id: WORKLOAD_ACCOUNTS[3],
      name: 'workload-3',
      email: 'workload-3@example.com',
      status: 'ACTIVE',
      parentId: PROD,
      tags: { env: 'prod', team: 'green' },
    });
    expect(suspended?.status).toBe('SUSPENDED');
    expect(unknown).toBeUndefined();
  });

  it('sees a move and a removal on describeAccount, and on listAccounts after clearCache', async () => {
    // Prepare
    const { organizations, emulator } = await start();
    const moved = WORKLOAD_ACCOUNTS[5] as string;
    const removed = WORKLOAD_ACCOUNTS[6] as string;
    await organizations.listAccounts({ withTags: false });

    // Act
    emulator.world.moveAccount(moved, ROOT);
    emulator.world.removeAccount(removed);
    const described = await organizations.describeAccount(moved, { withTags: false });
    const stale = await organizations.listAccounts({ withTags: false });
    organizations.clearCache();
    const fresh = await organizations.listAccounts({ withTags: false });

    // Assess
    expect(described?.parentId).toBe(ROOT);
    expect(await organizations.describeAccount(removed, { withTags: false })).toBeUndefined();
    expect(stale.find((a) => a.id === moved)?.parentId).toBe(PROD);
    expect(fresh.find((a) => a.id === moved)?.parentId).toBe(ROOT);
    expect(fresh.some((a) => a.id === removed)).toBe(false);
  });
});

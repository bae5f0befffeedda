import { afterEach, describe, expect, it } from 'vitest';
import { type EmulatorTarget, startTarget } from './support/emulator-target.js';
import { ALICE, AUDITORS, BOB, CAROL, canonical, DEVELOPERS, PLATFORM, seedSnapshot } from './support/seed.js';

let target: EmulatorTarget | undefined;
/** Pages of two, so that the three users, three groups and memberships span several pages. */
const start = async (options: Parameters<typeof startTarget>[0] = {}) => {
  target = await startTarget({ pageSize: 2, ...options });
  return target;
};
afterEach(async () => {
  await target?.close();
  target = undefined;
});

describe('IdentityStoreAdapter against the emulator', () => {
  it('resolves names to ids, answers undefined for unknown names and caches both', async () => {
    // Prepare
    const { identityStore, emulator } = await start();

    // Act
    const found = [
      await identityStore.getGroupIdByDisplayName('Platform Admins'),
      await identityStore.getGroupIdByDisplayName('No Such Group'),
      await identityStore.getUserIdByUserName('alice@example.com'),
      await identityStore.getUserIdByUserName('nobody@example.com'),
      await identityStore.getGroupIdByDisplayName('Platform Admins'),
      await identityStore.getUserIdByUserName('nobody@example.com'),
    ];

    // Assess
    expect(found).toEqual([PLATFORM, undefined, ALICE, undefined, PLATFORM, undefined]);
    expect(emulator.stats().calls.GetGroupId).toBe(2);
    expect(emulator.stats().calls.GetUserId).toBe(2);
  });

  it('describes a user with every attribute, enterprise extension included', async () => {
    // Prepare
    const { identityStore } = await start();
    const seeded = seedSnapshot().users.find((u) => u.id === ALICE);

    // Act
    const alice = await identityStore.describeUser(ALICE);
    const bob = await identityStore.describeUser(BOB);

    // Assess
    expect(alice).toEqual(seeded);
    expect(bob?.active).toBe(false);
  });

  it('answers undefined for a user or group that does not exist', async () => {
    // Prepare
    const { identityStore } = await start();

    // Act
    const user = await identityStore.describeUser('a0000000-0000-4000-8000-00000000ffff');
    const group = await identityStore.describeGroup('b0000000-0000-4000-8000-00000000ffff');

    // Assess
    expect(user).toBeUndefined();
    expect(group).toBeUndefined();
  });

  it('lists every user and group through pages of two', async () => {
    // Prepare
    const { identityStore } = await start();
    const seed = canonical(seedSnapshot());
    const byId = <T extends { id: string }>(list: readonly T[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));

    // Act
    const users = await identityStore.listUsers();
    const groups = await identityStore.listGroups();

    // Assess
    expect(byId(users)).toEqual(seed.users);
    expect(byId(groups)).toEqual(seed.groups);
  });

  it('lists memberships both ways with membership ids', async () => {
    // Prepare
    const { identityStore } = await start();

    // Act
    const ofAlice = await identityStore.listGroupMembershipsForMember(ALICE);
    const ofDevelopers = await identityStore.listGroupMemberships(DEVELOPERS);

    // Assess
    expect(ofAlice.map((m) => m.groupId).sort()).toEqual([PLATFORM, DEVELOPERS].sort());
    expect(ofDevelopers.map((m) => m.userId).sort()).toEqual([ALICE, BOB].sort());
    expect(
      [...ofAlice, ...ofDevelopers].every((m) => typeof m.membershipId === 'string' && m.membershipId !== ''),
    ).toBe(true);
  });

  it('adds a member, treats adding again as done, removes it, and treats removing again as done', async () => {
    // Prepare
    const { identityStore } = await start();

    // Act
    await identityStore.createGroupMembership(AUDITORS, ALICE);
    await identityStore.createGroupMembership(AUDITORS, ALICE);
    const added = (await identityStore.listGroupMemberships(AUDITORS)).find((m) => m.userId === ALICE);
    await identityStore.deleteGroupMembership(added?.membershipId ?? 'missing');
    await identityStore.deleteGroupMembership(added?.membershipId ?? 'missing');
    const after = await identityStore.listGroupMemberships(AUDITORS);

    // Assess
    expect(added?.groupId).toBe(AUDITORS);
    expect(after.map((m) => m.userId)).toEqual([CAROL]);
  });

  it('gets through a throttled read with the SDK retry left on for reads', async () => {
    // Prepare
    const { identityStore, emulator } = await start({
      faults: { scripted: [{ operation: 'ListGroups', error: 'ThrottlingException', count: 1 }] },
    });

    // Act
    const groups = await identityStore.listGroups();

    // Assess
    expect(groups).toHaveLength(3);
    expect(emulator.stats().faultsInjected).toBe(1);
  });
});

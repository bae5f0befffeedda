import { describe, expect, it } from 'vitest';
import { CONVERGED, remainingDrift } from './support/convergence.js';
import { moveAccount, parameterChange, scheduledSweep } from './support/events.js';
import {
  AUDITORS,
  BILLING,
  CAROL,
  DEVELOPERS,
  PROD_1,
  PROD_OU,
  READ_ONLY,
  SANDBOX_ACCOUNTS,
  SANDBOX_OU,
  SETTINGS_DOCUMENT,
  SETTINGS_YAML,
  seedSnapshot,
  WORKLOADS_DOCUMENT,
  WORKLOADS_YAML,
} from './support/fixture.js';
import { convergedSystemPerTest } from './support/per-test.js';

const startConverged = convergedSystemPerTest();

/** The seed, with carol holding an unmanaged assignment and a group membership as well. */
const carolWithMoreAccess = () => {
  const snapshot = seedSnapshot();
  return {
    ...snapshot,
    assignments: [
      ...snapshot.assignments,
      { accountId: PROD_1, permissionSetArn: BILLING, principalType: 'USER' as const, principalId: CAROL },
    ],
    groupMemberships: [...snapshot.groupMemberships, { groupId: DEVELOPERS, userId: CAROL }],
  };
};

/** The workloads rules plus Auditors reading every sandbox account. */
const WITH_SANDBOX_AUDIT = `${WORKLOADS_YAML}  - id: auditors-sandbox-read
    principals:
      - group: Auditors
    permissionSets: [ReadOnlyAccess]
    targets:
      organizationalUnits: [/Sandbox]
`;

/** The workloads rules plus Auditors reading every account tagged `env: dev`, wherever it is. */
const WITH_DEV_AUDIT = `${WORKLOADS_YAML}  - id: auditors-dev-read
    principals:
      - group: Auditors
    permissionSets: [ReadOnlyAccess]
    targets:
      accountTags:
        env: [dev]
`;

describe('resilience: runs', () => {
  it('repairs a lost DisableUser: the next sweep offboards the user from every permission set and group', async () => {
    // Prepare: carol holds an unmanaged assignment and a membership, then is disabled; the event is lost
    const s = await startConverged({ snapshot: carolWithMoreAccess() });
    expect(s.snapshot().assignments.filter((a) => a.principalId === CAROL)).not.toEqual([]);
    s.emulator.world.updateUser(CAROL, { active: false });

    // Act
    await s.fanout(scheduledSweep('sweep-after-lost-disable'));
    const deliveries = await s.drain();

    // Assess
    expect(deliveries.every((d) => d.failedIds.size === 0)).toBe(true);
    const snapshot = s.snapshot();
    expect(snapshot.assignments.filter((a) => a.principalId === CAROL)).toEqual([]);
    expect(snapshot.groupMemberships.filter((m) => m.userId === CAROL)).toEqual([]);
  });

  it('makes no wrong revocation when two warm workers with different rules caches straddle a rules change', async () => {
    // Prepare: two warm environments, each holding the rules from before the change. Emulated time
    // runs slowly enough that the late environment's 60-second rules cache is still warm when the
    // event reaches it, as it is in production right after a rules change.
    const s = await startConverged({ timeScale: 20 });
    const early = s.worker;
    const late = s.startWorker();
    await s.intake(moveAccount('warm-early', PROD_1, PROD_OU, PROD_OU));
    await s.deliver(early);
    await s.intake(moveAccount('warm-late', SANDBOX_ACCOUNTS[0], SANDBOX_OU, SANDBOX_OU));
    await s.deliver(late);
    s.resetRecordings();
    s.emulator.world.putParameter(WORKLOADS_DOCUMENT, WITH_SANDBOX_AUDIT);

    // Act: the rules change's run is applied by one environment; right after, an unrelated event
    // about a sandbox account reaches the other one, whose cache is still warm
    await s.fanout(parameterChange('ssm-sandbox-audit', WORKLOADS_DOCUMENT, 'Update'));
    await s.drain({ workers: [early] });
    await s.intake(moveAccount('after-change', SANDBOX_ACCOUNTS[1], SANDBOX_OU, SANDBOX_OU));
    await s.drain({ workers: [late] });

    // Assess
    expect(s.writes.filter((w) => w.operation === 'delete')).toEqual([]);
    for (const accountId of SANDBOX_ACCOUNTS) {
      expect(s.snapshot().assignments).toContainEqual({
        accountId,
        permissionSetArn: READ_ONLY,
        principalType: 'GROUP',
        principalId: AUDITORS,
      });
    }
    expect(
      remainingDrift(s.snapshot(), [
        { name: SETTINGS_DOCUMENT, value: SETTINGS_YAML },
        { name: WORKLOADS_DOCUMENT, value: WITH_SANDBOX_AUDIT },
      ]),
    ).toEqual(CONVERGED);
  });

  it("reads the accounts' tags in the run's read parts and none in the fan-out, and grants by them", async () => {
    // Prepare: one sandbox and one prod account are tagged dev; the rules come to select by tag
    const s = await startConverged();
    const dev = [SANDBOX_ACCOUNTS[0], PROD_1];
    for (const accountId of dev) s.emulator.world.tagAccount(accountId, { env: 'dev' });
    s.emulator.world.tagAccount(SANDBOX_ACCOUNTS[1], { env: 'prod' });
    s.resetRecordings();
    s.emulator.world.putParameter(WORKLOADS_DOCUMENT, WITH_DEV_AUDIT);

    // Act
    await s.fanout(parameterChange('ssm-dev-audit', WORKLOADS_DOCUMENT, 'Update'));
    const tagReadsByFanout = s.emulator.stats().calls.ListTagsForResource ?? 0;
    const reads = await s.readRunParts();
    const tagReadsByParts = (s.emulator.stats().calls.ListTagsForResource ?? 0) - tagReadsByFanout;
    const deliveries = await s.drain();

    // Assess
    expect(tagReadsByFanout).toBe(0);
    // Each part reads its accounts' tags once; an account it grants to as it reads is read again,
    // live, just before its grant, as the run's item for it would be.
    const grantedWhileReading = s.logger.messages().filter((m) => m === 'Grants applied while reading').length;
    expect(tagReadsByParts).toBe(s.snapshot().accounts.length + grantedWhileReading);
    expect([...reads, ...deliveries].every((d) => d.failedIds.size === 0)).toBe(true);
    const audited = s
      .snapshot()
      .assignments.filter((a) => a.principalId === AUDITORS && a.permissionSetArn === READ_ONLY)
      .map((a) => a.accountId);
    expect([...audited].sort()).toEqual([...dev].sort());
    expect(
      remainingDrift(s.snapshot(), [
        { name: SETTINGS_DOCUMENT, value: SETTINGS_YAML },
        { name: WORKLOADS_DOCUMENT, value: WITH_DEV_AUDIT },
      ]),
    ).toEqual(CONVERGED);
  });
});

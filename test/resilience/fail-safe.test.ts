import { describe, expect, it } from 'vitest';
import { MetricNames } from '../../shared/runtime/metrics.js';
import { assignmentLabels, CONVERGED, labels, remainingDrift } from './support/convergence.js';
import {
  closeAccount,
  closeAccountResult,
  disableUser,
  moveAccount,
  parameterChange,
  removeAccountFromOrganization,
  scheduledSweep,
  userEvent,
} from './support/events.js';
import {
  ALICE,
  CAROL,
  PROD_1,
  PROD_2,
  PROD_ACCOUNTS,
  PROD_OU,
  ROOT,
  SANDBOX_ACCOUNTS,
  SETTINGS_DOCUMENT,
  SETTINGS_YAML,
  WORKLOADS_DOCUMENT,
  WORKLOADS_YAML,
} from './support/fixture.js';
import { convergedSystemPerTest } from './support/per-test.js';
import type { ResilienceSystem } from './support/system.js';
import { intendRules, rightWhenMade, scoreEveryScenario } from './support/tally.js';

/**
 * The fail-safe promise: nothing the system cannot be sure of costs anyone their access. Each
 * scenario is one way the system used to revoke wrongly (a rules document left out, a not-found
 * that was not about the user, a closure that had not happened, an account whose parent could not
 * be read, an offboarding announced for a user who came back) or one way its cost or its
 * failures used to depend on the wrong thing.
 */

const startConverged = convergedSystemPerTest();

const deletes = (s: ResilienceSystem) => s.writes.filter((w) => w.operation === 'delete');
const heldBy = (s: ResilienceSystem, principalId: string) =>
  labels(s.snapshot().assignments.filter((a) => a.principalId === principalId));

/** Organizations operations the adapters call. */
const ORGANIZATIONS_CALLS = [
  'ListRoots',
  'ListOrganizationalUnitsForParent',
  'ListAccounts',
  'ListAccountsForParent',
  'ListParents',
  'DescribeAccount',
  'ListTagsForResource',
];
const organizationsCalls = (s: ResilienceSystem): number =>
  ORGANIZATIONS_CALLS.reduce((sum, op) => sum + (s.emulator.stats().calls[op] ?? 0), 0);

scoreEveryScenario();

describe('resilience: rules that cannot be trusted to revoke with', () => {
  // The fixture's rules, with the sandbox rule in a document of its own.
  const SANDBOX_DOCUMENT = '/idc-lifecycle/rules/sandbox';
  const [workloads, sandbox] = WORKLOADS_YAML.split('  - id: sandbox-power\n');
  const documents = [
    { name: SETTINGS_DOCUMENT, value: SETTINGS_YAML },
    { name: WORKLOADS_DOCUMENT, value: workloads ?? '' },
    { name: SANDBOX_DOCUMENT, value: `version: 1\nassignments:\n  - id: sandbox-power\n${sandbox ?? ''}` },
  ];

  it('grants, revokes nothing and keeps the alarm raised while a document deleted and re-created invalid has no valid version, then converges once it is fixed', async () => {
    // Prepare
    const s = await startConverged({ emulator: { parameters: documents } });
    intendRules(s, documents);
    s.emulator.world.deleteParameter(SANDBOX_DOCUMENT);
    s.emulator.world.putParameter(SANDBOX_DOCUMENT, 'version: 1\nassignments: [{ id: sandbox-power, oops: true }]\n');
    const newAccount = '444400000001';
    s.emulator.world.createAccount({ id: newAccount, name: 'vended', email: 'v@example.com', parentId: PROD_OU });

    // Act: the rules change is swept, and an account event arrives meanwhile.
    await s.fanout(parameterChange('ssm-recreate-1', SANDBOX_DOCUMENT, 'Create'));
    await s.intake(moveAccount('move-1', newAccount, ROOT, PROD_OU));
    await s.drain();

    // Assess: the sandbox grants the left-out document held are kept, and the new account got its access.
    const rejected = s.publisher.ofType('Rules Rejected');
    expect(rejected.map((e) => [e.detail.document, e.detail.fallbackVersion])).toEqual([[SANDBOX_DOCUMENT, undefined]]);
    expect(deletes(s)).toEqual([]);
    // The organization-wide run holds the sandbox revocations in one Run Blocked event that lists
    // them: one per sandbox account, none elsewhere.
    expect(s.publisher.ofType('Reconcile Blocked')).toEqual([]);
    const blocked = s.publisher.ofType('Run Blocked');
    expect(blocked).toHaveLength(1);
    const held = (blocked[0]?.detail.blocked as { wouldDelete: number; changes: { accountId?: string }[] }[]) ?? [];
    expect(held.map((b) => b.wouldDelete)).toEqual([SANDBOX_ACCOUNTS.length]);
    expect(blocked[0]?.detail.wouldDelete).toBe(SANDBOX_ACCOUNTS.length);
    expect(held.flatMap((b) => b.changes.map((c) => c.accountId)).sort()).toEqual([...SANDBOX_ACCOUNTS].sort());
    expect(assignmentLabels(s.snapshot(), newAccount)).toHaveLength(3);
    const reconciles = s.logger.entries.filter((e) => e.message === 'Scope reconciled').length;
    expect(s.metrics.total(MetricNames.rulesRejected)).toBe(1 + reconciles);

    // Act: the document is fixed.
    s.emulator.world.putParameter(SANDBOX_DOCUMENT, documents[2]?.value ?? '');
    await s.fanout(parameterChange('ssm-fix-1', SANDBOX_DOCUMENT, 'Update'));
    await s.drain();

    // Assess
    expect(remainingDrift(s.snapshot(), documents)).toEqual(CONVERGED);
  });
});

describe('resilience: a principal that reads as missing', () => {
  it('offboards nobody while Identity Store answers a not-found about the identity store, and converges once it stops', async () => {
    // Prepare: what a worker reading with a wrong identity store id is answered.
    const s = await startConverged();
    const before = heldBy(s, ALICE);
    const fields = { ResourceType: 'IDENTITY_STORE', ResourceId: 'd-0000000000' };
    s.emulator.setFaults({
      scripted: [{ operation: 'DescribeUser', error: 'ResourceNotFoundException', count: 3, fields }],
    });

    // Act
    await s.intake(userEvent('update-1', 'UpdateUser', ALICE));
    const deliveries = await s.drain();

    // Assess
    expect(deliveries.map((d) => d.failedIds.size)).toEqual([1, 1, 1, 0]);
    expect(s.publisher.ofType('Offboarding Completed')).toEqual([]);
    expect(before.length).toBeGreaterThan(0);
    expect(heldBy(s, ALICE)).toEqual(before);
  });

  it('reads a user twice before calling it deleted, so one not-found of the user itself changes nothing', async () => {
    // Prepare
    const s = await startConverged();
    const before = heldBy(s, ALICE);
    const fields = { ResourceType: 'USER', ResourceId: ALICE };
    s.emulator.setFaults({
      scripted: [{ operation: 'DescribeUser', error: 'ResourceNotFoundException', count: 1, fields }],
    });

    // Act
    await s.intake(userEvent('update-1', 'UpdateUser', ALICE));
    const deliveries = await s.drain();

    // Assess
    expect(deliveries.map((d) => d.failedIds.size)).toEqual([0]);
    expect(s.publisher.ofType('Offboarding Completed')).toEqual([]);
    expect(deletes(s)).toEqual([]);
    expect(heldBy(s, ALICE)).toEqual(before);
  });

  it('does not announce Offboarding Completed for a user re-enabled while being offboarded, and gives the access back', async () => {
    // Prepare
    const s = await startConverged();
    const before = heldBy(s, ALICE);
    s.emulator.world.updateUser(ALICE, { active: false });
    await s.intake(disableUser('disable-1', ALICE));
    const worker = s.startWorker({
      afterWrite: (write) => {
        if (write.operation === 'delete') s.emulator.world.updateUser(ALICE, { active: true });
      },
    });

    // Act
    await s.drain({ workers: [worker] });
    await s.intake(userEvent('enable-1', 'EnableUser', ALICE));
    await s.drain();

    // Assess: the revocations were right when they were made (Alice was disabled then).
    rightWhenMade(
      s,
      deletes(s).map((w) => w.assignment),
    );
    expect(deletes(s).length).toBeGreaterThan(0);
    expect(s.publisher.ofType('Offboarding Completed')).toEqual([]);
    expect(heldBy(s, ALICE)).toEqual(before);
  });
});

describe('resilience: accounts on their way out', () => {
  it('keeps a closing account’s access through a closure that fails, and reconciles it on the failed CloseAccountResult', async () => {
    // Prepare
    const s = await startConverged();
    const before = assignmentLabels(s.snapshot(), PROD_1);
    s.emulator.world.setAccountStatus(PROD_1, 'PENDING_CLOSURE');

    // Act: the closure starts, then fails.
    await s.intake(closeAccount('close-1', PROD_1));
    await s.drain();
    const whileClosing = assignmentLabels(s.snapshot(), PROD_1);
    s.emulator.world.setAccountStatus(PROD_1, 'ACTIVE');
    await s.intake(closeAccountResult('close-result-1', PROD_1, 'FAILED'));
    await s.drain();

    // Assess
    expect(whileClosing).toEqual(before);
    expect(s.writes).toEqual([]);
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
  });

  it('removes a closed account’s managed assignments once its closure succeeds, and keeps the unmanaged one', async () => {
    // Prepare
    const s = await startConverged();
    s.emulator.world.setAccountStatus(PROD_1, 'PENDING_CLOSURE');
    await s.intake(closeAccount('close-1', PROD_1));
    await s.drain();
    const whileClosing = deletes(s).length;

    // Act
    s.emulator.world.setAccountStatus(PROD_1, 'SUSPENDED');
    await s.intake(closeAccountResult('close-result-1', PROD_1, 'SUCCEEDED'));
    await s.drain();

    // Assess
    expect(whileClosing).toBe(0);
    expect(assignmentLabels(s.snapshot(), PROD_1)).toEqual([`${PROD_1} BillingAccess carol`]);
  });

  it('fails, rather than revokes, a replayed removal of an account whose parent reads as empty, and converges', async () => {
    // Prepare
    const s = await startConverged();
    s.emulator.setFaults({ answers: [{ operation: 'ListParents', answer: { Parents: [] }, count: 2 }] });

    // Act: an old RemoveAccountFromOrganization of an account that is back in the organization.
    await s.intake(removeAccountFromOrganization('remove-replayed-1', PROD_2));
    const deliveries = await s.drain();

    // Assess
    expect(deliveries.map((d) => d.failedIds.size)).toEqual([1, 1, 0]);
    expect(s.writes).toEqual([]);
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
  });

  it.each([
    ['with the account (the default)', 'deleted', []],
    ['behind the account', 'kept', ['AdministratorAccess', 'ReadOnlyAccess', 'ReadOnlyAccess']],
  ] as const)(
    'ends with only unmanaged assignments on a removed account whose assignments AWS leaves %s',
    async (_, departedAccountAssignments, deleted) => {
      // Prepare
      const s = await startConverged({ emulator: { departedAccountAssignments } });

      // Act
      s.emulator.world.removeAccount(PROD_1);
      await s.intake(removeAccountFromOrganization('remove-1', PROD_1));
      const deliveries = await s.drain();

      // Assess
      expect(deliveries.map((d) => d.failedIds.size)).toEqual([0]);
      const names = deletes(s)
        .map((w) => labels([w.assignment])[0]?.split(' ')[1])
        .sort();
      expect(names).toEqual(deleted);
      const left = s.snapshot().assignments.filter((a) => a.accountId === PROD_1);
      expect(labels(left)).toEqual(departedAccountAssignments === 'kept' ? [`${PROD_1} BillingAccess carol`] : []);
    },
  );
});

describe('resilience: offboarding and the sweep under Organizations, EventBridge and SNS faults', () => {
  it('offboards a deleted user without one Organizations call while Organizations throttles every call', async () => {
    // Prepare
    const s = await startConverged();
    s.emulator.setFaults({ rate: 1, rateFamilies: ['organizations'] });
    s.emulator.world.deleteUser(ALICE);

    // Act
    await s.intake(userEvent('delete-1', 'DeleteUser', ALICE));
    const deliveries = await s.drain();

    // Assess
    expect(deliveries.map((d) => d.failedIds.size)).toEqual([0]);
    expect(heldBy(s, ALICE)).toEqual([]);
    expect(organizationsCalls(s)).toBe(0);
    expect(s.publisher.ofType('Offboarding Completed')).toHaveLength(1);
  });

  it('enqueues nothing and revokes nothing while Organizations fails the sweep, and converges once it recovers', async () => {
    // Prepare
    const s = await startConverged();
    s.emulator.world.setAccountStatus(PROD_ACCOUNTS[3] ?? '', 'ACTIVE');
    s.emulator.setFaults({ rate: 1, rateFamilies: ['organizations'], seed: 5 });

    // Act
    const failed = await s.invoke('fanout', scheduledSweep('sweep-1'));
    const queuedWhileFailing = s.queue.size;
    s.emulator.setFaults({});
    const recovered = await s.invoke('fanout', scheduledSweep('sweep-2'));
    await s.drain();

    // Assess
    expect(failed.delivered).toBe(false);
    expect(queuedWhileFailing).toBe(0);
    expect(recovered.delivered).toBe(true);
    expect(s.writes).toEqual([]);
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
  });

  it('retries an offboarding whose events EventBridge throttles, and announces it once it is through', async () => {
    // Prepare: more throttles than the SDK's three attempts absorb.
    const s = await startConverged();
    s.emulator.setFaults({ scripted: [{ operation: 'PutEvents', error: 'ThrottlingException', count: 4 }] });
    s.emulator.world.deleteUser(ALICE);

    // Act
    await s.intake(userEvent('delete-1', 'DeleteUser', ALICE));
    const deliveries = await s.drain();

    // Assess: the first reconcile revoked and failed on publishing; the retry found nothing left.
    expect(deliveries.map((d) => d.failedIds.size)).toEqual([1, 0]);
    expect(heldBy(s, ALICE)).toEqual([]);
    expect(s.publisher.ofType('Offboarding Completed')).toHaveLength(1);
    expect(s.emulator.outbox().events.filter((e) => e.detailType === 'Offboarding Completed')).toHaveLength(1);
  });

  it('retries a sweep whose rejection notice SNS fails, and enqueues the sweep once it is through', async () => {
    // Prepare
    const s = await startConverged();
    s.emulator.world.putParameter(WORKLOADS_DOCUMENT, 'version: 1\nassignments: [{ id: x, oops: true }]\n');
    s.emulator.setFaults({ scripted: [{ operation: 'Publish', error: 'InternalError', count: 3 }] });

    // Act
    const sweep = await s.invoke('fanout', parameterChange('ssm-update-1', WORKLOADS_DOCUMENT, 'Update'));
    await s.drain();

    // Assess
    expect(sweep.errors).toHaveLength(1);
    expect(sweep.delivered).toBe(true);
    expect(s.emulator.outbox().messages.map((m) => m.subject)).toContain('idc-lifecycle: rules document rejected');
    expect(deletes(s)).toEqual([]);
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
  });

  it('offboards a deleted user under a storm of Organizations, Identity Store and Identity Center faults', async () => {
    // Prepare
    const s = await startConverged();
    s.emulator.setFaults({ rate: 0.3, seed: 11, rateFamilies: ['organizations', 'identitystore', 'sso-admin'] });
    s.emulator.world.deleteUser(CAROL);
    s.emulator.world.deleteUser(ALICE);

    // Act
    await s.intake(userEvent('delete-carol', 'DeleteUser', CAROL));
    await s.intake(userEvent('delete-alice', 'DeleteUser', ALICE));
    await s.drain();
    s.redrive();
    s.emulator.setFaults({});
    await s.drain();

    // Assess: Carol's unmanaged assignment goes too, as every direct assignment of a leaver does.
    expect(heldBy(s, ALICE)).toEqual([]);
    expect(heldBy(s, CAROL)).toEqual([]);
  });
});

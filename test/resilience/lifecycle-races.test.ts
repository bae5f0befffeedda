import { describe, expect, it } from 'vitest';
import { WORKER_READ_ATTEMPTS } from '../../functions/worker/compose.js';
import { MetricNames } from '../../shared/runtime/metrics.js';
import { assignmentLabels, CONVERGED, hasAssignment, labels, remainingDrift } from './support/convergence.js';
import {
  closeAccountResult,
  disableUser,
  groupEvent,
  moveAccount,
  parameterChange,
  scheduledSweep,
  userEvent,
} from './support/events.js';
import {
  ALICE,
  AUDITORS,
  DEVELOPERS,
  PLATFORM,
  PROD_2,
  PROD_ACCOUNTS,
  PROD_OU,
  READ_ONLY,
  ROOT,
  SETTINGS_DOCUMENT,
  SETTINGS_YAML,
  seedSnapshot,
  UNTOUCHABLE,
  WORKLOADS_DOCUMENT,
  WORKLOADS_YAML,
} from './support/fixture.js';
import { convergedSystemPerTest } from './support/per-test.js';
import type { ResilienceSystem } from './support/system.js';
import { intendRules, scoreEveryScenario } from './support/tally.js';

const startConverged = convergedSystemPerTest();

const NEW_ACCOUNT = '444400000001';

const vendIntoProd = async (s: ResilienceSystem, eventId: string): Promise<void> => {
  s.emulator.world.createAccount({ id: NEW_ACCOUNT, name: 'vended', email: 'vended@example.com' });
  s.emulator.world.moveAccount(NEW_ACCOUNT, PROD_OU);
  await s.intake(moveAccount(eventId, NEW_ACCOUNT, ROOT, PROD_OU));
};

const heldBy = (s: ResilienceSystem, principalId: string) =>
  labels(s.snapshot().assignments.filter((a) => a.principalId === principalId));

const untouchableSurvive = (s: ResilienceSystem): boolean => UNTOUCHABLE.every((a) => hasAssignment(s.snapshot(), a));

/** A sixth permission set, which the fixture's rules do not use. */
const SECURITY_AUDIT = 'arn:aws:sso:::permissionSet/ssoins-7223000000000001/ps-0000000000000006';
const withSecurityAudit = () => {
  const snapshot = seedSnapshot();
  return { ...snapshot, permissionSets: [...snapshot.permissionSets, { arn: SECURITY_AUDIT, name: 'SecurityAudit' }] };
};
/**
 * Rules that put SecurityAudit to use: Developers move from ReadOnlyAccess to it on Prod, and
 * Auditors get both on Prod.
 */
const AUDIT_DOCUMENTS = [
  {
    name: SETTINGS_DOCUMENT,
    value: SETTINGS_YAML.replace('ReadOnlyAccess]', 'ReadOnlyAccess, SecurityAudit]'),
  },
  {
    name: WORKLOADS_DOCUMENT,
    value: `${WORKLOADS_YAML.replace(
      '      - group: Developers\n    permissionSets: [ReadOnlyAccess]',
      '      - group: Developers\n    permissionSets: [SecurityAudit]',
    )}  - id: auditors-prod
    principals:
      - group: Auditors
    permissionSets: [ReadOnlyAccess, SecurityAudit]
    targets:
      organizationalUnits: [/Workloads/Prod]
`,
  },
] as const;

scoreEveryScenario();

describe('resilience: changes racing a reconcile', () => {
  it('leaves nothing to a group deleted between plan and apply once its own event is handled, without a retry loop', async () => {
    // Prepare: the group disappears while the worker's create for it is in flight.
    const s = await startConverged();
    await vendIntoProd(s, 'move-1');
    const worker = s.startWorker({
      afterWrite: (write) => {
        if (write.operation === 'create' && write.assignment.principalId === DEVELOPERS) {
          s.emulator.world.deleteGroup(DEVELOPERS);
        }
      },
    });

    // Act
    const first = await s.deliver(worker);
    const retries = await s.drain({ workers: [worker] });
    await s.intake(groupEvent('delete-group-1', 'DeleteGroup', DEVELOPERS));
    const own = await s.drain({ workers: [worker] });

    // Assess: the in-flight create ended FAILED (404); the worker described the group, found it
    // gone, and skipped the grant instead of failing the item (a retry would plan the same grant
    // while the environment keeps the group's id). The group's own event cleans up after it.
    expect(first.failedIds.size).toBe(0);
    expect(retries).toEqual([]);
    expect(own.map((d) => d.failedIds.size)).toEqual([0]);
    expect(s.metrics.total(MetricNames.reconcileFailures)).toBe(0);
    expect(s.queue.deadLetters).toEqual([]);
    expect(heldBy(s, DEVELOPERS)).toEqual([]);
    expect(assignmentLabels(s.snapshot(), NEW_ACCOUNT)).toEqual([
      `${NEW_ACCOUNT} AdministratorAccess Platform Admins`,
      `${NEW_ACCOUNT} ReadOnlyAccess alice`,
    ]);
    expect(s.publisher.ofType('Offboarding Completed').map((e) => e.detail.principalId)).toEqual([DEVELOPERS]);
    expect(untouchableSurvive(s)).toBe(true);
  });

  it('grants nothing once an account closed mid-reconcile is seen closed, and the account-removed scope cleans its managed assignments', async () => {
    // Prepare: the account is closed (SUSPENDED) as soon as the first grant of its reconcile is accepted.
    const s = await startConverged();
    s.emulator.world.createAccount({ id: NEW_ACCOUNT, name: 'vended', email: 'vended@example.com' });
    s.emulator.world.moveAccount(NEW_ACCOUNT, PROD_OU);
    await s.intake(moveAccount('move-1', NEW_ACCOUNT, ROOT, PROD_OU));
    let closedAfter = -1;
    const worker = s.startWorker({
      afterWrite: () => {
        if (closedAfter >= 0) return;
        closedAfter = s.writes.length;
        s.emulator.world.setAccountStatus(NEW_ACCOUNT, 'SUSPENDED');
      },
    });

    // Act
    await s.drain({ workers: [worker] });
    const inFlightPlan = s.writes.length;
    await s.fanout(scheduledSweep('sweep-after-closure'));
    await s.readRunParts();
    const sweptScopes = s.queue.groupIds();
    await s.intake(moveAccount('move-2', NEW_ACCOUNT, ROOT, PROD_OU));
    await s.drain({ workers: [worker] });
    const afterClosureSeen = s.writes.slice(inFlightPlan);
    await s.intake(closeAccountResult('close-1', NEW_ACCOUNT));
    await s.drain({ workers: [worker] });
    await s.emulator.settle();

    // Assess
    expect(closedAfter).toBe(1);
    expect(sweptScopes).not.toContain(`account:${NEW_ACCOUNT}`);
    expect(afterClosureSeen).toEqual([]);
    expect(s.logger.entries.some((e) => e.attributes[0]?.reason === 'the account is SUSPENDED')).toBe(true);
    expect(assignmentLabels(s.snapshot(), NEW_ACCOUNT)).toEqual([]);
    expect(s.writes.filter((w) => w.operation === 'delete').map((w) => w.assignment.accountId)).toEqual(
      Array(inFlightPlan).fill(NEW_ACCOUNT),
    );
    expect(s.queue.deadLetters).toEqual([]);
    expect(untouchableSurvive(s)).toBe(true);
  });

  it('revokes nothing while the deleted user cannot be described, then completes the offboarding on retry', async () => {
    // Prepare
    const s = await startConverged();
    s.emulator.world.deleteUser(ALICE);
    await s.intake(userEvent('delete-user-1', 'DeleteUser', ALICE));
    s.emulator.setFaults({ scripted: [{ operation: 'DescribeUser', error: 'AccessDeniedException', count: 1 }] });

    // Act
    const first = await s.deliver();
    const heldAfterFailure = heldBy(s, ALICE);
    await s.drain();

    // Assess
    expect(first.failedIds.size).toBe(1);
    expect(heldAfterFailure).toHaveLength(4);
    expect(s.metrics.total(MetricNames.reconcileFailures)).toBe(1);
    expect(heldBy(s, ALICE)).toEqual([]);
    expect(s.publisher.ofType('Offboarding Completed').map((e) => e.detail.principalId)).toEqual([ALICE]);
    expect(untouchableSurvive(s)).toBe(true);
  });

  it('revokes nothing while the disabled user’s group memberships cannot be listed, then removes assignments and memberships on retry', async () => {
    // Prepare: as many 5xx answers as the worker's read clients make attempts.
    const s = await startConverged();
    s.emulator.world.updateUser(ALICE, { active: false });
    await s.intake(disableUser('disable-user-1', ALICE));
    s.emulator.setFaults({
      scripted: [
        { operation: 'ListGroupMembershipsForMember', error: 'InternalServerException', count: WORKER_READ_ATTEMPTS },
      ],
    });

    // Act
    const first = await s.deliver();
    const heldAfterFailure = heldBy(s, ALICE);
    const membershipsAfterFailure = s.snapshot().groupMemberships.filter((m) => m.userId === ALICE);
    await s.drain();

    // Assess
    expect(first.failedIds.size).toBe(1);
    expect(heldAfterFailure).toHaveLength(4);
    expect(membershipsAfterFailure).toEqual([{ groupId: PLATFORM, userId: ALICE }]);
    expect(heldBy(s, ALICE)).toEqual([]);
    expect(s.snapshot().groupMemberships.filter((m) => m.userId === ALICE)).toEqual([]);
    expect(s.publisher.ofType('Offboarding Completed')).toHaveLength(1);
  });

  it('reports a half-done offboarding as a failure, without Offboarding Completed, and finishes it on retry', async () => {
    // Prepare: the deletion on PROD_2 ends FAILED and the assignment is still there when re-checked.
    const s = await startConverged();
    s.emulator.world.deleteUser(ALICE);
    await s.intake(userEvent('delete-user-1', 'DeleteUser', ALICE));
    s.emulator.setFaults({ failAssignmentsOnAccounts: [PROD_2] });

    // Act
    const first = await s.deliver();
    const heldAfterFailure = heldBy(s, ALICE);
    const completedAfterFailure = s.publisher.ofType('Offboarding Completed').length;
    s.emulator.setFaults({});
    await s.drain();

    // Assess
    expect(first.failedIds.size).toBe(1);
    expect(heldAfterFailure).toEqual([`${PROD_2} ReadOnlyAccess alice`]);
    expect(completedAfterFailure).toBe(0);
    expect(s.notifier.notifications.some((n) => n.subject.includes('1 failure(s)'))).toBe(true);
    expect(heldBy(s, ALICE)).toEqual([]);
    expect(s.publisher.ofType('Offboarding Completed')).toHaveLength(1);
    expect(s.publisher.ofType('Assignment Deleted')).toHaveLength(4);
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
  });

  it('skips the grants in a permission set deleted while a run is under way, holds the revocations they replace, and fails no item', async () => {
    // Prepare: a rules change puts SecurityAudit to use; the run reads and plans (its directory
    // read last, so that its grants wait for its items), then an administrator deletes
    // SecurityAudit before the run's items are applied
    const s = await startConverged({ snapshot: withSecurityAudit() });
    for (const document of AUDIT_DOCUMENTS) s.emulator.world.putParameter(document.name, document.value);
    intendRules(s, AUDIT_DOCUMENTS);
    await s.fanout(parameterChange('ssm-security-audit', WORKLOADS_DOCUMENT, 'Update'));
    const reads = await s.readRunParts(s.worker, { directoryLast: true });
    s.emulator.world.deletePermissionSet(SECURITY_AUDIT);

    // Act
    const deliveries = await s.drain();

    // Assess: every item applied what it still could (Auditors' ReadOnlyAccess) and skipped its
    // grants in the deleted set; Developers keep ReadOnlyAccess, since what was to replace it
    // cannot be granted, and the held revocations surface as Reconcile Blocked.
    expect([...reads, ...deliveries].every((d) => d.failedIds.size === 0)).toBe(true);
    expect(s.metrics.total(MetricNames.reconcileFailures)).toBe(0);
    const end = s.snapshot();
    for (const accountId of PROD_ACCOUNTS) {
      for (const principalId of [AUDITORS, DEVELOPERS]) {
        expect(
          hasAssignment(end, { accountId, permissionSetArn: READ_ONLY, principalType: 'GROUP', principalId }),
        ).toBe(true);
      }
    }
    expect(end.assignments.filter((a) => a.permissionSetArn === SECURITY_AUDIT)).toEqual([]);
    expect(s.writes.filter((w) => w.operation === 'delete')).toEqual([]);
    expect(s.publisher.ofType('Reconcile Blocked')).toHaveLength(PROD_ACCOUNTS.length);
    expect(s.metrics.total(MetricNames.reconcileBlocked)).toBe(PROD_ACCOUNTS.length);
    expect(untouchableSurvive(s)).toBe(true);
  });

  it('reads a permission set deleted between listing an account and reading it as holding nothing, once DescribePermissionSet says it is gone', async () => {
    // Prepare: SecurityAudit is deleted, but one ListPermissionSetsProvisionedToAccount still lists
    // it (read just before the deletion)
    const s = await startConverged({ snapshot: withSecurityAudit() });
    const listed = s.snapshot().permissionSets.map((p) => p.arn);
    s.emulator.world.deletePermissionSet(SECURITY_AUDIT);
    s.emulator.setFaults({
      answers: [{ operation: 'ListPermissionSetsProvisionedToAccount', answer: { PermissionSets: listed }, count: 1 }],
    });

    // Act
    await s.fanout(scheduledSweep('sweep-after-delete'));
    const deliveries = [...(await s.readRunParts()), ...(await s.drain())];

    // Assess
    expect(deliveries.every((d) => d.failedIds.size === 0)).toBe(true);
    // The run's directory describes each permission set once; the read part described one more
    expect(s.emulator.stats().calls.DescribePermissionSet).toBe(s.snapshot().permissionSets.length + 1);
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
  });

  it('fails and retries a read part whose ListAccountAssignments answers not-found for a permission set that still exists', async () => {
    // Prepare
    const s = await startConverged();
    s.emulator.setFaults({
      scripted: [{ operation: 'ListAccountAssignments', error: 'ResourceNotFoundException', count: 1 }],
    });

    // Act
    await s.fanout(scheduledSweep('sweep-with-not-found'));
    const deliveries = [...(await s.readRunParts()), ...(await s.drain())];

    // Assess: the not-found alone is no proof (DescribePermissionSet still finds the set), so the
    // part failed once, and its retry read the account as it is
    expect(deliveries.filter((d) => d.failedIds.size > 0)).toHaveLength(1);
    // The run's directory describes each permission set once; the read part described one more
    expect(s.emulator.stats().calls.DescribePermissionSet).toBe(s.snapshot().permissionSets.length + 1);
    expect(s.writes).toEqual([]);
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { WORKER_READ_ATTEMPTS } from '../../functions/worker/compose.js';
import { MetricNames } from '../../shared/runtime/metrics.js';
import { assignmentLabels, CONVERGED, hasAssignment, remainingDrift } from './support/convergence.js';
import { groupEvent, scheduledSweep, userEvent } from './support/events.js';
import {
  ALICE,
  DEVELOPERS,
  PLATFORM,
  POWER_USER,
  PROD_1,
  PROD_ACCOUNTS,
  seedSnapshot,
  UNTOUCHABLE,
} from './support/fixture.js';
import {
  type Delivery,
  type DrainOptions,
  type ResilienceSystem,
  type SystemOptions,
  startSystem,
} from './support/system.js';
import { scoreEveryScenario } from './support/tally.js';

let system: ResilienceSystem | undefined;
afterEach(async () => {
  await system?.close();
  system = undefined;
});

const start = async (options: SystemOptions = {}): Promise<ResilienceSystem> => {
  system = await startSystem(options);
  return system;
};

const failedRecords = (deliveries: readonly Delivery[]): number =>
  deliveries.reduce((sum, d) => sum + d.failedIds.size, 0);

/**
 * Delivers until the queue is empty and, as the runbook says, moves any dead letter back and
 * delivers again (at most five times). Returns every delivery.
 */
const deliverThroughStorm = async (s: ResilienceSystem, options: DrainOptions = {}): Promise<Delivery[]> => {
  const deliveries = await s.drain(options);
  for (let round = 0; round < 5 && s.queue.deadLetters.length > 0; round++) {
    s.redrive();
    deliveries.push(...(await s.drain(options)));
  }
  return deliveries;
};

/**
 * Two worker environments taking five messages at a time, as the stack's event source allows
 * (`WORKER_MAX_CONCURRENCY`, `WORKER_BATCH_SIZE` in infra/stacks/main-stack.ts).
 */
const asDeployed = (s: ResilienceSystem): DrainOptions => ({ workers: [s.worker, s.startWorker()], batchSize: 5 });

const untouchableSurvive = (s: ResilienceSystem): boolean => UNTOUCHABLE.every((a) => hasAssignment(s.snapshot(), a));

/** Developers hold PowerUserAccess on PROD_1, where the rules want ReadOnlyAccess instead. */
const withSwappedAccess = () => {
  const seed = seedSnapshot();
  return {
    ...seed,
    assignments: [
      ...seed.assignments,
      { accountId: PROD_1, permissionSetArn: POWER_USER, principalType: 'GROUP' as const, principalId: DEVELOPERS },
    ],
  };
};

scoreEveryScenario();

describe('resilience: Identity Center faults', () => {
  it('converges when a random storm of throttles, conflicts and 5xx errors hits every call', async () => {
    // Prepare
    const s = await start({ emulator: { faults: { rate: 0.2, seed: 20260602 } } });

    // Act
    const sweep = await s.invoke('fanout', scheduledSweep('sweep-storm'));
    const deliveries = await deliverThroughStorm(s);

    // Assess
    expect(sweep.delivered).toBe(true);
    expect(s.emulator.stats().faultsInjected).toBeGreaterThan(10);
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
    expect(s.queue.deadLetters).toEqual([]);
    expect(s.writes.filter((w) => w.operation === 'delete')).toEqual([]);
    expect(untouchableSurvive(s)).toBe(true);
    // Every record that failed on the way was reported to SQS and counted for the alarm.
    expect(s.metrics.total(MetricNames.reconcileFailures)).toBe(failedRecords(deliveries));
  });

  it('converges when the Identity Center request quota throttles a sweep', async () => {
    // Prepare: a budget of one request per emulated second (a twentieth of the published 20 TPS),
    // so that the two deployed environments exhaust it on this small organization as a large sweep
    // exhausts 20 TPS, even with their five-minute lookup caches and eight read attempts.
    // Slower emulated time than the other scenarios, so that the budget is scarce in wall time too.
    const s = await start({ timeScale: 40, emulator: { quotas: { tps: 1, outstandingCreates: 10 } } });

    // Act
    await s.invoke('fanout', scheduledSweep('sweep-quota'));
    const deliveries = await deliverThroughStorm(s, asDeployed(s));

    // Assess
    expect(s.emulator.stats().throttled).toBeGreaterThan(10);
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
    expect(s.queue.deadLetters).toEqual([]);
    expect(s.metrics.total(MetricNames.reconcileFailures)).toBe(failedRecords(deliveries));
    expect(untouchableSurvive(s)).toBe(true);
  });

  it('converges when conflicts storm the writes while account and principal scopes touch the same accounts', async () => {
    // Prepare: scripted conflicts on every kind of write, and principal scopes whose writes land on
    // the accounts that the sweep's account scopes are changing at the same time.
    const s = await start({
      snapshot: withSwappedAccess(),
      emulator: {
        faults: {
          scripted: [
            { operation: 'CreateAccountAssignment', error: 'ConflictException', count: 12 },
            { operation: 'DeleteAccountAssignment', error: 'ConflictException', count: 2 },
          ],
        },
      },
    });
    await s.fanout(scheduledSweep('sweep-conflicts'));
    await s.intake(userEvent('user-alice', 'UpdateUser', ALICE));
    await s.intake(groupEvent('group-platform', 'UpdateGroup', PLATFORM));
    await s.intake(groupEvent('group-developers', 'UpdateGroup', DEVELOPERS));

    // Act
    await deliverThroughStorm(s, asDeployed(s));

    // Assess
    expect(s.emulator.stats().conflicts + s.emulator.stats().faultsInjected).toBeGreaterThan(12);
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
    expect(s.queue.deadLetters).toEqual([]);
    expect(untouchableSurvive(s)).toBe(true);
  });

  it('converges when reads, writes and status polls answer 5xx errors', async () => {
    // Prepare: more 5xx on ListPermissionSetsProvisionedToAccount than the worker's read attempts,
    // so that one reconcile fails as a whole and SQS retries it.
    const s = await start({
      emulator: {
        faults: {
          scripted: [
            {
              operation: 'ListPermissionSetsProvisionedToAccount',
              error: 'InternalServerException',
              count: WORKER_READ_ATTEMPTS + 1,
            },
            { operation: 'GetGroupId', error: 'InternalServerException', count: 2 },
            { operation: 'CreateAccountAssignment', error: 'InternalServerException', count: 6 },
            { operation: 'CreateAccountAssignment', error: 'ServiceUnavailable', count: 3, status: 503 },
            {
              operation: 'DescribeAccountAssignmentCreationStatus',
              error: 'ServiceUnavailable',
              count: 6,
              status: 503,
            },
            { operation: 'GetParametersByPath', error: 'InternalServerError', count: 2 },
          ],
        },
      },
    });

    // Act
    await s.invoke('fanout', scheduledSweep('sweep-5xx'));
    const deliveries = await s.drain();

    // Assess
    expect(failedRecords(deliveries)).toBeGreaterThan(0);
    expect(s.metrics.total(MetricNames.reconcileFailures)).toBe(failedRecords(deliveries));
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
    expect(s.queue.deadLetters).toEqual([]);
    expect(untouchableSurvive(s)).toBe(true);
  });

  it('fails the record, revokes nothing it replaces, and converges on retry when creates end FAILED', async () => {
    // Prepare: every assignment request on PROD_1 ends FAILED, as on an account at its IAM role quota.
    const s = await start({
      snapshot: withSwappedAccess(),
      emulator: { faults: { failAssignmentsOnAccounts: [PROD_1] } },
    });
    await s.fanout(scheduledSweep('sweep-failed'));
    await s.readRunParts();

    // Act
    const first = await s.deliver();
    const afterFailure = s.snapshot();
    s.emulator.setFaults({});
    await s.drain();

    // Assess: the PROD_1 record alone failed, and the PowerUserAccess it replaces was held back.
    const failedGroups = first.records
      .filter((r) => first.failedIds.has(r.messageId))
      .map((r) => r.attributes.MessageGroupId);
    expect(failedGroups).toEqual([`account:${PROD_1}`]);
    expect(assignmentLabels(afterFailure, PROD_1)).toEqual([
      `${PROD_1} BillingAccess carol`,
      `${PROD_1} PowerUserAccess Developers`,
    ]);
    expect(s.metrics.total(MetricNames.reconcileFailures)).toBe(1);
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
    expect(s.queue.deadLetters).toEqual([]);
  });

  it('moves the record to the DLQ after five receives and revokes nothing while creates keep failing', async () => {
    // Prepare
    const s = await start({
      snapshot: withSwappedAccess(),
      emulator: { faults: { failAssignmentsOnAccounts: [PROD_1] } },
    });
    await s.fanout(scheduledSweep('sweep-dlq'));

    // Act
    await s.drain();

    // Assess
    expect(s.queue.deadLetters.map((m) => [m.groupId, m.receiveCount])).toEqual([[`account:${PROD_1}`, 5]]);
    expect(s.metrics.total(MetricNames.reconcileFailures)).toBe(5);
    expect(
      hasAssignment(s.snapshot(), {
        accountId: PROD_1,
        permissionSetArn: POWER_USER,
        principalType: 'GROUP',
        principalId: DEVELOPERS,
      }),
    ).toBe(true);
    expect(s.writes.filter((w) => w.operation === 'delete')).toEqual([]);
    expect(s.notifier.notifications.some((n) => n.subject.includes('failure'))).toBe(true);
    // The other accounts converged all the same.
    for (const accountId of PROD_ACCOUNTS.slice(1)) {
      expect(remainingDrift(s.snapshot()).create.filter((c) => c.startsWith(accountId))).toEqual([]);
    }
  });
});

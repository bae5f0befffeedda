import { afterEach, describe, expect, it } from 'vitest';
import { WORKER_READ_ATTEMPTS } from '../../functions/worker/compose.js';
import { WORK_QUEUE_VISIBILITY } from '../../infra/stacks/main-stack.js';
import { THROTTLED_RETRY_MAX_SECONDS } from '../../shared/domain/reconcile/throttled-retry.js';
import { CONVERGED, remainingDrift } from './support/convergence.js';
import { scheduledSweep } from './support/events.js';
import { type Delivery, type ResilienceSystem, startSystem } from './support/system.js';

let system: ResilienceSystem | undefined;
afterEach(async () => {
  await system?.close();
  system = undefined;
});

const failedIds = (deliveries: readonly Delivery[]): string[] => deliveries.flatMap((d) => [...d.failedIds]);

describe('resilience: a throttle storm during an organization-wide run', () => {
  it('brings every throttled item back within a minute, never after the visibility timeout, and converges', async () => {
    // Prepare: once the run is planned, the workers' live re-reads of their accounts are throttled
    // more times in a row than the worker's read attempts, three items' worth, so that whole
    // reconciles fail on throttling mid-run. The directory is read last, so that the run's grants
    // go in its items rather than being applied while the parts read.
    system = await startSystem({});
    const s = system;
    await s.fanout(scheduledSweep('sweep-throttle-storm'));
    await s.readRunParts(s.worker, { directoryLast: true });
    s.emulator.setFaults({
      scripted: [
        {
          operation: 'ListAccountAssignments',
          error: 'ThrottlingException',
          count: 3 * WORKER_READ_ATTEMPTS,
        },
      ],
    });

    // Act
    const deliveries = await s.drain({ workers: [s.worker, s.startWorker()], batchSize: 1 });

    // Assess
    const failed = failedIds(deliveries);
    expect(failed.length).toBeGreaterThan(0);
    expect(new Set(s.queue.visibilityChanges.map((c) => c.messageId))).toEqual(new Set(failed));
    for (const change of s.queue.visibilityChanges) {
      expect(change.seconds).toBeLessThanOrEqual(THROTTLED_RETRY_MAX_SECONDS);
      expect(change.seconds).toBeLessThan(WORK_QUEUE_VISIBILITY.toSeconds());
    }
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
    expect(s.queue.deadLetters).toEqual([]);
    expect(s.writes.filter((w) => w.operation === 'delete')).toEqual([]);
  });

  it('brings a read part that fails on throttling back within a minute, and the run is planned and applied', async () => {
    // Prepare: the read parts' listings are throttled far more times in a row than a read's attempts
    system = await startSystem({});
    const s = system;
    await s.fanout(scheduledSweep('sweep-throttled-read'));
    s.emulator.setFaults({
      scripted: [
        { operation: 'ListAccountAssignments', error: 'ThrottlingException', count: 4 * WORKER_READ_ATTEMPTS },
      ],
    });

    // Act
    const reads = await s.readRunParts();
    await s.drain({ workers: [s.worker, s.startWorker()], batchSize: 1 });

    // Assess
    const failedReads = reads.flatMap((d) => d.records.filter((r) => d.failedIds.has(r.messageId)));
    expect(failedReads.length).toBeGreaterThan(0);
    expect(failedReads.every((r) => r.attributes.MessageGroupId?.startsWith('run:'))).toBe(true);
    const changed = new Set(s.queue.visibilityChanges.map((c) => c.messageId));
    for (const record of failedReads) expect(changed.has(record.messageId)).toBe(true);
    for (const change of s.queue.visibilityChanges) {
      expect(change.seconds).toBeLessThanOrEqual(THROTTLED_RETRY_MAX_SECONDS);
    }
    // The parts that read after the throttling passed applied the run's grants as they read.
    expect(s.writes.filter((w) => w.operation === 'create').length).toBeGreaterThan(0);
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
    expect(s.queue.deadLetters).toEqual([]);
    expect(s.writes.filter((w) => w.operation === 'delete')).toEqual([]);
  });
});

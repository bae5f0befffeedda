import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { assignmentLabels, CONVERGED, duplicateKeys, labels, remainingDrift } from './support/convergence.js';
import { disableUser, moveAccount, scheduledSweep } from './support/events.js';
import { ALICE, PROD_OU, ROOT } from './support/fixture.js';
import { convergedSystemPerTest } from './support/per-test.js';
import type { ResilienceSystem } from './support/system.js';
import { scoreEveryScenario } from './support/tally.js';

/**
 * A Lambda invocation can end anywhere: the worker's timeout between two writes, the fan-out's
 * half-way through enqueuing. SQS makes an unacknowledged message visible again after the
 * visibility timeout, and Lambda retries a failed asynchronous invocation; these scenarios check
 * that what comes back finishes the job, once, and revokes nothing it should not.
 */

const startConverged = convergedSystemPerTest();

const heldBy = (s: ResilienceSystem, principalId: string) =>
  labels(s.snapshot().assignments.filter((a) => a.principalId === principalId));

/** A promise and the function that resolves it. */
const signal = (): { promise: Promise<void>; fire: () => void } => {
  let fire: () => void = () => {};
  const promise = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { promise, fire };
};

scoreEveryScenario();

describe('resilience: invocations that end half-way', () => {
  it('finishes an offboarding, and announces it once, when the worker times out between two deletes', async () => {
    // Prepare: Alice is disabled; her four direct assignments are to go.
    const s = await startConverged();
    s.emulator.world.updateUser(ALICE, { active: false });
    await s.intake(disableUser('disable-1', ALICE));
    const stopped = signal();
    let deletesSent = 0;
    const doomed = s.startWorker({
      afterWrite: (write, worker) => {
        if (write.operation !== 'delete') return;
        deletesSent += 1;
        if (deletesSent === 2) {
          worker.freeze();
          stopped.fire();
        }
      },
    });
    const records = s.queue.receive();
    void doomed.handle(records);
    await stopped.promise;
    const leftBehind = heldBy(s, ALICE).length;

    // Act: the invocation times out; after the visibility timeout a new environment takes the message.
    s.queue.release(records);
    const redelivery = await s.deliver(s.startWorker());
    await s.emulator.settle();

    // Assess
    expect(leftBehind).toBeGreaterThan(0);
    expect(redelivery.records.map((r) => r.messageId)).toEqual(records.map((r) => r.messageId));
    expect(redelivery.failedIds.size).toBe(0);
    expect(heldBy(s, ALICE)).toEqual([]);
    expect(s.publisher.ofType('Offboarding Completed')).toHaveLength(1);
    expect(s.queue.size + s.queue.deadLetters.length).toBe(0);
  });

  it('converges without a duplicate when a slow invocation is still running as its message is redelivered', async () => {
    // Prepare: ten emulated seconds per write, so that the first invocation is still busy.
    const s = await startConverged({ emulator: { assignmentLatencyMs: 10_000 } });
    const newAccount = '444400000001';
    s.emulator.world.createAccount({ id: newAccount, name: 'vended', email: 'v@example.com', parentId: PROD_OU });
    await s.intake(moveAccount('move-1', newAccount, ROOT, PROD_OU));
    const firstWrite = signal();
    const slow = s.startWorker({ afterWrite: () => firstWrite.fire() });
    const records: SQSRecord[] = s.queue.receive();
    const first = slow.handle(records);
    await firstWrite.promise;

    // Act: the visibility timeout runs out while the first invocation works on; a second one
    // takes the same message, and both finish.
    s.queue.release(records);
    const second = s.deliver(s.startWorker());
    const [firstResponse, secondDelivery] = await Promise.all([first, second]);
    s.queue.complete(records, new Set(firstResponse.batchItemFailures.map((f) => f.itemIdentifier)));
    await s.drain();
    await s.emulator.settle();

    // Assess
    expect(secondDelivery.records.map((r) => r.messageId)).toEqual(records.map((r) => r.messageId));
    expect(duplicateKeys(s.snapshot())).toEqual([]);
    expect(assignmentLabels(s.snapshot(), newAccount)).toHaveLength(3);
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
  });

  it('enqueues every account exactly once when the planner of the run times out half-way through enqueuing and its item is retried', async () => {
    // Prepare: twenty-five more accounts in Prod, so that the planned run enqueues three batches.
    const s = await startConverged();
    const vended = Array.from({ length: 25 }, (_, i) => `4444000001${String(i).padStart(2, '0')}`);
    for (const id of vended) {
      s.emulator.world.createAccount({ id, name: `vended-${id}`, email: `${id}@example.com`, parentId: PROD_OU });
    }
    await s.fanout(scheduledSweep('sweep-1'));
    s.queue.cutOffAfter(1);

    // Act: the part that completes the read plans the run and is cut off after its first batch
    // (the directory is read last, so that the grants go in the run's items)
    const reads = await s.readRunParts(s.worker, { directoryLast: true });
    const queued = s.queue.groupIds();
    const deliveries = await s.drain();

    // Assess: the retry sent everything again; SQS dropped the first batch as duplicates.
    expect(reads.flatMap((d) => [...d.failedIds])).toHaveLength(1);
    expect(s.queue.deduplicated).toBe(10);
    expect(new Set(queued).size).toBe(queued.length);
    expect(s.queue.groupIds()).toEqual([]);
    expect(deliveries.filter((d) => d.failedIds.size > 0)).toEqual([]);
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
    expect(duplicateKeys(s.snapshot())).toEqual([]);
    for (const id of vended) expect(assignmentLabels(s.snapshot(), id).length).toBeGreaterThan(0);
  });
});

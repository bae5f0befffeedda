import { afterEach, describe, expect, it } from 'vitest';
import { WORKER_READ_ATTEMPTS } from '../../functions/worker/compose.js';
import { realSleep } from '../../shared/adapters/backoff.js';
import { assignmentKey } from '../../shared/domain/model.js';
import { assignmentLabels, CONVERGED, duplicateKeys, hasAssignment, remainingDrift } from './support/convergence.js';
import { moveAccount } from './support/events.js';
import { PROD_OU, ROOT, SANDBOX_OU } from './support/fixture.js';
import { type ResilienceSystem, type SystemOptions, startSystem } from './support/system.js';
import { scoreEveryScenario } from './support/tally.js';

let system: ResilienceSystem | undefined;
afterEach(async () => {
  await system?.close();
  system = undefined;
});

/** An account vended into the root, then moved (the world API stands in for Organizations). */
const NEW_ACCOUNT = '444400000001';

const startWithNewAccount = async (
  placements: readonly string[],
  options: SystemOptions = {},
): Promise<ResilienceSystem> => {
  system = await startSystem({ converged: true, ...options });
  system.emulator.world.createAccount({ id: NEW_ACCOUNT, name: 'vended', email: 'vended@example.com' });
  for (const parentId of placements) system.emulator.world.moveAccount(NEW_ACCOUNT, parentId);
  return system;
};

const creates = (s: ResilienceSystem) => s.writes.filter((w) => w.operation === 'create');
const deletes = (s: ResilienceSystem) => s.writes.filter((w) => w.operation === 'delete');

scoreEveryScenario();

describe('resilience: delivery semantics', () => {
  it('converges without a duplicate or an error when the worker stops between a create and its status poll and the item comes back before the create lands', async () => {
    // Prepare: ten emulated seconds of latency, so that the create is still in flight at redelivery.
    const s = await startWithNewAccount([PROD_OU], { emulator: { assignmentLatencyMs: 10_000 } });
    await s.intake(moveAccount('move-1', NEW_ACCOUNT, ROOT, PROD_OU));
    let stopped: () => void = () => {};
    const stop = new Promise<void>((resolve) => {
      stopped = resolve;
    });
    const doomed = s.startWorker({
      afterWrite: (write, worker) => {
        worker.freeze();
        if (write.operation === 'create') stopped();
      },
    });
    const records = s.queue.receive();
    let settled = false;
    void doomed.handle(records).finally(() => {
      settled = true;
    });
    await stop;
    const interrupted = s.writes[0];
    const landedBeforeRedelivery = interrupted !== undefined && hasAssignment(s.snapshot(), interrupted.assignment);

    // Act: the invocation times out, SQS makes the message visible again, a new environment takes it.
    s.queue.release(records);
    const redelivery = await s.deliver(s.startWorker());
    await s.emulator.settle();

    // Assess
    expect(settled).toBe(false);
    expect(landedBeforeRedelivery).toBe(false);
    expect(redelivery.records.map((r) => r.messageId)).toEqual(records.map((r) => r.messageId));
    expect(redelivery.failedIds.size).toBe(0);
    expect(duplicateKeys(s.snapshot())).toEqual([]);
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
    const announced = s.publisher.ofType('Assignment Created').map((e) => String(e.detail.principalId));
    expect(new Set(announced).size).toBe(announced.length);
  });

  it('sends no second create when the worker stops between a create and its status poll and the create lands before the redelivery', async () => {
    // Prepare
    const s = await startWithNewAccount([PROD_OU]);
    await s.intake(moveAccount('move-1', NEW_ACCOUNT, ROOT, PROD_OU));
    const doomed = s.startWorker({ afterWrite: (_write, worker) => worker.freeze() });
    const records = s.queue.receive();
    void doomed.handle(records);
    while (s.writes.length === 0) await realSleep(1);
    const interrupted = s.writes[0];
    await s.emulator.settle();

    // Act
    s.queue.release(records);
    const redelivery = await s.deliver(s.startWorker());

    // Assess
    expect(redelivery.failedIds.size).toBe(0);
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
    const interruptedKey = interrupted === undefined ? '' : assignmentKey(interrupted.assignment);
    expect(creates(s).filter((w) => assignmentKey(w.assignment) === interruptedKey)).toHaveLength(1);
    expect(creates(s)).toHaveLength(3);
  });

  it('enqueues one message when EventBridge delivers the same event twice', async () => {
    // Prepare
    const s = await startWithNewAccount([PROD_OU]);
    const event = moveAccount('move-1', NEW_ACCOUNT, ROOT, PROD_OU);

    // Act
    await s.intake(event);
    await s.intake(event);
    await s.drain();

    // Assess
    expect(s.queue.deduplicated).toBe(1);
    expect(creates(s)).toHaveLength(3);
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
  });

  it('changes nothing more when distinct events name the same account again and again', async () => {
    // Prepare
    const s = await startWithNewAccount([PROD_OU]);

    // Act: the same move reported five times (CloudTrail, a replay, another Region's copy, …).
    for (let i = 1; i <= 5; i++) await s.intake(moveAccount(`move-${i}`, NEW_ACCOUNT, ROOT, PROD_OU));
    const deliveries = await s.drain();

    // Assess
    expect(deliveries.flatMap((d) => d.records)).toHaveLength(5);
    expect(deliveries.every((d) => d.failedIds.size === 0)).toBe(true);
    expect(creates(s)).toHaveLength(3);
    expect(deletes(s)).toEqual([]);
    expect(s.publisher.ofType('Assignment Created')).toHaveLength(3);
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
  });

  it('ends in the state of the newest move when a stale MoveAccount is delivered after the newer one', async () => {
    // Prepare: the account went to /Sandbox, then on to /Workloads/Prod.
    const s = await startWithNewAccount([SANDBOX_OU, PROD_OU]);
    const toSandbox = moveAccount('move-older', NEW_ACCOUNT, ROOT, SANDBOX_OU);
    const toProd = moveAccount('move-newer', NEW_ACCOUNT, SANDBOX_OU, PROD_OU);

    // Act: the newer event first, then the stale one, in separate batches.
    await s.intake(toProd);
    await s.drain();
    await s.intake(toSandbox);
    const late = await s.drain();

    // Assess
    expect(late.every((d) => d.failedIds.size === 0)).toBe(true);
    expect(assignmentLabels(s.snapshot(), NEW_ACCOUNT)).toEqual([
      `${NEW_ACCOUNT} AdministratorAccess Platform Admins`,
      `${NEW_ACCOUNT} ReadOnlyAccess Developers`,
      `${NEW_ACCOUNT} ReadOnlyAccess alice`,
    ]);
    expect(deletes(s)).toEqual([]);
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
  });

  it('ends in the same state when the two moves are delivered in reverse order in one batch', async () => {
    // Prepare
    const s = await startWithNewAccount([SANDBOX_OU, PROD_OU]);

    // Act
    await s.intake(moveAccount('move-newer', NEW_ACCOUNT, SANDBOX_OU, PROD_OU));
    await s.intake(moveAccount('move-older', NEW_ACCOUNT, ROOT, SANDBOX_OU));
    await s.drain();

    // Assess
    expect(creates(s)).toHaveLength(3);
    expect(deletes(s)).toEqual([]);
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
  });

  it('runs two items of one account one after the other within a batch, so the second one finds nothing to do', async () => {
    // Prepare
    const s = await startWithNewAccount([PROD_OU]);
    await s.intake(moveAccount('move-1', NEW_ACCOUNT, ROOT, PROD_OU));
    await s.intake(moveAccount('move-2', NEW_ACCOUNT, ROOT, PROD_OU));

    // Act
    const delivery = await s.deliver();

    // Assess: run side by side, both would have planned (and sent) the same three creates.
    expect(delivery.records).toHaveLength(2);
    expect(delivery.failedIds.size).toBe(0);
    expect(creates(s)).toHaveLength(3);
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
  });

  it('fails the later item of an account with the earlier one and retries both in order, while other accounts go on', async () => {
    // Prepare: the first reconcile of the batch fails its first read on every attempt the worker's
    // read clients make.
    const s = await startWithNewAccount([PROD_OU]);
    s.emulator.world.createAccount({ id: '444400000002', name: 'other', email: 'other@example.com' });
    s.emulator.world.moveAccount('444400000002', PROD_OU);
    await s.intake(moveAccount('move-1', NEW_ACCOUNT, ROOT, PROD_OU));
    await s.intake(moveAccount('move-2', NEW_ACCOUNT, ROOT, PROD_OU));
    await s.intake(moveAccount('move-3', '444400000002', ROOT, PROD_OU));
    s.emulator.setFaults({
      scripted: [
        {
          operation: 'ListPermissionSetsProvisionedToAccount',
          error: 'InternalServerException',
          count: WORKER_READ_ATTEMPTS,
        },
      ],
    });

    // Act
    const first = await s.deliver();
    const retried = await s.drain();

    // Assess
    const failedGroups = first.records.filter((r) => first.failedIds.has(r.messageId)).map((r) => r.body);
    expect(failedGroups.map((body) => JSON.parse(body).origin.eventId)).toEqual(['move-1', 'move-2']);
    expect(assignmentLabels(s.snapshot(), '444400000002')).toHaveLength(3);
    expect(retried.flatMap((d) => d.records.map((r) => JSON.parse(r.body).origin.eventId))).toEqual([
      'move-1',
      'move-2',
    ]);
    expect(creates(s)).toHaveLength(6);
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
  });

  it('converges through conflicts when two environments reconcile the same account at the same time', async () => {
    // Prepare: FIFO groups prevent this in AWS; the adapter must still cope if it happens. Ten
    // emulated seconds of latency keep the first environment's writes in flight while the second
    // plans; at ×50 that is 200 ms of wall time, which a loaded machine still cannot outrun.
    const s = await startWithNewAccount([PROD_OU], { timeScale: 50, emulator: { assignmentLatencyMs: 10_000 } });
    await s.intake(moveAccount('move-1', NEW_ACCOUNT, ROOT, PROD_OU));
    await s.intake(moveAccount('move-2', NEW_ACCOUNT, ROOT, PROD_OU));
    const [first, second] = s.queue.receive(2);

    // Act: each environment handles its record. The jittered backoff usually outlasts the other
    // environment's writes; when it does not, the record fails as a batch failure and SQS
    // redelivers it (drain below), never an error that escapes.
    await Promise.all(
      [first, second].map(async (record) => {
        const records = record === undefined ? [] : [record];
        try {
          const response = await s.startWorker().handle(records);
          s.queue.complete(records, new Set(response.batchItemFailures.map((f) => f.itemIdentifier)));
        } catch (thrown) {
          // Powertools throws when every record of the batch failed: the whole batch is retried.
          expect(thrown).toBeInstanceOf(Error);
          s.queue.complete(records, new Set(records.map((r) => r.messageId)));
        }
      }),
    );
    await s.drain();

    // Assess
    expect(s.emulator.stats().conflicts).toBeGreaterThan(0);
    expect(s.queue.deadLetters).toEqual([]);
    expect(duplicateKeys(s.snapshot())).toEqual([]);
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
  });
});

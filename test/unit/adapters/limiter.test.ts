import { describe, expect, it } from 'vitest';
import { KeyedMutex, Semaphore, sharedAssignmentLimiter } from '../../../shared/adapters/limiter.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs `count` jobs through `run`, each taking a few event-loop turns, and reports the peak overlap. */
const peakConcurrency = async (count: number, run: (job: () => Promise<void>, index: number) => Promise<void>) => {
  let active = 0;
  let peak = 0;
  await Promise.all(
    Array.from({ length: count }, (_, index) =>
      run(async () => {
        active++;
        peak = Math.max(peak, active);
        await tick();
        await tick();
        active--;
      }, index),
    ),
  );
  return peak;
};

describe('Semaphore', () => {
  it('lets at most its capacity run at once, and uses all of it', async () => {
    // Prepare
    const semaphore = new Semaphore(3);

    // Act
    const peak = await peakConcurrency(10, (job) => semaphore.run(job));

    // Assess
    expect(peak).toBe(3);
  });

  it('hands slots out in arrival order', async () => {
    // Prepare
    const semaphore = new Semaphore(1);
    const order: number[] = [];

    // Act
    await Promise.all(
      [0, 1, 2, 3].map((n) =>
        semaphore.run(async () => {
          order.push(n);
          await tick();
        }),
      ),
    );

    // Assess
    expect(order).toEqual([0, 1, 2, 3]);
  });

  it('releases the slot when the work throws', async () => {
    // Prepare
    const semaphore = new Semaphore(1);

    // Act
    await expect(semaphore.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const after = await semaphore.run(async () => 'ran');

    // Assess
    expect(after).toBe('ran');
  });

  it('refuses a capacity below one', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});

describe('KeyedMutex', () => {
  it('runs work on one key one at a time', async () => {
    // Prepare
    const mutex = new KeyedMutex();

    // Act
    const peak = await peakConcurrency(5, (job) => mutex.run('111122223333', job));

    // Assess
    expect(peak).toBe(1);
  });

  it('runs work on different keys in parallel', async () => {
    // Prepare
    const mutex = new KeyedMutex();

    // Act
    const peak = await peakConcurrency(4, (job, index) => mutex.run(`account-${index}`, job));

    // Assess
    expect(peak).toBe(4);
  });
});

describe('sharedAssignmentLimiter', () => {
  it('returns one limiter per instance', () => {
    // Act
    const a = sharedAssignmentLimiter('arn:aws:sso:::instance/ssoins-limiter-test-a', 10);
    const again = sharedAssignmentLimiter('arn:aws:sso:::instance/ssoins-limiter-test-a', 10);
    const other = sharedAssignmentLimiter('arn:aws:sso:::instance/ssoins-limiter-test-b', 10);

    // Assess
    expect(again).toBe(a);
    expect(other).not.toBe(a);
  });
});

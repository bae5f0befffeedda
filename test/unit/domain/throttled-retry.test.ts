import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  THROTTLED_RETRY_MAX_SECONDS,
  throttledRetrySeconds,
} from '../../../shared/domain/reconcile/throttled-retry.js';

describe('throttledRetrySeconds', () => {
  it.each([
    [1, 0, 3],
    [1, 0.999, 5],
    [2, 0, 5],
    [3, 0.999, 20],
    [4, 0.999, 40],
    [5, 0.999, 60],
    [50, 0, 30],
  ])('on receive %i with a draw of %s waits %i seconds', (receiveCount, draw, seconds) => {
    expect(throttledRetrySeconds(receiveCount, () => draw)).toBe(seconds);
  });

  it('always waits between one second and a minute', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 10_000 }), fc.double({ min: 0, max: 0.9999, noNaN: true }), (n, r) => {
        const seconds = throttledRetrySeconds(n, () => r);
        expect(seconds).toBeGreaterThanOrEqual(1);
        expect(seconds).toBeLessThanOrEqual(THROTTLED_RETRY_MAX_SECONDS);
      }),
    );
  });
});

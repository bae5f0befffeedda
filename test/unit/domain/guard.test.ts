import { describe, expect, it } from 'vitest';
import { checkRevocationGuard, type RevocationGuardLimits } from '../../../shared/domain/guard.js';

describe('checkRevocationGuard', () => {
  it.each<[number, number, RevocationGuardLimits, boolean]>([
    [0, 0, { maxPerRun: 0 }, false],
    [1, 10, { maxPerRun: 0 }, true],
    [25, 1000, { maxPerRun: 25 }, false],
    [26, 1000, { maxPerRun: 25 }, true],
    [10, 100, { maxPerRun: 100, maxFraction: 0.1 }, false],
    [11, 100, { maxPerRun: 100, maxFraction: 0.1 }, true],
    [7, 10, { maxPerRun: 100, maxFraction: 0.7 }, false],
    [3, 10, { maxPerRun: 100, maxFraction: 0.3 }, false],
    [1, 1, { maxPerRun: 100, maxFraction: 1 }, false],
    [1, 3, { maxPerRun: 100, maxFraction: 0.3 }, true],
  ])('with %i of %i under %j trips: %s', (count, total, limits, trips) => {
    const block = checkRevocationGuard({ count, total, limits, what: 'assignment deletions' });

    expect(block !== undefined).toBe(trips);
    if (block !== undefined) expect(block.wouldDelete).toBe(count);
  });

  it('names every limit that is exceeded', () => {
    const block = checkRevocationGuard({
      count: 30,
      total: 100,
      limits: { maxPerRun: 25, maxFraction: 0.1 },
      what: 'membership removals',
    });

    expect(block).toEqual({
      reason:
        'revocation guard: 30 membership removals exceed maxPerRun 25 and exceed maxFraction 0.1 of the 100 managed in scope',
      wouldDelete: 30,
    });
  });
});

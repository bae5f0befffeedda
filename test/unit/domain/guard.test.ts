import { describe, expect, it } from 'vitest';
import { checkRevocationGuard, type RevocationGuardLimits } from '../../../shared/domain/guard.js';
import type { PlannedMembershipRemove } from '../../../shared/domain/plan-types.js';

const removals = (count: number): PlannedMembershipRemove[] =>
  Array.from({ length: count }, (_, i) => ({ groupId: 'g-1', userId: `u-${i}`, reason: 'user no longer matches' }));

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
    const block = checkRevocationGuard({ changes: removals(count), total, limits, what: 'assignment deletions' });

    expect(block !== undefined).toBe(trips);
    if (block !== undefined) expect(block.wouldDelete).toBe(count);
  });

  it('lists every held change in the block', () => {
    const changes = removals(3);

    const block = checkRevocationGuard({ changes, total: 10, limits: { maxPerRun: 2 }, what: 'membership removals' });

    expect(block?.changes).toEqual(changes);
  });

  it('applies only maxPerRun when the organization total is unknown', () => {
    const block = checkRevocationGuard({
      changes: removals(1),
      total: undefined,
      limits: { maxPerRun: 25, maxFraction: 0.1 },
      what: 'membership removals',
    });

    expect(block).toBeUndefined();
  });

  it('names every limit that is exceeded', () => {
    const changes = removals(30);
    const block = checkRevocationGuard({
      changes,
      total: 100,
      limits: { maxPerRun: 25, maxFraction: 0.1 },
      what: 'membership removals',
    });

    expect(block).toEqual({
      reason:
        "revocation guard: 30 membership removals exceed maxPerRun 25 and exceed maxFraction 0.1 of the organization's 100 managed",
      wouldDelete: 30,
      changes,
    });
  });
});

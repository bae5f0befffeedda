import type { PlanBlock } from '../../shared/domain/plan-types.js';

/** A block without its held changes, for tests about reasons and counts only. */
export const withoutChanges = ({ changes: _changes, ...rest }: PlanBlock): Omit<PlanBlock, 'changes'> => rest;

import { afterEach } from 'vitest';
import { type ResilienceSystem, type SystemOptions, startSystem } from './system.js';

/**
 * The `startConverged` of a test file: each call starts a system already converged on the
 * fixture's rules, and the file's `afterEach` closes the one its test started.
 *
 * @example
 * const startConverged = convergedSystemPerTest();
 * const s = await startConverged({ faults: { rate: 0.1 } });
 */
export const convergedSystemPerTest = (): ((options?: SystemOptions) => Promise<ResilienceSystem>) => {
  let system: ResilienceSystem | undefined;
  afterEach(async () => {
    await system?.close();
    system = undefined;
  });
  return async (options = {}) => {
    system = await startSystem({ converged: true, ...options });
    return system;
  };
};

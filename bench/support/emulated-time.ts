import { performance } from 'node:perf_hooks';
import type { ClockPort } from '../../shared/domain/ports.js';

/**
 * Emulated time for benchmarks. The emulator runs `timeScale` times faster than the wall clock, so
 * every pause our code takes (status polls, backoff, the SDK's own retry delays) must shrink by the
 * same factor, or a one-second poll would cost `timeScale` emulated seconds and the run would
 * measure the benchmark rather than the code.
 */
export interface EmulatedTime {
  readonly timeScale: number;
  /** Emulated epoch milliseconds (wall clock × timeScale since start). */
  readonly clock: ClockPort;
  /** Waits `ms` emulated milliseconds. */
  sleep(ms: number): Promise<void>;
  /** Emulated milliseconds since `start` (a value of {@link EmulatedTime.clock}). */
  since(start: number): number;
}

export const emulatedTime = (timeScale: number): EmulatedTime => {
  if (!(timeScale > 0)) throw new RangeError(`timeScale must be positive, got ${timeScale}`);
  const startWall = performance.now();
  const startEpoch = Date.now();
  const now = (): number => startEpoch + (performance.now() - startWall) * timeScale;
  return {
    timeScale,
    clock: { now },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms / timeScale))),
    since: (start) => now() - start,
  };
};

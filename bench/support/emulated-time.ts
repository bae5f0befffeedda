import { performance } from 'node:perf_hooks';
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@aws-sdk/types';
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

/** The SDK's standard retry mode: 3 attempts, 100 ms (500 ms when throttled) doubling, full jitter, 20 s cap. */
const STANDARD = { maxAttempts: 3, baseMs: 100, throttlingBaseMs: 500, capMs: 20_000 } as const;

const RETRYABLE_TYPES: ReadonlySet<RetryErrorInfo['errorType']> = new Set(['THROTTLING', 'TRANSIENT', 'SERVER_ERROR']);

/**
 * The SDK v3 standard retry strategy's schedule, with its pauses taken in emulated time. Production
 * clients keep the SDK's own strategy; this one only rescales the waits so that a throttled read
 * costs the same emulated time here as it would in AWS.
 */
export const emulatedStandardRetry = (
  time: EmulatedTime,
  maxAttempts: number = STANDARD.maxAttempts,
): RetryStrategyV2 => {
  const token = (retryCount: number, delayMs: number): RetryToken => ({
    getRetryCount: () => retryCount,
    // The SDK middleware waits this long in wall time: scale it down to the emulated pause.
    getRetryDelay: () => delayMs / time.timeScale,
  });
  return {
    acquireInitialRetryToken: async () => token(0, 0),
    refreshRetryTokenForRetry: async (previous, errorInfo) => {
      const attempt = previous.getRetryCount() + 1;
      if (attempt >= maxAttempts || !RETRYABLE_TYPES.has(errorInfo.errorType)) {
        throw new Error('no retry left');
      }
      const base = errorInfo.errorType === 'THROTTLING' ? STANDARD.throttlingBaseMs : STANDARD.baseMs;
      const ceiling = Math.min(STANDARD.capMs, base * 2 ** previous.getRetryCount());
      return token(attempt, Math.floor(Math.random() * ceiling));
    },
    recordSuccess: () => {},
  };
};

import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@aws-sdk/types';
import type { Sleep } from './backoff.js';

/** The SDK's standard retry mode: 100 ms (500 ms when throttled) doubling, full jitter, 20 s cap. */
const STANDARD = { baseMs: 100, throttlingBaseMs: 500, capMs: 20_000 } as const;

const RETRYABLE_TYPES: ReadonlySet<RetryErrorInfo['errorType']> = new Set(['THROTTLING', 'TRANSIENT', 'SERVER_ERROR']);

const token = (retryCount: number): RetryToken => ({
  getRetryCount: () => retryCount,
  // The pause was already taken through `sleep`: the SDK's own wait (a wall-clock timer) is nil.
  getRetryDelay: () => 0,
});

/**
 * The SDK v3 standard retry schedule with its pauses taken through `sleep`. The SDK waits in wall
 * time with a timer of its own; a composition whose time is scaled (the emulator, the benchmarks)
 * hands its `sleep` here so that a throttled read costs the same emulated time as it does in AWS.
 * Deployed functions pass no `sleep` and keep the SDK's own strategy.
 *
 * @example
 * new SSMClient({ retryStrategy: sleepingStandardRetry(emulatedSleep, 8) });
 */
export const sleepingStandardRetry = (
  sleep: Sleep,
  maxAttempts: number,
  random: () => number = Math.random,
): RetryStrategyV2 => ({
  acquireInitialRetryToken: async () => token(0),
  refreshRetryTokenForRetry: async (previous, errorInfo) => {
    const attempt = previous.getRetryCount() + 1;
    if (attempt >= maxAttempts || !RETRYABLE_TYPES.has(errorInfo.errorType)) throw new Error('no retry left');
    const base = errorInfo.errorType === 'THROTTLING' ? STANDARD.throttlingBaseMs : STANDARD.baseMs;
    const ceiling = Math.min(STANDARD.capMs, base * 2 ** previous.getRetryCount());
    await sleep(Math.floor(random() * ceiling));
    return token(attempt);
  },
  recordSuccess: () => {},
});

import { isRetryableAwsError } from './aws-errors.js';

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface BackoffOptions {
  /** Total attempts, the first included. */
  readonly maxAttempts: number;
  /** Upper bound of the first pause; it doubles per attempt up to `capMs`. */
  readonly baseMs: number;
  readonly capMs: number;
  readonly sleep: Sleep;
  /** A number in [0, 1), as `Math.random` returns. */
  readonly random: () => number;
}

/** A retryable call still failed after every allowed attempt; `cause` is the last error. */
export class RetriesExhaustedError extends Error {
  constructor(
    readonly operation: string,
    readonly attempts: number,
    options?: ErrorOptions,
  ) {
    super(`${operation} still failing after ${attempts} attempts`, options);
    this.name = 'RetriesExhaustedError';
  }
}

/**
 * Runs `call`, retrying errors that {@link isRetryableAwsError} accepts with exponential backoff and
 * full jitter: before attempt n+1 it sleeps a uniform random time in [0, min(cap, base·2ⁿ⁻¹)).
 * Full jitter spreads callers that collided on the same quota instead of having them collide
 * again in lockstep. Any other error propagates at once, unchanged.
 *
 * @example
 * await withBackoff('CreateAccountAssignment', () => client.send(command), { maxAttempts: 8, baseMs: 200, capMs: 20_000, sleep, random: Math.random });
 */
export const withBackoff = async <T>(
  operation: string,
  call: () => Promise<T>,
  options: BackoffOptions,
): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isRetryableAwsError(error)) throw error;
      if (attempt >= options.maxAttempts) {
        throw new RetriesExhaustedError(operation, attempt, { cause: error });
      }
      const ceiling = Math.min(options.capMs, options.baseMs * 2 ** (attempt - 1));
      await options.sleep(Math.floor(options.random() * ceiling));
    }
  }
};

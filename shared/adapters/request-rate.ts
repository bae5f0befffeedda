import type { ClockPort } from '../domain/ports.js';
import type { Sleep } from './backoff.js';

/**
 * This environment's part of the deployment's Identity Center request share (docs/design.md §8).
 * Identity Center allows 20 requests a second across all its APIs for the whole organization
 * (docs/aws-facts.md §3.1); the deployment takes a configured share of it, and every environment
 * that calls Identity Center gets `share ÷ environments` through this limiter, with the number of
 * environments fixed by the functions' concurrency. So the environments together stay under the
 * share without talking to each other.
 */
export interface RequestRate {
  /** Resolves when one more request may be sent. Waiters are served in call order. */
  take(): Promise<void>;
}

export interface RequestRateOptions {
  /** Requests per second, sustained. */
  readonly perSecond: number;
  /** Requests that may go at once after a quiet spell; at least 1. */
  readonly burst: number;
  readonly clock: ClockPort;
  readonly sleep: Sleep;
}

/**
 * A token bucket that hands out reservations: a request that finds no token reserves the next one
 * and sleeps until it is due, so callers are served in order and nobody polls.
 *
 * @example
 * const rate = createRequestRate({ perSecond: 1, burst: 1, clock: systemClock, sleep: realSleep });
 * await rate.take(); // then send
 */
export const createRequestRate = (options: RequestRateOptions): RequestRate => {
  const { perSecond, burst, clock, sleep } = options;
  if (!(perSecond > 0) || !Number.isFinite(perSecond)) {
    throw new RangeError(`perSecond must be a positive number, got ${perSecond}`);
  }
  if (!(burst >= 1)) throw new RangeError(`burst must be at least 1, got ${burst}`);
  let tokens = burst;
  let refilledAt = clock.now();
  return {
    take: () => {
      const now = clock.now();
      tokens = Math.min(burst, tokens + ((now - refilledAt) / 1000) * perSecond);
      refilledAt = now;
      tokens -= 1;
      // A negative balance is the queue of reservations ahead of this one.
      return tokens >= 0 ? Promise.resolve() : sleep((-tokens * 1000) / perSecond);
    },
  };
};

interface MiddlewareStack {
  add(middleware: unknown, options: Record<string, unknown>): void;
}

/** The smallest shape of an SDK client whose commands carry their own middleware stack. */
type Sender = { send: (...args: never[]) => unknown };

/**
 * The client, with every attempt of every command first taking a token from `rate`. The token is
 * taken in the command's own middleware, placed after the SDK's retry middleware, so that the
 * SDK's retries wait their turn too; the client itself is left as it is, since the same client may
 * serve several environments in a local run.
 *
 * @example
 * const ssoAdmin = withRequestRate(createSsoAdminClient(options), rate);
 */
export const withRequestRate = <C extends Sender>(client: C, rate: RequestRate): Pick<C, 'send'> => {
  const takeToken =
    (next: (args: unknown) => Promise<unknown>) =>
    async (args: unknown): Promise<unknown> => {
      await rate.take();
      return next(args);
    };
  const send = (command: { middlewareStack?: MiddlewareStack }, ...rest: unknown[]) => {
    // finalizeRequest/low runs inside the retry middleware (finalizeRequest/high): once per attempt.
    command.middlewareStack?.add(takeToken, {
      step: 'finalizeRequest',
      priority: 'low',
      name: 'identityCenterRequestShare',
      override: true,
    });
    return (client.send as (...args: unknown[]) => unknown).call(client, command, ...rest);
  };
  return { send } as unknown as Pick<C, 'send'>;
};

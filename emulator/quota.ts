import type { EmulatedClock } from './clock.js';
import { AwsServiceError } from './errors.js';

/**
 * The Identity Center quota model (docs/design.md §8, docs/aws-facts.md §3.1): one request budget of `tps` per
 * emulated second shared by sso-admin and identitystore, at most `outstandingCreates`
 * `CreateAccountAssignment` requests in progress, and one assignment change per account at a time.
 */

export interface QuotaSettings {
  /** `false` when throttling is off (`quotas: false`). */
  readonly throttling: boolean;
  readonly tps: number;
  readonly outstandingCreates: number;
}

export const DEFAULT_TPS = 20;
export const DEFAULT_OUTSTANDING_CREATES = 10;

export const quotaSettings = (quotas: false | { tps?: number; outstandingCreates?: number } | undefined) => {
  if (quotas === false) {
    return { throttling: false, tps: Number.POSITIVE_INFINITY, outstandingCreates: Number.POSITIVE_INFINITY };
  }
  const tps = quotas?.tps ?? DEFAULT_TPS;
  const outstandingCreates = quotas?.outstandingCreates ?? DEFAULT_OUTSTANDING_CREATES;
  if (!(tps > 0)) throw new RangeError(`quotas.tps must be positive, got ${tps}`);
  if (!(outstandingCreates >= 1)) {
    throw new RangeError(`quotas.outstandingCreates must be at least 1, got ${outstandingCreates}`);
  }
  return { throttling: true, tps, outstandingCreates } satisfies QuotaSettings;
};

/**
 * A token bucket holding at most `tps` tokens (one emulated second of burst) that refills
 * continuously in emulated time. A refused request takes no token, so retries that back off are
 * served as soon as the budget allows.
 */
export interface RequestBudget {
  take(): boolean;
}

export const createRequestBudget = (clock: EmulatedClock, tps: number): RequestBudget => {
  if (!Number.isFinite(tps)) return { take: () => true };
  let tokens = tps;
  let refilledAt = clock.now();
  return {
    take: () => {
      const now = clock.now();
      tokens = Math.min(tps, tokens + ((now - refilledAt) / 1000) * tps);
      refilledAt = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
};

export const throttled = (message: string, retryAfterSeconds?: number): AwsServiceError =>
  new AwsServiceError('ThrottlingException', message, {
    origin: 'throttle',
    fields: retryAfterSeconds === undefined ? {} : { RetryAfterSeconds: retryAfterSeconds },
  });

export const rateExceeded = (): AwsServiceError => throttled('Rate exceeded', 1);

export const tooManyOutstandingCreates = (limit: number): AwsServiceError =>
  throttled(`Too many outstanding CreateAccountAssignment requests (limit ${limit}); retry after one completes`);

export const accountBusy = (accountId: string): AwsServiceError =>
  new AwsServiceError(
    'ConflictException',
    `An account assignment operation is already in progress for account ${accountId}; ` +
      'only one permission-set role can be updated per account at a time. Retry with backoff.',
    { origin: 'conflict' },
  );

/**
 * Classification of AWS SDK errors by their service error code (the SDK sets `name` to it) and
 * HTTP status, so that adapters do not depend on one client's exception classes.
 */

interface AwsErrorShape {
  readonly name?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

export const awsErrorName = (error: unknown): string | undefined => {
  if (typeof error !== 'object' || error === null) return undefined;
  const name = (error as AwsErrorShape).name;
  return typeof name === 'string' ? name : undefined;
};

export const isAwsError = (error: unknown, ...names: readonly string[]): boolean => {
  const name = awsErrorName(error);
  return name !== undefined && names.includes(name);
};

const httpStatus = (error: unknown): number | undefined =>
  typeof error === 'object' && error !== null ? (error as AwsErrorShape).$metadata?.httpStatusCode : undefined;

/**
 * Errors worth another attempt after a pause: conflicts with a concurrent write (Identity Center
 * documents ConflictException as retryable with backoff), throttles under either service's name,
 * and server-side failures.
 */
const RETRYABLE = new Set([
  'ConflictException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'InternalServerException',
  'InternalFailure',
  'ServiceException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);

export const isRetryableAwsError = (error: unknown): boolean => {
  const name = awsErrorName(error);
  if (name !== undefined && RETRYABLE.has(name)) return true;
  const status = httpStatus(error);
  return status !== undefined && (status === 429 || status >= 500);
};

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
]);

/** Node's codes for a connection that dropped or never answered: the request may be sent again. */
const DROPPED_CONNECTION = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'EAI_AGAIN']);

const isThrottle = (error: object): boolean => {
  const name = awsErrorName(error);
  return (name !== undefined && THROTTLING.has(name)) || httpStatus(error) === 429;
};

/** A dropped connection ("socket hang up" is ECONNRESET) or the SDK's own request timeout. */
const isDroppedConnection = (error: object): boolean => {
  const code = (error as { code?: unknown }).code;
  return (typeof code === 'string' && DROPPED_CONNECTION.has(code)) || awsErrorName(error) === 'TimeoutError';
};

/**
 * Whether `test` holds for an error or its `cause` chain. An AggregateError (a reconcile that
 * failed on several operations) counts only when every error it gathers does, so that a real
 * failure keeps the queue's full pause between its attempts.
 */
const causedBy =
  (test: (error: object) => boolean) =>
  (error: unknown): boolean => {
    const check = (current: unknown, depth: number): boolean => {
      if (depth > 10 || typeof current !== 'object' || current === null) return false;
      if (test(current)) return true;
      const { cause, errors } = current as { cause?: unknown; errors?: unknown };
      if (check(cause, depth + 1)) return true;
      return Array.isArray(errors) && errors.length > 0 && errors.every((inner) => check(inner, depth + 1));
    };
    return check(error, 0);
  };

/** Whether an error is, or was caused by, a throttle. */
export const isThrottlingError = causedBy(isThrottle);

/**
 * Whether a failed work item should come back within seconds rather than after the queue's
 * visibility timeout: it failed on a throttle, or on a connection that dropped (measured under
 * load: a create whose connection was reset waited out the whole hour). Neither says anything
 * about the item; a live re-plan on the next delivery finds whatever the first attempt did.
 */
export const isTransientError = causedBy((error) => isThrottle(error) || isDroppedConnection(error));

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

/**
 * Whether an error is, or was caused by, a throttle: the error itself or its `cause` chain. An
 * AggregateError (a reconcile that failed on several operations) counts only when every error it
 * gathers does, so that a real failure keeps the queue's full pause between its attempts.
 */
export const isThrottlingError = (error: unknown, depth = 0): boolean => {
  if (depth > 10 || typeof error !== 'object' || error === null) return false;
  const name = awsErrorName(error);
  if ((name !== undefined && THROTTLING.has(name)) || httpStatus(error) === 429) return true;
  const { cause, errors } = error as { cause?: unknown; errors?: unknown };
  if (isThrottlingError(cause, depth + 1)) return true;
  return Array.isArray(errors) && errors.length > 0 && errors.every((inner) => isThrottlingError(inner, depth + 1));
};

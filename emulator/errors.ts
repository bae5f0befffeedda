/**
 * Errors the emulator answers with. The server turns an {@link AwsServiceError} into the AWS JSON
 * 1.1 error response (status, `x-amzn-ErrorType`, `{"__type", "message"}`) that SDK v3 maps onto
 * its modeled exception classes.
 */

/** Which quota-model or fault path produced an error, for the emulator's statistics. */
export type ErrorOrigin = 'service' | 'throttle' | 'conflict' | 'fault';

export class AwsServiceError extends Error {
  readonly code: string;
  readonly status: number;
  /** Extra members of the modeled error shape (e.g. `ResourceType`, `Reason`, `RetryAfterSeconds`). */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly origin: ErrorOrigin;

  constructor(
    code: string,
    message: string,
    options: {
      readonly status?: number;
      readonly fields?: Record<string, unknown>;
      readonly origin?: ErrorOrigin;
      readonly cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AwsServiceError';
    this.code = code;
    this.status = options.status ?? defaultStatus(code);
    this.fields = options.fields ?? {};
    this.origin = options.origin ?? 'service';
  }
}

const SERVER_ERRORS = new Set([
  'InternalServerException',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceException',
  'InternalException',
  'InternalError',
]);

/** 500 for the server-side codes AWS uses, 400 for everything else. */
export const defaultStatus = (code: string): number => (SERVER_ERRORS.has(code) ? 500 : 400);

/** Misuse of the in-process world API (unknown ids, broken references): a bug in the caller. */
export class EmulatorWorldError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EmulatorWorldError';
  }
}

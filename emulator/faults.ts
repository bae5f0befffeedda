import { AwsServiceError, defaultStatus } from './errors.js';
import type { FaultOptions } from './types.js';

/** The service families faults may apply to. */
export type FaultFamily = 'sso-admin' | 'identitystore' | 'ssm' | 'organizations' | 'events' | 'sns';

/** The families a random fault (`rate`) hits unless `rateFamilies` says otherwise. */
export const DEFAULT_RATE_FAMILIES: readonly FaultFamily[] = ['sso-admin', 'identitystore', 'ssm'];

/**
 * The retryable errors a random fault picks from, per family, using each service's modeled codes
 * (SSM has no `ConflictException` on parameters; `TooManyUpdates` is its concurrency error, and
 * its 5xx is `InternalServerError`; Organizations throttles with `TooManyRequestsException`;
 * SNS speaks its own `Throttled` and `InternalError`).
 */
const RANDOM_ERRORS: Readonly<Record<FaultFamily, readonly string[]>> = {
  'sso-admin': ['ThrottlingException', 'ConflictException', 'InternalServerException'],
  identitystore: ['ThrottlingException', 'ConflictException', 'InternalServerException'],
  ssm: ['ThrottlingException', 'TooManyUpdates', 'InternalServerError'],
  organizations: ['TooManyRequestsException', 'ConcurrentModificationException', 'ServiceException'],
  events: ['ThrottlingException', 'InternalException'],
  sns: ['Throttled', 'InternalError'],
};

/** mulberry32: small, fast and deterministic for a given seed, which is all fault injection needs. */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export interface FaultInjector {
  /** Throws the injected error for this call, if any; consumes scripted counts and random draws. */
  check(family: FaultFamily, operation: string): void;
  /** The scripted answer for this call, if any (consumed); `undefined` lets the operation answer. */
  answer(operation: string): Readonly<Record<string, unknown>> | undefined;
  /** Whether assignment requests on this account are configured to end `FAILED`. */
  failsAssignmentsOn(accountId: string): boolean;
  configure(options: FaultOptions): void;
}

const injected = (
  code: string,
  operation: string,
  status?: number,
  fields?: Readonly<Record<string, unknown>>,
): AwsServiceError =>
  new AwsServiceError(code, `Injected fault for ${operation} (emulator)`, {
    status: status ?? defaultStatus(code),
    origin: 'fault',
    fields: { ...(code === 'ThrottlingException' ? { RetryAfterSeconds: 1 } : {}), ...fields },
  });

export const createFaultInjector = (initial: FaultOptions = {}): FaultInjector => {
  let rate = 0;
  let random = seededRandom(1);
  let scripted: {
    operation: string;
    error: string;
    status?: number;
    fields?: Readonly<Record<string, unknown>>;
    remaining: number;
  }[] = [];
  let answers: { operation: string; answer: Readonly<Record<string, unknown>>; remaining: number }[] = [];
  let failingAccounts = new Set<string>();
  let rateFamilies = new Set<FaultFamily>(DEFAULT_RATE_FAMILIES);

  const configure = (options: FaultOptions): void => {
    const nextRate = options.rate ?? 0;
    if (!(nextRate >= 0 && nextRate <= 1)) throw new RangeError(`faults.rate must be within 0–1, got ${nextRate}`);
    rate = nextRate;
    random = seededRandom(options.seed ?? 1);
    scripted = (options.scripted ?? []).map((fault) => ({
      operation: fault.operation,
      error: fault.error,
      ...(fault.status === undefined ? {} : { status: fault.status }),
      ...(fault.fields === undefined ? {} : { fields: fault.fields }),
      remaining: fault.count,
    }));
    answers = (options.answers ?? []).map((a) => ({ operation: a.operation, answer: a.answer, remaining: a.count }));
    failingAccounts = new Set(options.failAssignmentsOnAccounts ?? []);
    rateFamilies = new Set(options.rateFamilies ?? DEFAULT_RATE_FAMILIES);
  };
  configure(initial);

  return {
    configure,
    failsAssignmentsOn: (accountId) => failingAccounts.has(accountId),
    answer: (operation) => {
      const scriptedAnswer = answers.find((a) => a.operation === operation && a.remaining > 0);
      if (scriptedAnswer === undefined) return undefined;
      scriptedAnswer.remaining -= 1;
      return scriptedAnswer.answer;
    },
    check: (family, operation) => {
      const script = scripted.find((fault) => fault.operation === operation && fault.remaining > 0);
      if (script !== undefined) {
        script.remaining -= 1;
        throw injected(script.error, operation, script.status, script.fields);
      }
      if (rate > 0 && rateFamilies.has(family) && random() < rate) {
        const choices = RANDOM_ERRORS[family];
        const code = choices[Math.floor(random() * choices.length)] ?? 'InternalServerException';
        throw injected(code, operation);
      }
    },
  };
};

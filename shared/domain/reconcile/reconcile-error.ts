import type { ReconcileOutcome } from './outcome.js';

/** One operation of a reconcile that did not succeed. */
export interface OperationFailure {
  readonly operation:
    | 'create-assignment'
    | 'delete-assignment'
    | 'add-membership'
    | 'remove-membership'
    | 'publish-events'
    | 'notify'
    | 'confirm-offboarding';
  /** What the operation was about, e.g. `222233334444|arn:…|GROUP|g-1`. */
  readonly target: string;
  readonly error: Error;
}

/**
 * Some operations of a reconcile failed. Thrown after the successful changes were reported, so
 * that the work item is retried (and ends in the DLQ if it keeps failing); `outcome` says what
 * did succeed.
 */
export class ReconcileError extends Error {
  readonly failures: readonly OperationFailure[];
  readonly outcome: ReconcileOutcome;

  constructor(outcome: ReconcileOutcome, failures: readonly OperationFailure[]) {
    const first = failures[0];
    const summary =
      first === undefined ? 'unknown failure' : `${first.operation} ${first.target}: ${first.error.message}`;
    super(`${failures.length} operation(s) failed while reconciling ${outcome.scope}; first: ${summary}`, {
      cause:
        failures.length === 1 && first !== undefined
          ? first.error
          : new AggregateError(
              failures.map((f) => f.error),
              'reconcile failures',
            ),
    });
    this.name = 'ReconcileError';
    this.failures = failures;
    this.outcome = outcome;
  }
}

/** The worker reconciles one scope at a time; `all` is fanned out before it reaches the queue. */
export class UnsupportedScopeError extends Error {
  constructor(scope: string, options?: ErrorOptions) {
    super(`Scope ${scope} is not reconciled by the worker: the fan-out function expands it`, options);
    this.name = 'UnsupportedScopeError';
  }
}

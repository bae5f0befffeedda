/**
 * Named errors of the core and its ports. Constructors only build the error (no logging, no I/O).
 */

export class PrincipalListingUnavailableError extends Error {
  constructor(options?: ErrorOptions) {
    super('ListAccountAssignmentsForPrincipal is not available to this caller', options);
    this.name = 'PrincipalListingUnavailableError';
  }
}

/** An assignment request that ended in `FAILED` (and, for a delete, is still there when re-checked). */
export class AssignmentOperationError extends Error {
  constructor(
    readonly operation: 'create' | 'delete',
    readonly failureReason: string,
    options?: ErrorOptions,
  ) {
    super(`Account assignment ${operation} failed: ${failureReason}`, options);
    this.name = 'AssignmentOperationError';
  }
}

/** No valid rule set can be formed (none stored, or every stored version is invalid). */
export class RulesUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RulesUnavailableError';
  }
}

export class RulesValidationError extends Error {
  constructor(
    readonly issues: readonly {
      readonly document: string;
      readonly path: string;
      readonly line?: number;
      readonly message: string;
    }[],
  ) {
    super(
      issues
        .map(
          (i) => `${i.document}${i.line === undefined ? '' : `:${i.line}`}: ${i.path ? `${i.path}: ` : ''}${i.message}`,
        )
        .join('\n'),
    );
    this.name = 'RulesValidationError';
  }
}

/** Narrows an unknown caught value to an Error (STYLE §7). */
export function assertIsError(value: unknown): asserts value is Error {
  if (!(value instanceof Error)) throw new Error(`Non-Error thrown: ${String(value)}`, { cause: value });
}

import type { EmulatedClock } from './clock.js';
import type { AwsServiceError } from './errors.js';

/** The shape every emulated service module exports, and the request-reading helpers they share. */

export type JsonObject = Readonly<Record<string, unknown>>;

export type ServiceFamily = 'organizations' | 'identitystore' | 'sso-admin' | 'ssm' | 'events' | 'sns' | 'dynamodb';

export type OperationHandler = (input: RequestInput) => unknown;

export interface ServiceDefinition {
  /** The `X-Amz-Target` prefix, e.g. `SWBExternalService`. */
  readonly targetPrefix: string;
  readonly family: ServiceFamily;
  readonly operations: Readonly<Record<string, OperationHandler>>;
}

export interface ServiceSettings {
  readonly clock: EmulatedClock;
  readonly pageSize: number;
}

/**
 * Typed access to a request body. Missing or mistyped members raise the service's own
 * validation error, since each service names it differently (`InvalidInputException`,
 * `ValidationException`).
 */
export class RequestInput {
  constructor(
    readonly body: JsonObject,
    private readonly invalid: (message: string) => AwsServiceError,
  ) {}

  raw(name: string): unknown {
    return this.body[name];
  }

  string(name: string): string {
    const value = this.body[name];
    if (typeof value !== 'string' || value.length === 0) throw this.invalid(missing(name));
    return value;
  }

  optionalString(name: string): string | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw this.invalid(`${name} must be a string`);
    return value;
  }

  optionalBoolean(name: string): boolean | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw this.invalid(`${name} must be a boolean`);
    return value;
  }

  optionalStringList(name: string): string[] | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      throw this.invalid(`${name} must be a list of strings`);
    }
    return value as string[];
  }

  stringList(name: string): string[] {
    const value = this.optionalStringList(name);
    if (value === undefined || value.length === 0) throw this.invalid(missing(name));
    return value;
  }

  /** A nested structure, read with the same rules. */
  object(name: string): RequestInput {
    const value = this.optionalObject(name);
    if (value === undefined) throw this.invalid(missing(name));
    return value;
  }

  optionalObject(name: string): RequestInput | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw this.invalid(`${name} must be a structure`);
    return new RequestInput(value as JsonObject, this.invalid);
  }

  /** The validation error this service answers with. */
  fail(message: string): AwsServiceError {
    return this.invalid(message);
  }
}

const missing = (name: string): string =>
  `1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`;

/** Drops `undefined` members so that responses carry only what is set. */
export const compact = <T extends Record<string, unknown>>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

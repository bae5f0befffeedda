import * as z from 'zod/mini';
import '../domain/zod-english.js';
import { type EventContext, MalformedEventError } from './result.js';

/** Organizations account ids are exactly 12 digits; masked or placeholder values fail here. */
export const accountIdSchema = z.string().check(z.regex(/^\d{12}$/, 'not a 12-digit account id'));

/**
 * Identity Store user, group and membership ids: `([0-9a-f]{10}-|)UUID` (API reference pattern).
 * Older stores prefix the UUID with the store's hex id, so a plain UUID check would reject real ids.
 * Masked values (`HIDDEN_DUE_TO_SECURITY_REASONS`, `****`) never match.
 */
export const principalIdSchema = z
  .string()
  .check(
    z.regex(
      /^([0-9a-f]{10}-|)[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/,
      'not an Identity Store id',
    ),
  );

/** A field of a JSON object at a dotted path, e.g. `requestParameters.member.memberId`. */
export interface FieldAt<T> {
  readonly path: string;
  /** Checks every level on the way and yields the field itself; problems name the full path. */
  readonly schema: z.ZodMiniType<T>;
}

/**
 * Reads one nested field and nothing else: every level must be an object, and the rest of the AWS
 * payload may hold anything. Every field the parsers read is a string id or state.
 */
export const fieldAt = (path: string, leaf: z.ZodMiniType<string>): FieldAt<string> => {
  const build = (): z.ZodMiniType<string> => {
    const keys = path.split('.');
    const nested = keys.reduceRight<z.ZodMiniType>((inner, key) => z.looseObject({ [key]: inner }), leaf);
    // Once `nested` has passed, every level is an object and the leaf a string.
    const leafOf = (value: unknown): string =>
      keys.reduce<unknown>((node, key) => (node as Readonly<Record<string, unknown>>)[key], value) as string;
    return z.pipe(nested, z.transform(leafOf));
  };
  // Built on first use: the parsers declare some forty fields, and building them all at import
  // would add to every cold start, though one event reads only a few.
  let schema: z.ZodMiniType<string> | undefined;
  return {
    path,
    get schema() {
      schema ??= build();
      return schema;
    },
  };
};

/** The value at the first location that holds a well-formed one, or `undefined`. */
export const firstAt = <T>(value: unknown, fields: readonly FieldAt<T>[]): T | undefined => {
  for (const field of fields) {
    const parsed = field.schema.safeParse(value);
    if (parsed.success) return parsed.data;
  }
  return undefined;
};

/** Like {@link firstAt}, but a handled event without the field is malformed. */
export const requireAt = <T>(context: EventContext, value: unknown, fields: readonly FieldAt<T>[], what: string): T => {
  const found = firstAt(value, fields);
  if (found === undefined) {
    throw new MalformedEventError(context, `no well-formed ${what} at ${fields.map((f) => f.path).join(' or ')}`);
  }
  return found;
};

/** `requestParameters.accountId: not a 12-digit account id`, one problem after another. */
const describeProblems = (error: z.core.$ZodError): string =>
  error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`).join('; ');

/** Parses with a schema; a failure is a {@link MalformedEventError} naming the paths, with the cause. */
export const parseOrThrow = <T>(context: EventContext, schema: z.ZodMiniType<T>, value: unknown): T => {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new MalformedEventError(context, describeProblems(parsed.error), { cause: parsed.error });
};

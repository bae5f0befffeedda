import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { type EventContext, MalformedEventError } from './result.js';

// zod/mini keeps bundles small by shipping no messages ("Invalid input" for everything). The
// English locale is what classic zod installs at import; installing it here, before any event is
// parsed, keeps the problems in MalformedEventError as they were. The setting is global and
// idempotent. (`z.locales.en` would bundle every locale: import `en` on its own.)
z.config(en());

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
  readonly schema: z.ZodMiniType<T>;
}

/**
 * A schema that reads one nested field and nothing else: every level is a loose object, so the
 * rest of the AWS payload may hold anything. Every field the parsers read is a string id or state.
 */
export const fieldAt = (path: string, leaf: z.ZodMiniType<string>): FieldAt<string> => ({
  path,
  schema: path.split('.').reduceRight<z.ZodMiniType<string>>((inner, key) => {
    const parent = z.looseObject({ [key]: inner });
    return z.pipe(
      parent,
      z.transform((value: z.output<typeof parent>) => value[key] as string),
    );
  }, leaf),
});

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

/** Parses with a schema; a failure is a {@link MalformedEventError} naming the paths, with the cause. */
export const parseOrThrow = <T>(context: EventContext, schema: z.ZodMiniType<T>, value: unknown): T => {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
  );
  throw new MalformedEventError(context, problems.join('; '), { cause: parsed.error });
};

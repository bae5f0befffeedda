import { type EventContext, MalformedEventError } from './result.js';
import { pattern, type Shape, string, stringAt } from './shape.js';

/** Organizations account ids are exactly 12 digits; masked or placeholder values fail here. */
export const accountIdSchema = string(pattern(/^\d{12}$/, 'not a 12-digit account id'));

/**
 * Identity Store user, group and membership ids: `([0-9a-f]{10}-|)UUID` (API reference pattern).
 * Older stores prefix the UUID with the store's hex id, so a plain UUID check would reject real ids.
 * Masked values (`HIDDEN_DUE_TO_SECURITY_REASONS`, `****`) never match.
 */
export const principalIdSchema = string(
  pattern(
    /^([0-9a-f]{10}-|)[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/,
    'not an Identity Store id',
  ),
);

/** A field of a JSON object at a dotted path, e.g. `requestParameters.member.memberId`. */
export interface FieldAt<T> {
  readonly path: string;
  readonly schema: Shape<T>;
}

/**
 * Reads one nested field and nothing else: every level must be an object, and the rest of the AWS
 * payload may hold anything. Every field the parsers read is a string id or state.
 */
export const fieldAt = (path: string, leaf: Shape<string>): FieldAt<string> => ({
  path,
  schema: stringAt(path, leaf),
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
export const parseOrThrow = <T>(context: EventContext, schema: Shape<T>, value: unknown): T => {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
  );
  throw new MalformedEventError(context, problems.join('; '), { cause: parsed.error });
};

/**
 * The few payload checks the event parsers need, written out instead of taken from zod. Every
 * inbound event passes through the intake, whose cold start docs/design.md §8 bounds: building the parsers'
 * ~80 zod schemas at import took about 10 ms and zod itself about 12 KB of gzipped bundle, more
 * than the rest of the parsers together.
 *
 * Problems are reported the way zod 4 (English locale) reports them, path and wording alike, so
 * that `MalformedEventError` reads as it always has: `requestParameters.accountId: not a 12-digit
 * account id`, `detail: Invalid input: expected object, received string`.
 */

export type ShapePath = readonly (string | number)[];

export interface ShapeIssue {
  readonly code: 'invalid_type' | 'too_small' | 'invalid_format' | 'invalid_value';
  /** Where in the checked value, e.g. `['serviceEventDetails', 'createAccountStatus', 'state']`. */
  readonly path: ShapePath;
  readonly message: string;
}

/** A value that failed its shape. The message lists every problem; `issues` holds them one by one. */
export class ShapeError extends Error {
  readonly issues: readonly ShapeIssue[];

  constructor(issues: readonly ShapeIssue[], options?: ErrorOptions) {
    super(issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; '), options);
    this.name = 'ShapeError';
    this.issues = issues;
  }
}

export type ShapeResult<T> =
  | { readonly success: true; readonly data: T }
  | { readonly success: false; readonly error: ShapeError };

export interface Shape<T> {
  /** May an object leave this field out? (Without it, an absent key is a problem even for `unknown()`.) */
  readonly optional: boolean;
  /**
   * Reads `value` found at `path`, appending one issue per failed check. The result is meaningful
   * only when no issue was appended.
   */
  read(value: unknown, path: ShapePath, issues: ShapeIssue[]): T;
  safeParse(value: unknown): ShapeResult<T>;
}

export type Infer<S> = S extends Shape<infer T> ? T : never;

const shape = <T>(read: Shape<T>['read'], optional = false): Shape<T> => ({
  optional,
  read,
  safeParse(value) {
    const issues: ShapeIssue[] = [];
    const data = read(value, [], issues);
    return issues.length === 0 ? { success: true, data } : { success: false, error: new ShapeError(issues) };
  },
});

/** zod's name for the type of a value: `null`, `array`, `NaN`, a class name, else `typeof`. */
const typeName = (value: unknown): string => {
  if (typeof value === 'number') return Number.isFinite(value) ? 'number' : String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') {
    const prototype: unknown = Object.getPrototypeOf(value);
    const maker = (value as { constructor?: unknown }).constructor;
    if (prototype !== Object.prototype && typeof maker === 'function' && maker.name !== '') return maker.name;
  }
  return typeof value;
};

const invalidType = (expected: string, value: unknown, path: ShapePath): ShapeIssue => ({
  code: 'invalid_type',
  path,
  message: `Invalid input: expected ${expected}, received ${typeName(value)}`,
});

const isObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A check on a string that passed the type check: the problem, or `undefined`. */
export type StringCheck = (value: string) => Omit<ShapeIssue, 'path'> | undefined;

export const minLength =
  (minimum: number): StringCheck =>
  (value) =>
    value.length >= minimum
      ? undefined
      : { code: 'too_small', message: `Too small: expected string to have >=${minimum} characters` };

export const pattern =
  (regex: RegExp, message: string): StringCheck =>
  (value) => {
    // A global or sticky expression remembers where it stopped; every check starts afresh.
    regex.lastIndex = 0;
    return regex.test(value) ? undefined : { code: 'invalid_format', message };
  };

/** A string; every check runs, so one value can fail several. */
export const string = (...checks: readonly StringCheck[]): Shape<string> =>
  shape((value, path, issues) => {
    if (typeof value !== 'string') {
      issues.push(invalidType('string', value, path));
      return '';
    }
    for (const check of checks) {
      const problem = check(value);
      if (problem !== undefined) issues.push({ ...problem, path });
    }
    return value;
  });

/** Anything; as an object field, the key must still be present (wrap it in `optional` otherwise). */
export const unknown = (): Shape<unknown> => shape((value) => value);

export const literal = <const T extends string>(expected: T): Shape<T> =>
  shape((value, path, issues) => {
    if (value !== expected) {
      issues.push({ code: 'invalid_value', path, message: `Invalid input: expected ${JSON.stringify(expected)}` });
    }
    return expected;
  });

export const optional = <T>(inner: Shape<T>): Shape<T | undefined> =>
  shape((value, path, issues) => (value === undefined ? undefined : inner.read(value, path, issues)), true);

export const nullish = <T>(inner: Shape<T>): Shape<T | null | undefined> =>
  shape(
    (value, path, issues) => (value === undefined || value === null ? value : inner.read(value, path, issues)),
    true,
  );

/** `fallback` whenever `inner` fails, so a broken optional part cannot spoil the whole. */
export const withFallback = <T, F>(inner: Shape<T>, fallback: F): Shape<T | F> =>
  shape((value, path) => {
    const own: ShapeIssue[] = [];
    const read = inner.read(value, path, own);
    return own.length === 0 ? read : fallback;
  }, true);

export const array = <T>(item: Shape<T>): Shape<T[]> =>
  shape((value, path, issues) => {
    if (!Array.isArray(value)) {
      issues.push(invalidType('array', value, path));
      return [];
    }
    // Indexed, not `map`: a hole in a sparse array is an element too.
    const items: T[] = [];
    for (let index = 0; index < value.length; index++) items.push(item.read(value[index], [...path, index], issues));
    return items;
  });

/** Any plain object (a JSON object), values unchecked. */
export const record = (): Shape<Readonly<Record<string, unknown>>> =>
  shape((value, path, issues) => {
    const prototype: unknown = isObject(value) ? Object.getPrototypeOf(value) : undefined;
    if (!isObject(value) || (prototype !== Object.prototype && prototype !== null)) {
      issues.push(invalidType('record', value, path));
      return {};
    }
    return value;
  });

type Fields = Readonly<Record<string, Shape<unknown>>>;
/** Fields that may be `undefined` are optional keys, as in zod's inferred types. */
type OptionalKeys<F extends Fields> = { [K in keyof F]: undefined extends Infer<F[K]> ? K : never }[keyof F];
export type LooseObject<F extends Fields> = { readonly [K in Exclude<keyof F, OptionalKeys<F>>]: Infer<F[K]> } & {
  readonly [K in OptionalKeys<F>]?: Infer<F[K]>;
} & { readonly [key: string]: unknown };

export interface LooseObjectShape<F extends Fields> extends Shape<LooseObject<F>> {
  readonly fields: F;
}

/**
 * An object with the named fields checked, in order, and every other key kept as it is: AWS
 * payloads grow new fields, and a parser reads only the ones it names.
 */
export const looseObject = <const F extends Fields>(fields: F): LooseObjectShape<F> => ({
  fields,
  ...shape((value, path, issues) => {
    if (!isObject(value)) {
      issues.push(invalidType('object', value, path));
      return {} as LooseObject<F>;
    }
    // A `__proto__` key (JSON.parse makes it an own property) is dropped, as zod drops it.
    const out: Record<string, unknown> = {};
    for (const [key, kept] of Object.entries(value)) if (key !== '__proto__') out[key] = kept;
    for (const [key, field] of Object.entries(fields)) {
      const present = key in value;
      if (!present && field.optional) continue;
      const before = issues.length;
      const read = field.read(value[key], [...path, key], issues);
      if (present) out[key] = read;
      else if (issues.length === before) {
        issues.push({
          code: 'invalid_type',
          path: [...path, key],
          message: 'Invalid input: expected nonoptional, received undefined',
        });
      }
    }
    return out as LooseObject<F>;
  }),
});

/** The same object with every field optional (a field that is present must still be well formed). */
export const partial = <F extends Fields>(
  object: LooseObjectShape<F>,
): LooseObjectShape<{ [K in keyof F]: Shape<Infer<F[K]> | undefined> }> =>
  looseObject(
    Object.fromEntries(
      Object.entries(object.fields).map(([key, field]) => [key, field.optional ? field : optional(field)]),
    ) as { [K in keyof F]: Shape<Infer<F[K]> | undefined> },
  );

/**
 * The string at a dotted path such as `requestParameters.member.memberId`, every level on the way
 * an object; problems name the full path.
 */
export const stringAt = (dottedPath: string, leaf: Shape<string>): Shape<string> => {
  const keys = dottedPath.split('.');
  return shape((value, path, issues) => {
    let node = value;
    let at = path;
    for (const key of keys) {
      if (!isObject(node)) {
        issues.push(invalidType('object', node, at));
        return '';
      }
      node = node[key];
      at = [...at, key];
    }
    return leaf.read(node, at, issues);
  });
};

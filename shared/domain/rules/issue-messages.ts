import * as z from 'zod';
import type { SourceProblem, ValuePath } from './source-text.js';

/**
 * Rewrites zod's issues as sentences a platform engineer can act on: what is wrong, what was
 * found, and what would be right. The raw zod text ("Invalid input: expected string, received
 * number") is never shown; every code zod can report has a plain rendering here.
 */

export interface IssueContext {
  /** The parsed value the schema was given. */
  readonly input: unknown;
  readonly lineOf: (path: ValuePath) => number | undefined;
  readonly scalarTextAt: (path: ValuePath) => string | undefined;
}

/** `assignments[3].targets.organizationalUnits[0]`; keys that are not plain words are quoted. */
export function formatPath(path: ValuePath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      if (/^[A-Za-z_$][\w$-]*$/.test(key)) out += out === '' ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

export function describeZodIssues(
  schema: z.ZodType,
  issues: readonly z.core.$ZodIssue[],
  context: IssueContext,
): SourceProblem[] {
  const unknownKeyPaths = new Set(
    issues.filter((issue) => issue.code === 'unrecognized_keys').map((issue) => formatPath(issue.path)),
  );
  const problems: SourceProblem[] = [];
  for (const issue of issues) {
    // A selector whose only key is misspelt also fails "needs at least one attribute"; the unknown
    // key is the real mistake, so the second message would only distract.
    if (issue.code === 'custom' && unknownKeyPaths.has(formatPath(issue.path))) continue;
    problems.push(...describeIssue(schema, issue, context));
  }
  return problems;
}

function describeIssue(schema: z.ZodType, issue: z.core.$ZodIssue, context: IssueContext): SourceProblem[] {
  const path = issue.path;
  const at = (message: string, where: ValuePath = path): SourceProblem => ({
    path: where,
    line: context.lineOf(where),
    message,
  });
  const value = valueAt(context.input, path);
  const missing = missingKey(path, context.input);
  if (missing !== undefined && issue.code !== 'unrecognized_keys' && issue.code !== 'custom') {
    return [
      at(
        missing === 'version'
          ? 'missing key "version": every rules document starts with "version: 1"'
          : `missing required key "${missing}"`,
      ),
    ];
  }

  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => at(unknownKeyMessage(schema, path, key), [...path, key]));
    case 'invalid_type':
      return [at(invalidTypeMessage(issue.expected, path, value, context))];
    case 'invalid_value':
      return [at(invalidValueMessage(issue.values, value))];
    case 'invalid_format':
      return [at(`${describeValue(value)} is not valid here: ${issue.message}`)];
    case 'too_small':
      return [at(tooSmallMessage(issue, path))];
    case 'too_big':
      return [at(tooBigMessage(issue))];
    case 'invalid_union':
      return [
        at(
          `${customOr(issue.message, 'this value matches none of the forms allowed here')}; got ${describeValue(value)}`,
        ),
      ];
    case 'invalid_key':
      return [
        at(`the key ${JSON.stringify(String(path[path.length - 1]))} is not allowed here: a key must not be empty`),
      ];
    case 'not_multiple_of':
      return [at(`must be a multiple of ${String(issue.divisor)}`)];
    case 'custom':
      return [at(issue.message)];
    default:
      return [at(customOr(issue.message, 'this value is not valid here'))];
  }
}

/** zod's own wording starts with "Invalid"; anything else is a message the schema chose. */
function customOr(message: string, fallback: string): string {
  return /^Invalid\b/.test(message) ? fallback : message;
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
  array: 'a list',
  literal: 'a fixed value',
};

function invalidTypeMessage(expected: string, path: ValuePath, value: unknown, context: IssueContext): string {
  if (path.length === 0) {
    return value === null || value === undefined
      ? 'the document is empty: a rules document is a mapping that starts with "version: 1"'
      : `a rules document is a mapping (key: value) that starts with "version: 1", got ${describeValue(value)}`;
  }
  const wanted = EXPECTED[expected] ?? expected;
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
    const written = context.scalarTextAt(path) ?? String(value);
    return `expected text, got ${describeValue(value)}: put it in quotes ("${written}") so that it stays text`;
  }
  return `expected ${wanted}, got ${describeValue(value)}`;
}

function invalidValueMessage(allowed: readonly unknown[], value: unknown): string {
  const choices = allowed.map((choice) => JSON.stringify(choice));
  const expected = choices.length === 1 ? choices[0] : `one of ${choices.join(', ')}`;
  const suggestion =
    typeof value === 'string'
      ? closest(
          value,
          allowed.filter((choice): choice is string => typeof choice === 'string'),
        )
      : undefined;
  return `expected ${expected}, got ${describeValue(value)}${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`;
}

const LIST_NOUNS: Readonly<Record<string, string>> = {
  principals: 'principal',
  permissionSets: 'permission set',
  managedPermissionSets: 'permission set',
  groups: 'group',
};

function tooSmallMessage(issue: z.core.$ZodIssueTooSmall, path: ValuePath): string {
  const minimum = String(issue.minimum);
  switch (issue.origin) {
    case 'array': {
      const key = path[path.length - 1];
      const noun = (typeof key === 'string' ? LIST_NOUNS[key] : undefined) ?? 'value';
      return `the list is empty: give at least ${minimum === '1' ? `one ${noun}` : `${minimum} values`}`;
    }
    case 'string':
      return minimum === '1' ? 'must not be empty' : `must be at least ${minimum} characters long`;
    default:
      return issue.inclusive === false ? `must be greater than ${minimum}` : `must be at least ${minimum}`;
  }
}

function tooBigMessage(issue: z.core.$ZodIssueTooBig): string {
  const maximum = String(issue.maximum);
  switch (issue.origin) {
    case 'array':
      return `the list is too long: at most ${maximum} values`;
    case 'string':
      return `must be at most ${maximum} characters long`;
    default:
      return issue.inclusive === false ? `must be less than ${maximum}` : `must be at most ${maximum}`;
  }
}

function unknownKeyMessage(schema: z.ZodType, path: ValuePath, key: string): string {
  const known = knownKeysAt(schema, path);
  const what = known?.kind === 'attribute' ? 'user attribute' : 'key';
  const base = `unknown ${what} "${key}"`;
  if (known === undefined || known.keys.length === 0) return base;
  const suggestion = closest(key, known.keys);
  return suggestion === undefined
    ? `${base} (allowed: ${known.keys.join(', ')})`
    : `${base} (did you mean "${suggestion}"?)`;
}

interface KnownKeys {
  readonly keys: readonly string[];
  readonly kind: 'key' | 'attribute';
}

/** The keys the schema accepts at `path`, by walking the schema the same way zod walked the value. */
function knownKeysAt(schema: z.ZodType, path: ValuePath): KnownKeys | undefined {
  let candidates: z.ZodType[] = [schema];
  for (const segment of path) {
    candidates = candidates.flatMap((candidate) => childSchemas(candidate, segment));
    if (candidates.length === 0) return undefined;
  }
  const keys = new Set<string>();
  let kind: KnownKeys['kind'] = 'key';
  for (const candidate of candidates.flatMap(unwrapAll)) {
    if (candidate instanceof z.ZodObject) for (const name of Object.keys(candidate.shape)) keys.add(name);
    else if (candidate instanceof z.ZodRecord && candidate.keyType instanceof z.ZodEnum) {
      kind = 'attribute';
      for (const name of candidate.keyType.options) keys.add(String(name));
    }
  }
  return { keys: [...keys], kind };
}

function unwrapAll(schema: z.ZodType): z.ZodType[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) {
    return unwrapAll(schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodUnion) return (schema.options as readonly z.ZodType[]).flatMap(unwrapAll);
  return [schema];
}

function childSchemas(schema: z.ZodType, segment: PropertyKey): z.ZodType[] {
  return unwrapAll(schema).flatMap((candidate): z.ZodType[] => {
    if (candidate instanceof z.ZodObject && typeof segment === 'string') {
      const child = (candidate.shape as Record<string, z.ZodType | undefined>)[segment];
      return child === undefined ? [] : [child];
    }
    if (candidate instanceof z.ZodArray && typeof segment === 'number') return [candidate.element as z.ZodType];
    if (candidate instanceof z.ZodRecord && typeof segment === 'string') return [candidate.valueType as z.ZodType];
    return [];
  });
}

/** The nearest known word, when it is near enough to be a typo rather than a different idea. */
function closest(word: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const sameLetters = name.toLowerCase() === word.toLowerCase();
    // "dept" for "department": an abbreviation is as likely a slip as a typo.
    const abbreviation = word.length >= 3 && isAbbreviationOf(word.toLowerCase(), name.toLowerCase());
    const distance = sameLetters ? 0 : abbreviation ? 1 : editDistance(word, name);
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  if (best === undefined) return undefined;
  const tolerance = Math.max(2, Math.floor(best.name.length / 4));
  return best.distance <= tolerance ? best.name : undefined;
}

/** Same first letter, and every letter of `short` appears in `long` in order. */
function isAbbreviationOf(short: string, long: string): boolean {
  if (short[0] !== long[0]) return false;
  let from = 0;
  for (const letter of short) {
    from = long.indexOf(letter, from) + 1;
    if (from === 0) return false;
  }
  return true;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The key at the end of `path` when the mapping that should hold it does not. */
function missingKey(path: ValuePath, input: unknown): string | undefined {
  const key = path[path.length - 1];
  const parent = valueAt(input, path.slice(0, -1));
  return typeof key === 'string' && isPlainObject(parent) && !Object.hasOwn(parent, key) ? key : undefined;
}

export function valueAt(input: unknown, path: ValuePath): unknown {
  let value = input;
  for (const segment of path) {
    if (Array.isArray(value) && typeof segment === 'number') value = value[segment];
    else if (isPlainObject(value) && typeof segment === 'string' && Object.hasOwn(value, segment))
      value = value[segment];
    else return undefined;
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What was found, in words: `the number 42`, `the text "Prod"`, `a list`, `an empty value`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return `the text ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? `the number ${value}` : `the number ${String(value)}`;
  if (typeof value === 'boolean') return `${value}`;
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return 'an empty mapping';
    const shown = keys.slice(0, 5).join(', ');
    return `a mapping with ${keys.length === 1 ? 'key' : 'keys'} ${shown}${keys.length > 5 ? ', …' : ''}`;
  }
  return `a value of type ${typeof value}`;
}

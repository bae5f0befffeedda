import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  array,
  literal,
  looseObject,
  minLength,
  nullish,
  optional,
  partial,
  pattern,
  record,
  type Shape,
  string,
  stringAt,
  unknown,
  withFallback,
} from '../../../shared/events/shape.js';

/**
 * `shared/events/shape.ts` replaced zod in the event parsers to cut the intake's cold start; the
 * problems it reports must read exactly as zod's did. Each pair below mirrors a schema the parsers
 * used, and every generated value must get the same verdict and the same problems from both.
 */

type Problem = readonly [string, string];
type Verdict = { readonly ok: true; readonly data: unknown } | { readonly ok: false; readonly problems: Problem[] };

const ofShape = (shape: Shape<unknown>, value: unknown): Verdict => {
  const result = shape.safeParse(value);
  return result.success
    ? { ok: true, data: result.data }
    : { ok: false, problems: result.error.issues.map((issue) => [issue.path.join('.'), issue.message] as const) };
};

// zod also runs a length check on a non-string that has a length ("Too small: expected array to
// have >=1 items" after "expected string, received array"); the first problem already says it all.
const isLengthEcho = (issue: z.core.$ZodIssue, all: readonly z.core.$ZodIssue[]): boolean =>
  issue.code === 'too_small' &&
  all.some((other) => other.code === 'invalid_type' && other.path.join('.') === issue.path.join('.'));

const ofZod = (schema: z.ZodType, value: unknown): Verdict => {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  const issues = result.error.issues;
  return {
    ok: false,
    problems: issues
      .filter((issue) => !isLengthEcho(issue, issues))
      .map((issue) => [issue.path.join('.'), issue.message] as const),
  };
};

const ACCOUNT_ID = /^\d{12}$/;

const envelopeShape = looseObject({
  id: string(minLength(1)),
  source: string(minLength(1)),
  resources: withFallback(optional(array(unknown())), undefined),
  detail: optional(unknown()),
});
const envelopeZod = z.looseObject({
  id: z.string().min(1),
  source: z.string().min(1),
  resources: z.array(z.unknown()).optional().catch(undefined),
  detail: z.unknown().optional(),
});

const PAIRS: readonly (readonly [string, Shape<unknown>, z.ZodType])[] = [
  ['the envelope', envelopeShape, envelopeZod],
  ['the envelope with every field optional', partial(envelopeShape), envelopeZod.partial()],
  [
    'a handshake',
    looseObject({
      handshake: looseObject({ state: string(), parties: array(looseObject({ type: string(), id: unknown() })) }),
    }),
    z.looseObject({
      handshake: z.looseObject({
        state: z.string(),
        parties: z.array(z.looseObject({ type: z.string(), id: z.unknown() })),
      }),
    }),
  ],
  [
    'a membership record',
    looseObject({ details: nullish(record()), status: optional(looseObject({ state: string() })) }),
    z.looseObject({
      details: z.record(z.string(), z.unknown()).nullish(),
      status: z.looseObject({ state: z.string() }).optional(),
    }),
  ],
  [
    'a sweep command',
    looseObject({ command: literal('sweep'), executionId: optional(string(minLength(1))) }),
    z.looseObject({ command: z.literal('sweep'), executionId: z.string().min(1).optional() }),
  ],
  [
    'an account id two levels down',
    stringAt('status.account.accountId', string(pattern(ACCOUNT_ID, 'not a 12-digit account id'))),
    z.looseObject({
      status: z.looseObject({
        account: z.looseObject({ accountId: z.string().regex(ACCOUNT_ID, 'not a 12-digit account id') }),
      }),
    }),
  ],
];

/** Values near the schemas' shapes: the right keys, each holding anything JSON can. */
const nearMiss = (): fc.Arbitrary<unknown> => {
  const leaf = fc.oneof(
    fc.jsonValue({ maxDepth: 1 }),
    fc.constantFrom('', 'sweep', '111122223333', 'ACCOUNT', 'SUCCEEDED'),
  );
  return fc.letrec<{ node: unknown }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('node'), { maxLength: 3 }),
      fc.dictionary(
        fc.constantFrom(
          'id',
          'source',
          'resources',
          'detail',
          'handshake',
          'state',
          'parties',
          'type',
          'details',
          'status',
          'command',
          'executionId',
          'account',
          'accountId',
        ),
        tie('node'),
        { maxKeys: 5 },
      ),
    ),
  })).node;
};

describe('shape', () => {
  it.each(PAIRS)('judges %s as zod does, problems and all', (_, shape, schema) => {
    fc.assert(
      fc.property(fc.oneof(nearMiss(), fc.jsonValue()), (value) => {
        // Act
        const ours = ofShape(shape, value);
        const theirs = ofZod(schema, value);

        // Assess
        if (theirs.ok && ours.ok) expect(ours.data).toEqual(theirs.data);
        else expect(ours).toEqual(theirs);
      }),
      { numRuns: 400 },
    );
  });

  it('keeps the keys it does not name', () => {
    // Act
    const result = looseObject({ id: string() }).safeParse({ id: 'a', other: [1] });

    // Assess
    expect(result).toEqual({ success: true, data: { id: 'a', other: [1] } });
  });
});

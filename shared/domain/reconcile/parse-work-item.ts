import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { parseScopeKey, scopeKey, type WorkItem } from '../scope.js';

/** A queue message that is not a work item. The message is retried and ends in the DLQ. */
export class MalformedWorkItemError extends Error {
  constructor(problem: string, options?: ErrorOptions) {
    super(`Malformed work item: ${problem}`, options);
    this.name = 'MalformedWorkItemError';
  }
}

// zod/mini (tree-shakable, docs/design.md §8 cold start) ships no messages; the English locale keeps the
// problem in MalformedWorkItemError as classic zod words it. Global and idempotent.
z.config(en());

const scopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('account'), accountId: z.string() }),
  z.object({ kind: z.literal('account-removed'), accountId: z.string() }),
  z.object({ kind: z.literal('principal'), principalType: z.enum(['USER', 'GROUP']), principalId: z.string() }),
  z.object({ kind: z.literal('all') }),
]);

const keys = z.optional(z.array(z.string()));
const runSchema = z.object({
  runId: z.string().check(z.minLength(1)),
  rulesVersion: z.string().check(z.minLength(1)),
  planned: z.optional(
    z.object({ create: keys, delete: keys, offboard: keys, addTo: keys, removeFrom: keys, offboardFrom: keys }),
  ),
  part: z.optional(z.int().check(z.nonnegative())),
  read: z.optional(
    z.object({
      name: z.string().check(z.minLength(1)),
      accountIds: z.optional(z.array(z.string())),
      from: z.int().check(z.nonnegative()),
    }),
  ),
});

const workItemSchema = z.object({
  scope: scopeSchema,
  origin: z.object({ eventId: z.string().check(z.minLength(1)), eventName: z.string(), source: z.string() }),
  run: z.optional(runSchema),
});

/**
 * Reads the body of a work-queue message. The scope goes through its key form, so that ids are
 * held to the same shape as the `MessageGroupId` they were queued under.
 *
 * @example
 * parseWorkItem('{"scope":{"kind":"account","accountId":"222233334444"},"origin":{…}}')
 */
export const parseWorkItem = (body: string): WorkItem => {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new MalformedWorkItemError('the body is not JSON', { cause: error });
  }
  const parsed = workItemSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MalformedWorkItemError(`${issue?.path.join('.') || '(body)'}: ${issue?.message ?? 'invalid'}`, {
      cause: parsed.error,
    });
  }
  try {
    const { run } = parsed.data;
    return {
      scope: parseScopeKey(scopeKey(parsed.data.scope)),
      origin: parsed.data.origin,
      ...(run === undefined ? {} : { run: withoutUndefined(run) }),
    };
  } catch (error) {
    throw new MalformedWorkItemError('the scope ids are not well formed', { cause: error });
  }
};

/** zod/mini keeps absent optional keys absent, but `exactOptionalPropertyTypes` wants that proven. */
const withoutUndefined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

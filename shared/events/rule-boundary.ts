import * as z from 'zod/mini';
import '../domain/zod-english.js';
import { MalformedEventError } from './result.js';
import { COMMAND_KEY } from './schedule.js';

/**
 * The minute check of time-bound rules (docs/rules.md, "Time-bound rules"): a one-minute
 * EventBridge Scheduler schedule invokes the fan-out with this input, and the fan-out starts an
 * organization-wide run only when some rule's `validFrom` or `validUntil` fell in the minute that
 * ended at the scheduled time. Scheduler keeps `scheduledTime` across its retries, so a retried or
 * late invocation asks about the same minute, and consecutive minutes tile time with no gap.
 */
export const RULE_BOUNDARY_COMMAND = 'rule-boundaries';

/** The span each check covers, ending at the scheduled time. */
export const RULE_BOUNDARY_SPAN_MS = 60_000;

export const schedulerRuleBoundaryInput = {
  [COMMAND_KEY]: RULE_BOUNDARY_COMMAND,
  executionId: '<aws.scheduler.execution-id>',
  scheduledTime: '<aws.scheduler.scheduled-time>',
} as const;

const payloadSchema = z.looseObject({
  [COMMAND_KEY]: z.literal(RULE_BOUNDARY_COMMAND),
  executionId: z.optional(z.string().check(z.minLength(1))),
  scheduledTime: z.optional(z.iso.datetime({ offset: true })),
});

export interface RuleBoundaryCheck {
  readonly executionId: string;
  /** Epoch ms of the scheduled time; `undefined` for a manual check, which asks about the last minute. */
  readonly scheduledTime: number | undefined;
}

/**
 * `undefined` for any other event; a malformed check throws, so that the invocation is retried
 * and then kept in the DLQ rather than silently skipping a minute.
 *
 * @example
 * parseRuleBoundaryCheck({ 'idc-lifecycle': 'rule-boundaries', scheduledTime: '2026-03-01T16:01:00Z' })
 */
export const parseRuleBoundaryCheck = (event: unknown): RuleBoundaryCheck | undefined => {
  if (
    typeof event !== 'object' ||
    event === null ||
    (event as Record<string, unknown>)[COMMAND_KEY] !== RULE_BOUNDARY_COMMAND
  ) {
    return undefined;
  }
  const parsed = payloadSchema.safeParse(event);
  if (!parsed.success) {
    throw new MalformedEventError(
      { eventName: RULE_BOUNDARY_COMMAND },
      `"${COMMAND_KEY}": "${RULE_BOUNDARY_COMMAND}" payload is not { executionId?: string, scheduledTime?: ISO 8601 time }`,
      { cause: parsed.error },
    );
  }
  const { executionId, scheduledTime } = parsed.data;
  return {
    executionId: executionId ?? 'manual-rule-boundaries',
    scheduledTime: scheduledTime === undefined ? undefined : Date.parse(scheduledTime),
  };
};

import * as z from 'zod/mini';
import { type EventContext, MalformedEventError, type ParseResult, work } from './result.js';

export const SCHEDULED_EVENT_DETAIL_TYPE = 'Scheduled Event';
export const SCHEDULE_SOURCES: readonly string[] = ['aws.events', 'aws.scheduler'];

/** The key that marks an explicit command payload (not an EventBridge event). */
export const COMMAND_KEY = 'idc-lifecycle';

/**
 * The input an EventBridge Scheduler schedule sends to the intake target for the sweep. Scheduler
 * replaces the `<aws.scheduler.…>` placeholders with the execution's values, so each run (and each
 * retry of it) has its own traceable id. A bare `{ "idc-lifecycle": "sweep" }` is accepted too
 * (a manual run).
 */
export const schedulerSweepInput = {
  [COMMAND_KEY]: 'sweep',
  executionId: '<aws.scheduler.execution-id>',
  scheduledTime: '<aws.scheduler.scheduled-time>',
  scheduleArn: '<aws.scheduler.schedule-arn>',
} as const;

const sweepPayload = z.looseObject({
  [COMMAND_KEY]: z.literal('sweep'),
  executionId: z.optional(z.string().check(z.minLength(1))),
  scheduledTime: z.optional(z.string()),
  scheduleArn: z.optional(z.string()),
});

export const isCommandPayload = (event: object): boolean => Object.hasOwn(event, COMMAND_KEY);

/** Maps the explicit sweep payload to the `all` scope. */
export const parseSweepCommand = (event: object): ParseResult => {
  const parsed = sweepPayload.safeParse(event);
  if (!parsed.success) {
    throw new MalformedEventError(
      { eventName: COMMAND_KEY },
      `"${COMMAND_KEY}" payload is not { "${COMMAND_KEY}": "sweep", executionId?: string, scheduledTime?: string, scheduleArn?: string }`,
      { cause: parsed.error },
    );
  }
  const context: EventContext = {
    eventId: parsed.data.executionId ?? 'manual-sweep',
    eventName: 'sweep',
    source: 'aws.scheduler',
  };
  return work(context, [{ kind: 'all' }]);
};

/** A scheduled rule (`aws.events`) or Scheduler event in the EventBridge envelope. */
export const parseScheduledEvent = (context: EventContext): ParseResult => work(context, [{ kind: 'all' }]);

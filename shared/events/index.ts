import * as z from 'zod/mini';
import { PROTOTYPE_KEY_PROBLEM, prototypeKeyPaths } from '../domain/prototype-keys.js';
import { ASSIGNMENT_EVENT_SOURCE, parseAssignmentRecord } from './assignments.js';
import { CONTROL_TOWER_EVENT_SOURCE, parseControlTowerRecord } from './control-tower.js';
import { CLOUDTRAIL_DETAIL_TYPES, cloudTrailRecordSchema, type Envelope, envelopeSchema } from './envelope.js';
import { IDENTITY_EVENT_SOURCES, parseIdentityRecord } from './identity.js';
import { IDENTITY_NATIVE_SOURCE, parseIdentityNotification } from './identity-native.js';
import { parseOrThrow } from './ids.js';
import { ORGANIZATIONS_EVENT_SOURCE, parseOrganizationsRecord } from './organizations.js';
import { madeByRole, OWN_WRITE_REASON } from './own-writes.js';
import { type EventContext, ignored, MalformedEventError, type ParseResult } from './result.js';
import {
  isCommandPayload,
  parseScheduledEvent,
  parseSweepCommand,
  SCHEDULE_SOURCES,
  SCHEDULED_EVENT_DETAIL_TYPE,
} from './schedule.js';
import { parseParameterChange, SSM_DETAIL_TYPE, SSM_SOURCE } from './ssm.js';
import { parseTagChange, TAG_DETAIL_TYPE, TAG_SOURCE } from './tag.js';

export { toEventBridgeEvent } from './envelope.js';
export { isRoleArn, OWN_WRITE_REASON } from './own-writes.js';
export { type EventPattern, eventPatterns } from './patterns.js';
export { MalformedEventError, type ParseResult } from './result.js';
export { schedulerSweepInput } from './schedule.js';
export { isUnderRulesPath, normaliseRulesPath } from './ssm.js';

export interface ParseEventOptions {
  /** The SSM path that holds rules documents, e.g. `/idc-lifecycle/rules/`. */
  readonly rulesPath: string;
  /**
   * The worker's execution role: CloudTrail records of calls it made are its own writes, not drift,
   * and are ignored so that a reconcile never triggers another one.
   * @default - none: every record is mapped, whoever made the call (plan and simulate of event files)
   */
  readonly workerRoleArn?: string;
}

const isJsonObject = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A forwarded or abridged record may lack `eventSource`; `aws.<service>` then stands for `<service>.amazonaws.com`. */
const eventSourceOf = (recordSource: string | undefined, envelopeSource: string): string =>
  recordSource ?? `${envelopeSource.replace(/^aws\./, '')}.amazonaws.com`;

const HANDLED_CLOUDTRAIL_SOURCES: readonly string[] = [
  ORGANIZATIONS_EVENT_SOURCE,
  CONTROL_TOWER_EVENT_SOURCE,
  ASSIGNMENT_EVENT_SOURCE,
  ...IDENTITY_EVENT_SOURCES,
];

const parseCloudTrailEvent = (
  envelope: Envelope,
  envelopeContext: EventContext,
  options: ParseEventOptions,
): ParseResult => {
  if (!isJsonObject(envelope.detail)) {
    throw new MalformedEventError(envelopeContext, 'detail is not a CloudTrail record');
  }
  const record = parseOrThrow(envelopeContext, cloudTrailRecordSchema, envelope.detail);
  const eventSource = eventSourceOf(record.eventSource, envelope.source);
  if (!HANDLED_CLOUDTRAIL_SOURCES.includes(eventSource)) {
    return ignored(`CloudTrail events from ${eventSource} are not handled`);
  }
  if (record.eventName === undefined) throw new MalformedEventError(envelopeContext, 'detail.eventName is missing');
  const context: EventContext = { ...envelopeContext, eventName: record.eventName };
  if (record.errorCode !== undefined && record.errorCode !== null) return ignored('failed call');
  if (options.workerRoleArn !== undefined && madeByRole(envelope.detail, options.workerRoleArn)) {
    return ignored(OWN_WRITE_REASON);
  }
  if (eventSource === ORGANIZATIONS_EVENT_SOURCE) return parseOrganizationsRecord(context, envelope.detail);
  if (eventSource === CONTROL_TOWER_EVENT_SOURCE) return parseControlTowerRecord(context, envelope.detail);
  if (eventSource === ASSIGNMENT_EVENT_SOURCE) return parseAssignmentRecord(context, envelope.detail);
  return parseIdentityRecord(context, envelope.detail, record.readOnly === true);
};

const envelopeProblem = (event: object): MalformedEventError => {
  const loose = z.partial(envelopeSchema).safeParse(event);
  const id = loose.success ? loose.data.id : undefined;
  const type = loose.success ? loose.data['detail-type'] : undefined;
  const parsed = envelopeSchema.safeParse(event);
  const missing = parsed.success ? [] : [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
  return new MalformedEventError(
    { eventId: id, eventName: type },
    `not an EventBridge event: ${missing.join(', ')} missing or not a non-empty string`,
    parsed.success ? undefined : { cause: parsed.error },
  );
};

/**
 * The Lambda runtime parses the event with `JSON.parse`, which keeps a `__proto__` key as data;
 * the parsers' copies would drop it, or read what it holds as inherited fields. An event with one
 * anywhere is refused, whichever part of it the parsers read.
 */
const refusePrototypeKeys = (event: object): void => {
  const paths = prototypeKeyPaths(event);
  if (paths.length === 0) return;
  const id: unknown = Object.getOwnPropertyDescriptor(event, 'id')?.value;
  const type: unknown = Object.getOwnPropertyDescriptor(event, 'detail-type')?.value;
  throw new MalformedEventError(
    { eventId: typeof id === 'string' ? id : undefined, eventName: typeof type === 'string' ? type : undefined },
    paths.map((path) => `${path.join('.')}: ${PROTOTYPE_KEY_PROBLEM}`).join('; '),
  );
};

/**
 * Maps one inbound event to the scopes it names (docs/design.md §1). Events are never trusted for what
 * changed, only for which part of the organization to reconcile, so this reads ids and nothing
 * else. Masked names are never read.
 *
 * @throws MalformedEventError when the value is not an EventBridge event (or a sweep command),
 *   when it holds a `__proto__` key, or when an event we handle lacks the id we need. Nothing
 *   else is thrown.
 *
 * @example
 * const result = parseEvent(event, { rulesPath: '/idc-lifecycle/rules/' });
 * if (result.kind === 'ignored') logger.info('event ignored', { reason: result.reason });
 * else await queue.enqueue(result.items);
 */
export function parseEvent(event: unknown, options: ParseEventOptions): ParseResult {
  if (!isJsonObject(event)) throw new MalformedEventError({}, 'not a JSON object');
  refusePrototypeKeys(event);
  if (isCommandPayload(event)) return parseSweepCommand(event);
  const parsed = envelopeSchema.safeParse(event);
  if (!parsed.success) throw envelopeProblem(event);
  const envelope = parsed.data;
  const type = envelope['detail-type'];
  const context: EventContext = { eventId: envelope.id, eventName: type, source: envelope.source };

  if (CLOUDTRAIL_DETAIL_TYPES.includes(type)) return parseCloudTrailEvent(envelope, context, options);
  if (type === TAG_DETAIL_TYPE && envelope.source === TAG_SOURCE) return parseTagChange(context, envelope);
  if (type === SSM_DETAIL_TYPE && envelope.source === SSM_SOURCE) {
    return parseParameterChange(context, envelope, options.rulesPath);
  }
  if (type === SCHEDULED_EVENT_DETAIL_TYPE && SCHEDULE_SOURCES.includes(envelope.source)) {
    return parseScheduledEvent(context);
  }
  if (envelope.source === IDENTITY_NATIVE_SOURCE) return parseIdentityNotification(context, envelope);
  return ignored(`${envelope.source} "${type}" events are not handled`);
}

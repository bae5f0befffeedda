import { toEventBridgeEvent } from '../../shared/events/index.js';

/** One event read from a file, with where it came from (`file`, or `file[2]` inside an array). */
export interface LoadedEvent {
  readonly label: string;
  readonly event: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A bare CloudTrail record, as the CloudTrail console and most documentation show one. */
const isBareRecord = (value: Record<string, unknown>): boolean =>
  !Object.hasOwn(value, 'detail-type') &&
  !Object.hasOwn(value, 'idc-lifecycle') &&
  (typeof value.eventSource === 'string' || typeof value.eventName === 'string');

/**
 * The events a parsed event file holds: an EventBridge envelope (or a sweep command) as it is,
 * a bare CloudTrail record wrapped in the envelope a Lambda would receive, or an array of either.
 * A record without an `eventID` gets one made from its label, so that two such records are not
 * taken for duplicates of each other. Anything else is passed on for the intake to refuse.
 *
 * @example
 * eventsFromJson(JSON.parse(text), 'events/move.json') // [{ label: 'events/move.json', event: { … } }]
 */
export const eventsFromJson = (value: unknown, label: string): LoadedEvent[] => {
  if (Array.isArray(value)) return value.flatMap((item, index) => eventsFromJson(item, `${label}[${index}]`));
  if (isRecord(value) && isBareRecord(value)) {
    const id = typeof value.eventID === 'string' && value.eventID !== '' ? value.eventID : `simulated:${label}`;
    return [{ label, event: toEventBridgeEvent(value, { id }) }];
  }
  return [{ label, event: value }];
};

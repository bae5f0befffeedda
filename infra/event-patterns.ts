import type { EventPattern } from 'aws-cdk-lib/aws-events';
import { eventPatterns, type EventPattern as RawEventPattern } from '../shared/events/patterns.js';

/**
 * The event patterns come from `shared/events/patterns.ts`, built from the same constants the
 * intake parser dispatches on, so the rules and the parser cannot drift apart. This module only
 * adapts them to the property names `aws-events` expects.
 */

/** Converts EventBridge's JSON keys (`detail-type`) to `aws-events` property names (`detailType`). */
export const toCdkEventPattern = (raw: RawEventPattern, extra: RawEventPattern = {}): EventPattern => {
  const { 'detail-type': detailType, ...rest } = { ...raw, ...extra } as Record<string, unknown>;
  return { ...rest, ...(detailType === undefined ? {} : { detailType }) } as EventPattern;
};

/** The rules-path pattern for the fan-out function. */
export const rulesChangedPattern = (rulesPath: string, extra: RawEventPattern = {}): EventPattern =>
  toCdkEventPattern(eventPatterns.ssm(rulesPath), extra);

/** The event kinds the intake function handles, keyed like the topology's sources. */
export const SOURCE_PATTERNS = {
  organizations: {
    id: 'Organizations',
    description: 'AWS Organizations account lifecycle events',
    raw: eventPatterns.organizations,
  },
  tag: { id: 'AccountTags', description: 'account tag changes', raw: eventPatterns.tag },
  controlTower: {
    id: 'ControlTower',
    description: 'Control Tower account lifecycle events',
    raw: eventPatterns.controlTower,
  },
  identity: {
    id: 'Identity',
    description: 'Identity Store changes recorded by CloudTrail (console, API and SCIM)',
    raw: eventPatterns.identity,
  },
  assignments: {
    id: 'Assignments',
    description: 'account assignments changed outside the automation (drift)',
    raw: eventPatterns.assignments,
  },
  identityNative: {
    id: 'IdentityNative',
    description: 'native Identity Store notifications',
    raw: eventPatterns.identityNative,
  },
} as const satisfies Record<string, { id: string; description: string; raw: RawEventPattern }>;

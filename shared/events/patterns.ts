import { ASSIGNMENT_EVENT_NAMES, ASSIGNMENT_EVENT_SOURCE } from './assignments.js';
import { CONTROL_TOWER_EVENT_NAMES, CONTROL_TOWER_EVENT_SOURCE } from './control-tower.js';
import { API_CALL, CLOUDTRAIL_DETAIL_TYPES, SERVICE_EVENT } from './envelope.js';
import { IDENTITY_EVENT_NAMES, IDENTITY_EVENT_SOURCES } from './identity.js';
import { IDENTITY_NATIVE_DETAIL_TYPES, IDENTITY_NATIVE_SOURCE } from './identity-native.js';
import { ORGANIZATIONS_EVENT_NAMES, ORGANIZATIONS_EVENT_SOURCE } from './organizations.js';
import { normaliseRulesPath, RULES_OPERATIONS, SSM_DETAIL_TYPE, SSM_SOURCE } from './ssm.js';
import { TAG_DETAIL_TYPE, TAG_SOURCE } from './tag.js';

/** An EventBridge event pattern as plain data (the shape `events.EventPattern` and `PutRule` take). */
export type EventPattern = Readonly<Record<string, unknown>>;

const failedCallsExcluded = { errorCode: [{ exists: false }] } as const;

/**
 * The EventBridge rule patterns for every event `parseEvent` acts on, built from the same constants
 * the parser dispatches on so the two cannot drift. Each matches only events that name a scope;
 * `parseEvent` still ignores anything else that arrives. Where a rule forwards events to another
 * bus, the same pattern serves on both buses (forwarding keeps `source` and `detail`). The sweep
 * needs no pattern: a Scheduler schedule targets the intake with `schedulerSweepInput`.
 *
 * @example
 * new events.Rule(this, 'OrganizationsEvents', { eventBus, eventPattern: eventPatterns.organizations })
 */
export const eventPatterns = {
  /** Management account, us-east-1 only. */
  organizations: {
    source: ['aws.organizations'],
    'detail-type': [...CLOUDTRAIL_DETAIL_TYPES],
    detail: {
      eventSource: [ORGANIZATIONS_EVENT_SOURCE],
      eventName: [...ORGANIZATIONS_EVENT_NAMES],
      ...failedCallsExcluded,
    },
  },
  /** Management account, Control Tower home Region. */
  controlTower: {
    source: ['aws.controltower'],
    'detail-type': [SERVICE_EVENT],
    detail: {
      eventSource: [CONTROL_TOWER_EVENT_SOURCE],
      eventName: [...CONTROL_TOWER_EVENT_NAMES],
      ...failedCallsExcluded,
    },
  },
  /** Management account, us-east-1 (tags on Organizations accounts). */
  tag: {
    source: [TAG_SOURCE],
    'detail-type': [TAG_DETAIL_TYPE],
    detail: { service: ['organizations'], 'resource-type': ['account'] },
  },
  /**
   * Identity Center home Region. `detail.eventSource` identifies the three kinds of record; the
   * exact `source` of SCIM records is unverified, so `source` only has to start with `aws.`, which
   * no PutEvents caller can use (EventBridge reserves it for AWS services): a forged event with a
   * CloudTrail-like detail does not match.
   */
  identity: {
    source: [{ prefix: 'aws.' }],
    'detail-type': [API_CALL],
    detail: {
      eventSource: [...IDENTITY_EVENT_SOURCES],
      eventName: [...IDENTITY_EVENT_NAMES],
      ...failedCallsExcluded,
    },
  },
  /**
   * Identity Center home Region, in every account that can write assignments (the management
   * account and the delegated administrator): CloudTrail logs a call where it was made.
   */
  assignments: {
    source: ['aws.sso'],
    'detail-type': [API_CALL],
    detail: {
      eventSource: [ASSIGNMENT_EVENT_SOURCE],
      eventName: [...ASSIGNMENT_EVENT_NAMES],
      ...failedCallsExcluded,
    },
  },
  /**
   * Identity Center home Region (add the rule in one Region only: each replica Region sends its own
   * copy). `detail-type` is required: CloudTrail records use the same `source`.
   */
  identityNative: {
    source: [IDENTITY_NATIVE_SOURCE],
    'detail-type': [...IDENTITY_NATIVE_DETAIL_TYPES],
  },
  /** The account and Region that hold the rules parameters. */
  ssm: (rulesPath: string): EventPattern => {
    const base = normaliseRulesPath(rulesPath);
    return {
      source: [SSM_SOURCE],
      'detail-type': [SSM_DETAIL_TYPE],
      detail: {
        name: base === '' ? [{ prefix: '/' }] : [base, { prefix: `${base}/` }],
        operation: [...RULES_OPERATIONS],
      },
    };
  },
} as const satisfies Record<string, EventPattern | ((rulesPath: string) => EventPattern)>;

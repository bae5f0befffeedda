import { ASSIGNMENT_EVENT_SOURCE } from './assignments.js';
import { CONTROL_TOWER_EVENT_SOURCE } from './control-tower.js';
import { CLOUDTRAIL_DETAIL_TYPES } from './envelope.js';
import { IDENTITY_EVENT_SOURCES } from './identity.js';
import { IDENTITY_NATIVE_SOURCE } from './identity-native.js';
import { ORGANIZATIONS_EVENT_SOURCE } from './organizations.js';
import { SCHEDULE_SOURCES } from './schedule.js';
import { SSM_SOURCE } from './ssm.js';
import { TAG_SOURCE } from './tag.js';

/** The accounts of one deployment that AWS delivers events from (docs/aws-facts.md §2). */
export interface OriginAccounts {
  /** The organization management account: Organizations, account tags, Control Tower. */
  readonly management: string;
  /** The account that runs the automation: the rules parameters and the schedule live here. */
  readonly automation: string;
}

/** Whether an event may be acted on, judged by the account it says it comes from. */
export type OriginCheck =
  | { readonly kind: 'accepted' }
  | {
      readonly kind: 'refused';
      readonly reason: string;
      readonly source: string;
      readonly account: string | undefined;
    };

type Origin = 'management' | 'identityCenter' | 'automation';

/**
 * Where each kind of event is delivered. Organizations and tag changes reach only the management
 * account, and Control Tower runs there too. Identity Store records are logged in the account that
 * made the call (the management account, or the delegated administrator that runs the automation),
 * and native notifications in the account that owns the identity store; account assignment writes
 * likewise in the account that made them. Rules changes and the
 * schedule belong to the automation account.
 */
const ORIGIN_BY_SERVICE: Readonly<Record<string, Origin>> = {
  [ORGANIZATIONS_EVENT_SOURCE]: 'management',
  [CONTROL_TOWER_EVENT_SOURCE]: 'management',
  [TAG_SOURCE]: 'management',
  ...Object.fromEntries(IDENTITY_EVENT_SOURCES.map((source) => [source, 'identityCenter' as const])),
  [IDENTITY_NATIVE_SOURCE]: 'identityCenter',
  [ASSIGNMENT_EVENT_SOURCE]: 'identityCenter',
  [SSM_SOURCE]: 'automation',
  ...Object.fromEntries(SCHEDULE_SOURCES.map((source) => [source, 'automation' as const])),
};

const textAt = (value: unknown, key: string): string | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : undefined;
};

/** CloudTrail records are told apart by `detail.eventSource`, as the parser does; other events by `source`. */
const serviceOf = (event: unknown): string | undefined => {
  const source = textAt(event, 'source');
  const type = textAt(event, 'detail-type');
  if (source === undefined || type === undefined || !CLOUDTRAIL_DETAIL_TYPES.includes(type)) return source;
  const detail = (event as { readonly detail?: unknown }).detail;
  return textAt(detail, 'eventSource') ?? `${source.replace(/^aws\./, '')}.amazonaws.com`;
};

const allowedAccounts = (origin: Origin, accounts: OriginAccounts): readonly string[] => {
  if (origin === 'management') return [accounts.management];
  if (origin === 'automation') return [accounts.automation];
  return [...new Set([accounts.management, accounts.automation])];
};

/**
 * Refuses an event whose `account` is not one its kind of event can come from. EventBridge sets
 * `account` itself and keeps it when a rule forwards the event, and nobody can put an event with an
 * `aws.` source, so a mismatch means the event did not come from where this deployment expects it.
 * Events of other kinds (and the sweep command, which has no envelope) are left to the parser.
 *
 * @example
 * const check = checkOriginAccount(event, { management: '111111111111', automation: '222222222222' });
 * if (check.kind === 'refused') logger.warn('Event refused', { reason: check.reason });
 */
export const checkOriginAccount = (event: unknown, accounts: OriginAccounts): OriginCheck => {
  const service = serviceOf(event);
  const origin = service === undefined ? undefined : ORIGIN_BY_SERVICE[service];
  if (service === undefined || origin === undefined) return { kind: 'accepted' };
  const account = textAt(event, 'account');
  const allowed = allowedAccounts(origin, accounts);
  if (account !== undefined && allowed.includes(account)) return { kind: 'accepted' };
  return {
    kind: 'refused',
    reason: `${service} events are accepted only from account ${allowed.join(' or ')}`,
    source: textAt(event, 'source') ?? service,
    account,
  };
};

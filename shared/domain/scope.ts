import type { PrincipalType } from './model.js';
import type { RunContext } from './runs/run.js';

/**
 * What an event names for reconciliation (docs/design.md §1). Events never say what to change; they only
 * say which part of the organization to bring back in line with the rules.
 */
export type Scope =
  | { readonly kind: 'account'; readonly accountId: string }
  | { readonly kind: 'principal'; readonly principalType: PrincipalType; readonly principalId: string }
  | { readonly kind: 'account-removed'; readonly accountId: string }
  | { readonly kind: 'all' };

/** Why a work item exists: the event (or schedule) that named the scope. */
export interface WorkItemOrigin {
  /** EventBridge event id, or a synthetic id for the schedule and the fan-out. */
  readonly eventId: string;
  /** CloudTrail `eventName` or EventBridge `detail-type`. */
  readonly eventName: string;
  readonly source: string;
}

export interface WorkItem {
  readonly scope: Scope;
  readonly origin: WorkItemOrigin;
  /**
   * The run the item belongs to (docs/design.md §1 "Runs"). Absent on event items queued by the
   * intake, whose run is the event itself; the worker then plans the scope live.
   */
  readonly run?: RunContext;
}

export class ScopeKeyError extends Error {
  constructor(key: string) {
    super(`Not a scope key: ${JSON.stringify(key)}`);
    this.name = 'ScopeKeyError';
  }
}

/**
 * The string form of a scope, used as the SQS FIFO `MessageGroupId`.
 *
 * @example
 * scopeKey({ kind: 'principal', principalType: 'USER', principalId: 'u-1' }) // 'principal:USER:u-1'
 */
export const scopeKey = (scope: Scope): string => {
  switch (scope.kind) {
    case 'account':
      return `account:${scope.accountId}`;
    case 'account-removed':
      return `account-removed:${scope.accountId}`;
    case 'principal':
      return `principal:${scope.principalType}:${scope.principalId}`;
    case 'all':
      return 'all';
  }
};

/**
 * The SQS FIFO `MessageGroupId` of a work item: its scope key, so that two reconciles of one scope
 * never run at once; for a part of an organization-wide run's read, the part
 * (`run:<runId>:<part>`), so that the parts of one run are read side by side while a part that
 * continues in a new item still follows its own earlier item. Every queue, real or modelled,
 * groups with this.
 *
 * @example
 * messageGroupId({ scope: { kind: 'all' }, origin, run: { runId: 'schedule-e1', rulesVersion, read: { name: 'accounts-100', from: 0 } } })
 * // 'run:schedule-e1:accounts-100'
 */
export const messageGroupId = (item: WorkItem): string =>
  item.run?.read === undefined ? scopeKey(item.scope) : `run:${item.run.runId}:${item.run.read.name}`;

const ACCOUNT_ID = /^\d{12}$/;
const PRINCIPAL_ID = /^[A-Za-z0-9-]{1,47}$/;

/** The inverse of {@link scopeKey}; throws {@link ScopeKeyError} on anything else. */
export const parseScopeKey = (key: string): Scope => {
  if (key === 'all') return { kind: 'all' };
  const [kind, a, b, ...rest] = key.split(':');
  if (rest.length === 0 && a !== undefined) {
    if (kind === 'account' && b === undefined && ACCOUNT_ID.test(a)) return { kind, accountId: a };
    if (kind === 'account-removed' && b === undefined && ACCOUNT_ID.test(a)) return { kind, accountId: a };
    if (kind === 'principal' && (a === 'USER' || a === 'GROUP') && b !== undefined && PRINCIPAL_ID.test(b)) {
      return { kind, principalType: a, principalId: b };
    }
  }
  throw new ScopeKeyError(key);
};

import { type Scope, scopeKey, type WorkItem, type WorkItemOrigin } from '../domain/scope.js';

/**
 * What one inbound event means for reconciliation: the scopes to reconcile, or a recognised event
 * that needs nothing (the caller logs the reason and returns).
 */
export type ParseResult =
  | { readonly kind: 'work'; readonly items: readonly WorkItem[] }
  | { readonly kind: 'ignored'; readonly reason: string };

/**
 * An event we handle that lacks a field we need. Thrown (never returned) so that the Lambda
 * invocation fails, is retried and finally lands in the DLQ: a lost account or offboarding event
 * must never be dropped quietly. The message names the event and the missing field, never a value
 * from the payload (CloudTrail records carry identities).
 */
export class MalformedEventError extends Error {
  readonly eventId: string | undefined;
  readonly eventName: string | undefined;
  readonly problem: string;

  constructor(
    event: { readonly eventId?: string | undefined; readonly eventName?: string | undefined },
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`Malformed event ${event.eventId ?? '(no id)'} (${event.eventName ?? 'unknown type'}): ${problem}`, options);
    this.name = 'MalformedEventError';
    this.eventId = event.eventId;
    this.eventName = event.eventName;
    this.problem = problem;
  }
}

/** The identity of the event being parsed, carried into every work item and error. */
export type EventContext = WorkItemOrigin;

/** Work items for the given scopes; a scope named twice by one event is enqueued once. */
export const work = (context: EventContext, scopes: readonly Scope[]): ParseResult => {
  const unique = new Map(scopes.map((scope) => [scopeKey(scope), scope]));
  return { kind: 'work', items: [...unique.values()].map((scope) => ({ scope, origin: { ...context } })) };
};

export const ignored = (reason: string): ParseResult => ({ kind: 'ignored', reason });

import * as z from 'zod/mini';
import { accountIdSchema, type FieldAt, fieldAt, parseOrThrow, requireAt } from './ids.js';
import { type EventContext, ignored, type ParseResult, work } from './result.js';

export const CONTROL_TOWER_EVENT_SOURCE = 'controltower.amazonaws.com';

/** Control Tower lifecycle events that name an account (docs/aws-facts.md §1.2). */
export const CONTROL_TOWER_EVENT_NAMES = ['CreateManagedAccount', 'UpdateManagedAccount'] as const;

interface StatusReader {
  readonly state: FieldAt<string>;
  readonly accountId: readonly FieldAt<string>[];
}

const statusReader = (field: string): StatusReader => ({
  state: fieldAt(`serviceEventDetails.${field}.state`, z.string()),
  accountId: [fieldAt(`serviceEventDetails.${field}.account.accountId`, accountIdSchema)],
});

const STATUS: ReadonlyMap<string, StatusReader> = new Map([
  ['CreateManagedAccount', statusReader('createManagedAccountStatus')],
  ['UpdateManagedAccount', statusReader('updateManagedAccountStatus')],
]);

/**
 * Maps a Control Tower lifecycle record (no `errorCode`) to the account it vended or updated. The
 * OU in the event is not used: an Account Factory move also arrives as `UpdateManagedAccount`, and
 * the worker reads the live parent either way.
 */
export const parseControlTowerRecord = (context: EventContext, detail: unknown): ParseResult => {
  const reader = STATUS.get(context.eventName);
  if (reader === undefined) return ignored(`Control Tower ${context.eventName} is not handled`);
  const state = parseOrThrow(context, reader.state.schema, detail);
  if (state !== 'SUCCEEDED') return ignored(`managed account state is ${state}, not SUCCEEDED`);
  const accountId = requireAt(context, detail, reader.accountId, 'account id');
  return work(context, [{ kind: 'account', accountId }]);
};

import * as z from 'zod/mini';
import type { Scope } from '../domain/scope.js';
import { accountIdSchema, fieldAt, firstAt, parseOrThrow, requireAt } from './ids.js';
import { type EventContext, ignored, MalformedEventError, type ParseResult, work } from './result.js';

export const ORGANIZATIONS_EVENT_SOURCE = 'organizations.amazonaws.com';

/** Organizations event names that name a scope (the EventBridge rule matches exactly these). */
export const ORGANIZATIONS_EVENT_NAMES = [
  'CreateAccountResult',
  'AccountJoinedOrganization',
  'AcceptHandshake',
  'MoveAccount',
  'TagResource',
  'UntagResource',
  'RemoveAccountFromOrganization',
  'CloseAccount',
  'CloseAccountResult',
  'AccountDepartedOrganization',
] as const;

/** Recognised but deliberately not acted on; the reason is logged by the caller. */
const IGNORED_WITH_REASON: ReadonlyMap<string, string> = new Map([
  ['CreateAccount', 'CreateAccount carries no account id yet; CreateAccountResult names the account'],
  ['CreateOrganizationalUnit', 'a new OU holds no accounts; MoveAccount names each account moved into it'],
  ['InviteAccountToOrganization', 'an invited account joins only when it accepts; AcceptHandshake names it'],
]);

const account = (accountId: string): Scope => ({ kind: 'account', accountId });
const accountRemoved = (accountId: string): Scope => ({ kind: 'account-removed', accountId });

const requestAccountId = [fieldAt('requestParameters.accountId', accountIdSchema)];
const createdAccountId = [fieldAt('serviceEventDetails.createAccountStatus.accountId', accountIdSchema)];
const closedAccountId = [fieldAt('serviceEventDetails.closeAccountStatus.accountId', accountIdSchema)];
const taggedAccountId = [fieldAt('requestParameters.resourceId', accountIdSchema)];
const bareAccountId = [fieldAt('accountId', accountIdSchema)];

const createAccountStatus = z.looseObject({
  serviceEventDetails: z.looseObject({
    createAccountStatus: z.looseObject({ state: z.string(), accountId: z.optional(z.unknown()) }),
  }),
});

const closeAccountStatus = z.looseObject({
  serviceEventDetails: z.looseObject({
    closeAccountStatus: z.looseObject({ state: z.string(), accountId: z.optional(z.unknown()) }),
  }),
});

const handshake = z.looseObject({
  responseElements: z.looseObject({
    handshake: z.looseObject({
      action: z.string(),
      state: z.string(),
      parties: z.array(z.looseObject({ type: z.string(), id: z.unknown() })),
    }),
  }),
});

const tagResource = z.looseObject({ requestParameters: z.looseObject({ resourceId: z.string() }) });

/** Roots (`r-`), OUs (`ou-`), policies (`p-`) and other non-account resources all have a prefix. */
const NON_ACCOUNT_RESOURCE_ID = /^[a-z]{1,4}-/;

const jsonObject = () => z.nullish(z.record(z.string(), z.unknown()));
const membershipRecord = z.looseObject({
  serviceEventDetails: jsonObject(),
  requestParameters: jsonObject(),
  responseElements: jsonObject(),
});

/**
 * Account ids of `AccountJoinedOrganization` / `AccountDepartedOrganization`. Their JSON is not
 * published (docs/aws-facts.md §1.1, §5 question 1), so `accountId` is accepted directly under
 * `serviceEventDetails`, `requestParameters` or `responseElements`, or one object deeper inside
 * `serviceEventDetails` (where Organizations' other service events keep it, e.g.
 * `createAccountStatus.accountId`).
 */
const membershipChangeAccountIds = (context: EventContext, detail: unknown): readonly string[] => {
  const record = parseOrThrow(context, membershipRecord, detail);
  const places: unknown[] = [record.serviceEventDetails, record.requestParameters, record.responseElements];
  for (const nested of Object.values(record.serviceEventDetails ?? {})) places.push(nested);
  const ids = new Set<string>();
  for (const place of places) {
    const id = firstAt(place, bareAccountId);
    if (id !== undefined) ids.add(id);
  }
  if (ids.size === 0) {
    throw new MalformedEventError(
      context,
      'no well-formed accountId under serviceEventDetails (or one level below it), requestParameters or responseElements',
    );
  }
  return [...ids];
};

/** Maps an Organizations CloudTrail record (no `errorCode`) to scopes. */
export const parseOrganizationsRecord = (context: EventContext, detail: unknown): ParseResult => {
  switch (context.eventName) {
    case 'CreateAccountResult': {
      const status = parseOrThrow(context, createAccountStatus, detail).serviceEventDetails.createAccountStatus;
      if (status.state !== 'SUCCEEDED') return ignored(`account creation is ${status.state}, not SUCCEEDED`);
      const accountId = requireAt(context, detail, createdAccountId, 'account id');
      return work(context, [account(accountId)]);
    }
    case 'AccountJoinedOrganization':
      return work(context, membershipChangeAccountIds(context, detail).map(account));
    case 'AccountDepartedOrganization':
      return work(context, membershipChangeAccountIds(context, detail).map(accountRemoved));
    case 'AcceptHandshake': {
      const { action, state, parties } = parseOrThrow(context, handshake, detail).responseElements.handshake;
      if (action.toUpperCase() !== 'INVITE') return ignored(`handshake action ${action} does not add an account`);
      if (state.toUpperCase() !== 'ACCEPTED') return ignored(`handshake state is ${state}, not ACCEPTED`);
      const accountParties = parties.filter((party) => party.type.toUpperCase() === 'ACCOUNT');
      const accountIds = accountParties.map((party) => accountIdSchema.safeParse(party.id));
      if (accountIds.length === 0 || accountIds.some((id) => !id.success)) {
        throw new MalformedEventError(context, 'responseElements.handshake.parties has no well-formed ACCOUNT party');
      }
      return work(
        context,
        accountIds.flatMap((id) => (id.success ? [account(id.data)] : [])),
      );
    }
    case 'MoveAccount':
      // The destination OU in the event is not used: the worker reads the live parent, so a
      // replayed or reordered move can never place access by a stale OU.
      return work(context, [account(requireAt(context, detail, requestAccountId, 'account id'))]);
    case 'TagResource':
    case 'UntagResource': {
      const { resourceId } = parseOrThrow(context, tagResource, detail).requestParameters;
      if (NON_ACCOUNT_RESOURCE_ID.test(resourceId)) return ignored('tagged resource is not an account');
      return work(context, [account(requireAt(context, detail, taggedAccountId, 'account id'))]);
    }
    case 'RemoveAccountFromOrganization':
    case 'CloseAccount':
      // CloseAccount only starts a closure, which can still fail: the worker revokes on an
      // account-removed scope only once the account reads as gone or SUSPENDED, or the scope came
      // from a CloseAccountResult that SUCCEEDED.
      return work(context, [accountRemoved(requireAt(context, detail, requestAccountId, 'account id'))]);
    case 'CloseAccountResult': {
      const status = parseOrThrow(context, closeAccountStatus, detail).serviceEventDetails.closeAccountStatus;
      const accountId = requireAt(context, detail, closedAccountId, 'account id');
      // A closure that did not succeed leaves the account in the organization: reconcile it, so
      // that it has its access whatever happened while it was closing.
      return work(context, [status.state === 'SUCCEEDED' ? accountRemoved(accountId) : account(accountId)]);
    }
    default:
      return ignored(IGNORED_WITH_REASON.get(context.eventName) ?? `Organizations ${context.eventName} is not handled`);
  }
};

import * as z from 'zod/mini';
import { accountIdSchema, fieldAt, firstAt, requireAt } from './ids.js';
import { type EventContext, ignored, type ParseResult, work } from './result.js';

/**
 * Account assignments changed by hand (the console, the CLI, another tool) are drift that would
 * otherwise last until the next sweep. CloudTrail logs them as IAM Identity Center API calls in the
 * account that made the call, in the Identity Center home Region (docs/aws-facts.md §1.4, §2).
 */
export const ASSIGNMENT_EVENT_SOURCE = 'sso.amazonaws.com';

/** The assignment writes whose target account is reconciled. */
export const ASSIGNMENT_EVENT_NAMES: readonly string[] = ['CreateAccountAssignment', 'DeleteAccountAssignment'];

const TARGET_ID = fieldAt('requestParameters.targetId', accountIdSchema);
const TARGET_TYPE = fieldAt('requestParameters.targetType', z.string());

/**
 * Maps a successful assignment write to the account it touched. The event only says where to look:
 * the account's reconcile re-reads its assignments live, so a hand-made grant of a managed
 * permission set is revoked, a hand-made revocation of a wanted one is granted back, and a write of
 * an unmanaged permission set changes nothing.
 */
export const parseAssignmentRecord = (context: EventContext, detail: unknown): ParseResult => {
  if (!ASSIGNMENT_EVENT_NAMES.includes(context.eventName)) {
    return ignored(`Identity Center event ${context.eventName} is not handled`);
  }
  // AWS_ACCOUNT is the only target type the API has today; another one would not name an account.
  const targetType = firstAt(detail, [TARGET_TYPE]);
  if (targetType !== undefined && targetType !== 'AWS_ACCOUNT') {
    return ignored(`assignment target type ${targetType} is not an account`);
  }
  const accountId = requireAt(context, detail, [TARGET_ID], 'target account id');
  return work(context, [{ kind: 'account', accountId }]);
};

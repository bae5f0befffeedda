import * as z from 'zod/mini';
import { fieldAt, firstAt } from './ids.js';

/**
 * The worker's own writes must not come back as drift: a sweep that creates a thousand
 * assignments would otherwise queue a thousand reconciles of what it has just done, and two
 * reconciles racing on one account could chase each other. CloudTrail names the caller in
 * `userIdentity`; a Lambda function calls AWS as an assumed-role session of its execution role.
 */

/** Why a record of the worker's own call is ignored. */
export const OWN_WRITE_REASON = "the worker's own change, not drift";

const ISSUER_ARN = fieldAt('userIdentity.sessionContext.sessionIssuer.arn', z.string().check(z.minLength(1)));
const CALLER_ARN = fieldAt('userIdentity.arn', z.string().check(z.minLength(1)));

/** `arn:<partition>:iam::<account>:role/<path/>name` → partition, account and name (STS ARNs drop the path). */
const ROLE_ARN = /^arn:([a-z-]+):iam::(\d{12}):role\/(?:[^/]+\/)*([^/]+)$/;
/** `arn:<partition>:sts::<account>:assumed-role/<name>/<session>`. */
const ASSUMED_ROLE_ARN = /^arn:([a-z-]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;

/** Whether `value` is an IAM role ARN the intake can recognise its own writes by. */
export const isRoleArn = (value: string): boolean => ROLE_ARN.test(value);

/**
 * Whether a CloudTrail record is of a call made by a session of the role `roleArn`. The session
 * issuer's ARN is compared first (it is the role ARN itself, path included); a record without one
 * is compared by its assumed-role caller ARN, which names the same role without its path and with
 * a session name (the function name, for Lambda). A record that names neither is not ours: an
 * unrecognised caller is reconciled, never ignored.
 *
 * @example
 * madeByRole(record, 'arn:aws:iam::111122223333:role/idc-lifecycle-worker') // true for the worker's writes
 */
export const madeByRole = (detail: unknown, roleArn: string): boolean => {
  const issuer = firstAt(detail, [ISSUER_ARN]);
  if (issuer !== undefined) return issuer === roleArn;
  const role = ROLE_ARN.exec(roleArn);
  const caller = ASSUMED_ROLE_ARN.exec(firstAt(detail, [CALLER_ARN]) ?? '');
  if (role === null || caller === null) return false;
  return caller[1] === role[1] && caller[2] === role[2] && caller[3] === role[3];
};

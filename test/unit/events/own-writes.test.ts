import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { madeByRole } from '../../../shared/events/own-writes.js';

const WORKER = 'arn:aws:iam::111122223333:role/idc-lifecycle-worker';

const issuedBy = (arn: string | undefined, callerArn?: string) => ({
  userIdentity: {
    type: 'AssumedRole',
    ...(callerArn === undefined ? {} : { arn: callerArn }),
    sessionContext: { sessionIssuer: arn === undefined ? {} : { type: 'Role', arn } },
  },
});

describe('madeByRole', () => {
  it.each([
    ['the session issuer is the role', issuedBy(WORKER), WORKER, true],
    [
      'the session issuer is the role with its path',
      issuedBy('arn:aws:iam::111122223333:role/service/idc-lifecycle-worker'),
      'arn:aws:iam::111122223333:role/service/idc-lifecycle-worker',
      true,
    ],
    [
      'only the assumed-role caller ARN names the role (session name aside)',
      issuedBy(undefined, 'arn:aws:sts::111122223333:assumed-role/idc-lifecycle-worker/idc-lifecycle-worker-fn'),
      WORKER,
      true,
    ],
    [
      'the assumed-role caller names a role with a path, which STS ARNs leave out',
      issuedBy(undefined, 'arn:aws:sts::111122223333:assumed-role/idc-lifecycle-worker/fn'),
      'arn:aws:iam::111122223333:role/service/idc-lifecycle-worker',
      true,
    ],
  ])('is true when %s', (_, record, roleArn, expected) => {
    // Act
    const result = madeByRole(record, roleArn);

    // Assess
    expect(result).toBe(expected);
  });

  it.each([
    ['another role issued the session', issuedBy('arn:aws:iam::111122223333:role/PlatformAdmin'), WORKER],
    [
      'a role of the same name in another account issued it',
      issuedBy('arn:aws:iam::444455556666:role/idc-lifecycle-worker'),
      WORKER,
    ],
    [
      'the issuer is another role even though the caller ARN names the worker',
      issuedBy(
        'arn:aws:iam::111122223333:role/PlatformAdmin',
        'arn:aws:sts::111122223333:assumed-role/idc-lifecycle-worker/fn',
      ),
      WORKER,
    ],
    [
      'the assumed-role caller is in another account',
      issuedBy(undefined, 'arn:aws:sts::444455556666:assumed-role/idc-lifecycle-worker/fn'),
      WORKER,
    ],
    [
      'the assumed-role caller is in another partition',
      issuedBy(undefined, 'arn:aws-us-gov:sts::111122223333:assumed-role/idc-lifecycle-worker/fn'),
      WORKER,
    ],
    [
      'a role whose name only starts like the worker issued it',
      issuedBy('arn:aws:iam::111122223333:role/idc-lifecycle-worker-copy'),
      WORKER,
    ],
    [
      'the root user made the call (an empty session issuer)',
      issuedBy(undefined, 'arn:aws:iam::111122223333:root'),
      WORKER,
    ],
    ['the record names no caller at all', { eventName: 'CreateAccountAssignment' }, WORKER],
    [
      'the abridged record names the role by its user name only',
      { userIdentity: { type: 'AssumedRole', sessionIssuer: { userName: 'idc-lifecycle-worker' } } },
      WORKER,
    ],
  ])('is false when %s, so the change is reconciled', (_, record, roleArn) => {
    // Act
    const result = madeByRole(record, roleArn);

    // Assess
    expect(result).toBe(false);
  });

  it('never calls a record ours whose issuer differs from the role, whatever else it says', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.anything(), (issuer, caller) => {
        // Prepare
        fc.pre(issuer !== WORKER);
        const record = { userIdentity: { arn: caller, sessionContext: { sessionIssuer: { arn: issuer } } } };

        // Act / Assess
        expect(madeByRole(record, WORKER)).toBe(false);
      }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkOriginAccount } from '../../../shared/events/origin.js';

const MANAGEMENT = '111111111111';
const AUTOMATION = '999999999999';
const OTHER = '444444444444';
const accounts = { management: MANAGEMENT, automation: AUTOMATION };

const cloudTrail = (source: string, eventSource: string | undefined, account: string) => ({
  id: 'evt-1',
  'detail-type': 'AWS API Call via CloudTrail',
  source,
  account,
  detail: eventSource === undefined ? { eventName: 'Anything' } : { eventSource, eventName: 'Anything' },
});
const event = (source: string, detailType: string, account: string) => ({
  id: 'evt-1',
  'detail-type': detailType,
  source,
  account,
  detail: {},
});

describe('checkOriginAccount', () => {
  it.each([
    ['Organizations', (a: string) => cloudTrail('aws.organizations', 'organizations.amazonaws.com', a), [MANAGEMENT]],
    ['Control Tower', (a: string) => cloudTrail('aws.controltower', 'controltower.amazonaws.com', a), [MANAGEMENT]],
    ['an account tag change', (a: string) => event('aws.tag', 'Tag Change on Resource', a), [MANAGEMENT]],
    [
      'an Identity Center console change',
      (a: string) => cloudTrail('aws.sso-directory', 'sso-directory.amazonaws.com', a),
      [MANAGEMENT, AUTOMATION],
    ],
    [
      'an Identity Store API change',
      (a: string) => cloudTrail('aws.identitystore', 'identitystore.amazonaws.com', a),
      [MANAGEMENT, AUTOMATION],
    ],
    [
      'a SCIM change',
      (a: string) => cloudTrail('aws.identitystore-scim', 'identitystore-scim.amazonaws.com', a),
      [MANAGEMENT, AUTOMATION],
    ],
    [
      'an account assignment write (drift)',
      (a: string) => cloudTrail('aws.sso', 'sso.amazonaws.com', a),
      [MANAGEMENT, AUTOMATION],
    ],
    [
      'a native Identity Store notification',
      (a: string) => event('aws.identitystore', 'User Deleted', a),
      [MANAGEMENT, AUTOMATION],
    ],
    ['a rules change', (a: string) => event('aws.ssm', 'Parameter Store Change', a), [AUTOMATION]],
    ['a scheduled rule', (a: string) => event('aws.events', 'Scheduled Event', a), [AUTOMATION]],
    [
      'a CloudTrail record without eventSource, judged by its source',
      (a: string) => cloudTrail('aws.organizations', undefined, a),
      [MANAGEMENT],
    ],
  ])('accepts %s only from the accounts it is delivered from', (_, build, allowed) => {
    // Prepare
    const candidates = [MANAGEMENT, AUTOMATION, OTHER];

    // Act
    const accepted = candidates.filter((account) => checkOriginAccount(build(account), accounts).kind === 'accepted');

    // Assess
    expect(accepted).toEqual(allowed);
  });

  it('judges a CloudTrail record by detail.eventSource, as the parser does, whatever its source says', () => {
    // Prepare
    const forged = cloudTrail('custom.forwarder', 'identitystore.amazonaws.com', OTHER);

    // Act
    const check = checkOriginAccount(forged, accounts);

    // Assess
    expect(check).toEqual({
      kind: 'refused',
      reason: `identitystore.amazonaws.com events are accepted only from account ${MANAGEMENT} or ${AUTOMATION}`,
      source: 'custom.forwarder',
      account: OTHER,
    });
  });

  it('refuses an event of a known kind that carries no account', () => {
    // Prepare
    const { account: _, ...withoutAccount } = cloudTrail(
      'aws.organizations',
      'organizations.amazonaws.com',
      MANAGEMENT,
    );

    // Act
    const check = checkOriginAccount(withoutAccount, accounts);

    // Assess
    expect(check).toMatchObject({ kind: 'refused', account: undefined });
  });

  it.each([
    ['the sweep command', { 'idc-lifecycle': 'sweep' }],
    ['an event of a kind the parser ignores', event('aws.ec2', 'EC2 Instance State-change Notification', OTHER)],
  ])('leaves %s to the parser', (_, input) => {
    // Prepare / Act
    const check = checkOriginAccount(input, accounts);

    // Assess
    expect(check).toEqual({ kind: 'accepted' });
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        expect(['accepted', 'refused']).toContain(checkOriginAccount(input, accounts).kind);
      }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScopeKey, scopeKey } from '../../../shared/domain/scope.js';
import { MalformedEventError, parseEvent } from '../../../shared/events/index.js';
import {
  asDelivered,
  listJsonFiles,
  PUBLIC_SAMPLES,
  RULES_PATH,
  readJson,
  SYNTHETIC_FIXTURES,
  WORKER_ROLE_ARN,
} from './support.js';

/**
 * Whatever arrives, parseEvent either returns a result whose every scope is well-formed, or throws
 * MalformedEventError. Anything else thrown fails the property.
 */
const assertWellBehaved = (event: unknown): void => {
  let result: ReturnType<typeof parseEvent>;
  try {
    result = parseEvent(event, { rulesPath: RULES_PATH, workerRoleArn: WORKER_ROLE_ARN });
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedEventError);
    return;
  }
  if (result.kind === 'ignored') {
    expect(typeof result.reason).toBe('string');
    return;
  }
  expect(result.items.length).toBeGreaterThan(0);
  for (const item of result.items) {
    expect(parseScopeKey(scopeKey(item.scope))).toEqual(item.scope);
    expect(item.origin).toEqual({
      eventId: expect.any(String),
      eventName: expect.any(String),
      source: expect.any(String),
    });
  }
};

const deliveredEvents: readonly Record<string, unknown>[] = [
  ...listJsonFiles(PUBLIC_SAMPLES).map((path) => asDelivered(path, readJson(PUBLIC_SAMPLES, path))),
  ...listJsonFiles(SYNTHETIC_FIXTURES).map((path) => readJson(SYNTHETIC_FIXTURES, path)),
];

type Path = readonly (string | number)[];

const pathsOf = (value: unknown, prefix: Path = []): Path[] => {
  if (typeof value !== 'object' || value === null) return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, child]) => pathsOf(child, [...prefix, key]))];
};

const replaceAt = (value: unknown, path: Path, replacement: unknown): unknown => {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  if (Array.isArray(value)) {
    if (typeof head !== 'number') return value;
    const copy = [...value];
    if (rest.length === 0 && replacement === undefined) copy.splice(head, 1);
    else copy[head] = replaceAt(copy[head], rest, replacement);
    return copy;
  }
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = { ...value };
  const key = String(head);
  if (rest.length === 0 && replacement === undefined) delete copy[key];
  else copy[key] = replaceAt(copy[key], rest, replacement);
  return copy;
};

/** Values that look like what AWS puts in these fields, valid and not. */
const plausibleValue = fc.oneof(
  fc.constantFrom(
    'HIDDEN_DUE_TO_SECURITY_REASONS',
    '****',
    'xxxx',
    'INSERT_ACCOUNT_ID',
    '123456789012',
    '12345678901',
    '1234567890123',
    'ou-ab12-11111111',
    'r-ab12',
    'SUCCEEDED',
    'FAILED',
    'ACCEPTED',
    'INVITE',
    'ACCOUNT',
    '93670dc30f-6d321996-eab8-4d2e-9f41-0db53b051a5b',
    '6d321996-eab8-4d2e-9f41-0db53b051a5b',
    '/idc-lifecycle/rules/x',
    'arn:aws:organizations::111122223333:account/o-aa111bb222/123456789012',
    'arn:aws:identitystore:::user/6d321996-eab8-4d2e-9f41-0db53b051a5b',
    'AWS_ACCOUNT',
    'arn:aws:iam::111122223333:role/idc-lifecycle-worker',
    '__proto__',
    'constructor',
    '',
  ),
  fc.jsonValue({ maxDepth: 1 }),
  fc.constant(undefined),
);

const mutation = fc.record({ pick: fc.nat(), value: plausibleValue });

describe('parseEvent under fuzzing', () => {
  it('throws nothing but MalformedEventError for arbitrary JSON values', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), assertWellBehaved), { numRuns: 500 });
  });

  it('throws nothing but MalformedEventError for arbitrary values that JSON cannot hold', () => {
    fc.assert(
      fc.property(fc.anything({ withMap: true, withSet: true, withBigInt: true, withDate: true }), assertWellBehaved),
      {
        numRuns: 300,
      },
    );
  });

  it('throws nothing but MalformedEventError and names only well-formed scopes for mutated samples', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: deliveredEvents.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (index, mutations) => {
          let event: unknown = deliveredEvents[index];
          for (const { pick, value } of mutations) {
            const paths = pathsOf(event);
            const path = paths[pick % paths.length] ?? [];
            event = replaceAt(event, path, value);
          }
          assertWellBehaved(event);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('throws nothing but MalformedEventError for random records with handled names and sources', () => {
    const names = fc.constantFrom(
      'CreateAccountResult',
      'AccountJoinedOrganization',
      'AccountDepartedOrganization',
      'AcceptHandshake',
      'MoveAccount',
      'TagResource',
      'CloseAccountResult',
      'CreateManagedAccount',
      'UpdateManagedAccount',
      'CreateUser',
      'PatchGroup',
      'AddMemberToGroup',
      'CreateGroupMembership',
      'DeleteGroupMembership',
      'CreateAccountAssignment',
      'DeleteAccountAssignment',
    );
    const sources = fc.constantFrom(
      'sso.amazonaws.com',
      'organizations.amazonaws.com',
      'controltower.amazonaws.com',
      'sso-directory.amazonaws.com',
      'identitystore.amazonaws.com',
      'identitystore-scim.amazonaws.com',
    );
    const nested = fc.dictionary(
      fc.constantFrom(
        'accountId',
        'userId',
        'groupId',
        'id',
        'state',
        'member',
        'memberId',
        'handshake',
        'account',
        'targetId',
        'targetType',
      ),
      fc.oneof(
        plausibleValue,
        fc.dictionary(fc.constantFrom('accountId', 'userId', 'memberId', 'state', 'parties'), plausibleValue),
      ),
    );
    const record = fc.record({
      eventSource: sources,
      eventName: names,
      userIdentity: fc.dictionary(
        fc.constantFrom('arn', 'type', 'sessionContext'),
        fc.oneof(plausibleValue, fc.record({ sessionIssuer: fc.dictionary(fc.constantFrom('arn'), plausibleValue) })),
      ),
      requestParameters: fc.oneof(fc.constant(null), nested),
      responseElements: fc.oneof(fc.constant(null), nested),
      serviceEventDetails: fc.oneof(
        nested,
        fc.dictionary(
          fc.constantFrom(
            'createAccountStatus',
            'closeAccountStatus',
            'createManagedAccountStatus',
            'updateManagedAccountStatus',
          ),
          nested,
        ),
      ),
    });
    const envelope = fc.record({
      id: fc.string({ minLength: 1 }),
      'detail-type': fc.constantFrom('AWS API Call via CloudTrail', 'AWS Service Event via CloudTrail'),
      source: fc.constantFrom(
        'aws.organizations',
        'aws.controltower',
        'aws.identitystore',
        'aws.sso-directory',
        'aws.sso',
      ),
      resources: fc.array(plausibleValue, { maxLength: 2 }),
      detail: record,
    });
    fc.assert(fc.property(envelope, assertWellBehaved), { numRuns: 600 });
  });

  it('throws nothing but MalformedEventError for random non-CloudTrail events we handle', () => {
    const envelope = fc.record({
      id: fc.string({ minLength: 1 }),
      'detail-type': fc.constantFrom(
        'Tag Change on Resource',
        'Parameter Store Change',
        'Scheduled Event',
        'User Created',
        'User Deleted',
        'Group Updated',
        'Group Membership Created',
        'Group Membership Deleted',
      ),
      source: fc.constantFrom('aws.tag', 'aws.ssm', 'aws.events', 'aws.identitystore'),
      resources: fc.oneof(fc.array(plausibleValue, { maxLength: 3 }), plausibleValue),
      detail: fc.dictionary(
        fc.constantFrom(
          'service',
          'resource-type',
          'name',
          'operation',
          'userId',
          'groupId',
          'id',
          'memberId',
          'user-id',
        ),
        plausibleValue,
      ),
    });
    fc.assert(fc.property(envelope, assertWellBehaved), { numRuns: 1500 });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROTOTYPE_KEY_PROBLEM, prototypeKeyPaths } from '../../../shared/domain/prototype-keys.js';
import { MalformedEventError, parseEvent } from '../../../shared/events/index.js';
import { outcomeOf, RULES_PATH } from './support.js';

/** A MoveAccount call as EventBridge delivers it; only the fields the parser reads, and a few it does not. */
const moveAccount = () => ({
  version: '0',
  id: 'e-move',
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.organizations',
  account: '111122223333',
  region: 'us-east-1',
  resources: [],
  detail: {
    eventSource: 'organizations.amazonaws.com',
    eventName: 'MoveAccount',
    requestParameters: {
      accountId: '222233334444',
      sourceParentId: 'r-ab12',
      destinationParentId: 'ou-ab12-11111111',
    },
  },
});

const tagChange = () => ({
  version: '0',
  id: 'e-tag',
  'detail-type': 'Tag Change on Resource',
  source: 'aws.tag',
  resources: ['arn:aws:organizations::111122223333:account/o-aa111bb222/222233334444'],
  detail: { service: 'organizations', 'resource-type': 'account', 'changed-tag-keys': ['env'], tags: { env: 'prod' } },
});

/** The event's JSON text with `"key": value` added as the first member of the object at `path`, parsed as Lambda does. */
const delivered = (event: object, path: readonly string[], key: string, value: unknown): unknown => {
  const marker = '"__marker__":0';
  const copy = structuredClone(event) as Record<string, unknown>;
  let node = copy;
  for (const step of path) node = node[step] as Record<string, unknown>;
  const entries = Object.entries(node);
  for (const name of Object.keys(node)) delete node[name];
  Object.assign(node, { __marker__: 0 }, Object.fromEntries(entries));
  return JSON.parse(JSON.stringify(copy).replace(marker, () => `${JSON.stringify(key)}:${JSON.stringify(value)}`));
};

const problemOf = (event: unknown): MalformedEventError | undefined => {
  try {
    parseEvent(event, { rulesPath: RULES_PATH });
    return undefined;
  } catch (error) {
    if (error instanceof MalformedEventError) return error;
    throw error;
  }
};

describe('parseEvent (__proto__ keys)', () => {
  it.each<[string, object, string[], unknown, string]>([
    [
      'where the parser reads the account id',
      moveAccount(),
      ['detail', 'requestParameters'],
      { accountId: '999999999999' },
      'detail.requestParameters.__proto__',
    ],
    ['in the CloudTrail record', moveAccount(), ['detail'], { eventName: 'CreateAccountResult' }, 'detail.__proto__'],
    ['in the envelope', moveAccount(), [], { source: 'aws.tag' }, '__proto__'],
    ['in a part the parser never reads', tagChange(), ['detail', 'tags'], 'prod', 'detail.tags.__proto__'],
    ['in a sweep command', { 'idc-lifecycle': 'sweep' }, [], {}, '__proto__'],
  ])('refuses an event with __proto__ %s, naming the path', (_name, event, path, value, where) => {
    // Act
    const problem = problemOf(delivered(event, path, '__proto__', value));

    // Assess
    expect(problem?.problem).toBe(`${where}: ${PROTOTYPE_KEY_PROBLEM}`);
  });

  it('names the event it refuses', () => {
    // Act
    const problem = problemOf(delivered(moveAccount(), ['detail'], '__proto__', {}));

    // Assess
    expect(problem).toMatchObject({ eventId: 'e-move', eventName: 'AWS API Call via CloudTrail' });
  });

  it('refuses __proto__ anywhere and reads every other key as it did without it', () => {
    const key = fc.oneof(
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'accountId', 'eventName'),
      fc.string({ maxLength: 10 }),
    );
    const place = fc.constantFrom<[() => object, string[]]>(
      [moveAccount, []],
      [moveAccount, ['detail']],
      [moveAccount, ['detail', 'requestParameters']],
      [tagChange, ['detail']],
      [tagChange, ['detail', 'tags']],
    );
    fc.assert(
      fc.property(place, key, fc.jsonValue({ maxDepth: 2 }), ([event, path], name, value) => {
        // Prepare
        const plain = event() as Record<string, unknown>;
        let node = plain;
        for (const step of path) node = node[step] as Record<string, unknown>;
        // A key the event already has is replaced, as the later of two equal JSON keys would be.
        fc.pre(name === '__proto__' || !Object.hasOwn(node, name));

        // Act
        const outcome = outcomeOf(delivered(plain, path, name, value));

        // Assess: the added value may hold the key itself (fast-check generates it now and then).
        const inside = prototypeKeyPaths(value).map((at) => [...path, name, ...at].join('.'));
        if (name === '__proto__') {
          expect(outcome).toEqual({ malformed: expect.stringContaining([...path, '__proto__'].join('.')) });
        } else if (inside.length > 0) {
          expect(outcome).toEqual({ malformed: expect.stringContaining(`${inside[0]}: ${PROTOTYPE_KEY_PROBLEM}`) });
        } else {
          expect(outcome).toEqual(outcomeOf(plain));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseEvent (messages)', () => {
  it.each<[string, object, string]>([
    [
      'an account id that is not 12 digits',
      { ...moveAccount(), detail: { ...moveAccount().detail, requestParameters: { accountId: 'HIDDEN' } } },
      'no well-formed account id at requestParameters.accountId',
    ],
    [
      'a status that is not an object',
      {
        ...moveAccount(),
        'detail-type': 'AWS Service Event via CloudTrail',
        detail: {
          eventSource: 'organizations.amazonaws.com',
          eventName: 'CreateAccountResult',
          serviceEventDetails: 3,
        },
      },
      'serviceEventDetails: Invalid input: expected object, received number',
    ],
    [
      'a state that is missing',
      {
        ...moveAccount(),
        'detail-type': 'AWS Service Event via CloudTrail',
        detail: {
          eventSource: 'organizations.amazonaws.com',
          eventName: 'CreateAccountResult',
          serviceEventDetails: { createAccountStatus: { accountId: '222233334444' } },
        },
      },
      'serviceEventDetails.createAccountStatus.state: Invalid input: expected string, received undefined',
    ],
    [
      'a parameter change without a name',
      {
        id: 'e-ssm',
        'detail-type': 'Parameter Store Change',
        source: 'aws.ssm',
        detail: { name: '', operation: 'Update' },
      },
      'name: Too small: expected string to have >=1 characters',
    ],
    [
      'a tag change whose service is not text',
      { ...tagChange(), detail: { service: 7, 'resource-type': 'account' } },
      'service: Invalid input: expected string, received number',
    ],
  ])('says where and why for %s', (_name, event, message) => {
    // Act
    const problem = problemOf(event);

    // Assess
    expect(problem?.problem).toBe(message);
  });
});

import { describe, expect, it } from 'vitest';
import { MalformedEventError, parseEvent } from '../../../shared/events/index.js';
import {
  asDelivered,
  listJsonFiles,
  outcomeOf,
  PUBLIC_SAMPLES,
  RULES_PATH,
  readJson,
  SYNTHETIC_FIXTURES,
  withField,
} from './support.js';

const sample = (path: string): Record<string, unknown> => asDelivered(path, readJson(PUBLIC_SAMPLES, path));
const fixture = (path: string): Record<string, unknown> => readJson(SYNTHETIC_FIXTURES, path);

const HIDDEN = 'HIDDEN_DUE_TO_SECURITY_REASONS';
const USER_ID = 'a1b2c3d4-0099-7099-8099-0123456789ab';

/** Every CloudTrail event (sample or fixture) that names a scope when it succeeds. */
const cloudTrailEventsWithWork = (): [string, Record<string, unknown>][] => {
  const all = [
    ...listJsonFiles(PUBLIC_SAMPLES).map((path): [string, Record<string, unknown>] => [path, sample(path)]),
    ...listJsonFiles(SYNTHETIC_FIXTURES).map((path): [string, Record<string, unknown>] => [path, fixture(path)]),
  ];
  return all.filter(
    ([, event]) =>
      String(event['detail-type']).endsWith('via CloudTrail') &&
      'work' in outcomeOf(withField(event, ['detail', 'errorCode'], undefined)),
  );
};

describe('parseEvent', () => {
  describe('envelope', () => {
    it.each([
      ['null', null],
      ['a number', 42],
      ['a string', 'MoveAccount'],
      ['an array', [{ 'detail-type': 'Scheduled Event', source: 'aws.events', id: 'x' }]],
      ['an empty object', {}],
      ['an event without detail-type', { id: 'e-1', source: 'aws.events', detail: {} }],
      ['an event without source', { id: 'e-1', 'detail-type': 'Scheduled Event', detail: {} }],
      ['an event without id', { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} }],
      ['an event with an empty detail-type', { id: 'e-1', 'detail-type': '', source: 'aws.events', detail: {} }],
      ['an event whose source is not a string', { id: 'e-1', 'detail-type': 'Scheduled Event', source: 7 }],
    ])('throws MalformedEventError for %s', (_, event) => {
      // Prepare
      const act = () => parseEvent(event, { rulesPath: RULES_PATH });

      // Act & Assess
      expect(act).toThrow(MalformedEventError);
    });

    it.each([
      [
        'an EC2 state change',
        { id: 'e-1', source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification' },
      ],
      [
        'a custom application event',
        { id: 'e-1', source: 'com.example.app', 'detail-type': 'Order Placed', detail: {} },
      ],
      [
        'a scheduled event from another source',
        { id: 'e-1', source: 'com.example.cron', 'detail-type': 'Scheduled Event' },
      ],
      [
        'a CloudTrail record from another service, even without an event name',
        {
          id: 'e-1',
          source: 'aws.s3',
          'detail-type': 'AWS API Call via CloudTrail',
          detail: { eventSource: 's3.amazonaws.com' },
        },
      ],
      [
        'an SSM policy action',
        { id: 'e-1', source: 'aws.ssm', 'detail-type': 'Parameter Store Policy Action', detail: {} },
      ],
    ])('ignores %s with a reason', (_, event) => {
      // Prepare
      const act = () => parseEvent(event, { rulesPath: RULES_PATH });

      // Act
      const result = act();

      // Assess
      expect(result).toEqual({ kind: 'ignored', reason: expect.stringMatching(/not handled/) });
    });

    it.each([
      ['null', null],
      ['a string', 'record'],
    ])('throws MalformedEventError when a CloudTrail detail is %s', (_, detail) => {
      // Prepare
      const event = withField(sample('organizations/MoveAccount.json'), ['detail'], detail);

      // Act & Assess
      expect(() => parseEvent(event, { rulesPath: RULES_PATH })).toThrow(/detail is not a CloudTrail record/);
    });

    it('throws MalformedEventError when a handled CloudTrail record has no eventName', () => {
      // Prepare
      const event = withField(sample('organizations/MoveAccount.json'), ['detail', 'eventName'], undefined);

      // Act & Assess
      expect(() => parseEvent(event, { rulesPath: RULES_PATH })).toThrow(/detail\.eventName is missing/);
    });

    it('reads the event source from the envelope when the record has none', () => {
      // Prepare
      const event = withField(sample('organizations/MoveAccount.json'), ['detail', 'eventSource'], undefined);

      // Act
      const outcome = outcomeOf(event);

      // Assess
      expect(outcome).toEqual({ work: ['account:549271133721'] });
    });
  });

  describe('failed calls', () => {
    it.each(cloudTrailEventsWithWork())('ignores %s when the record has an errorCode', (_, event) => {
      // Prepare
      const failed = withField(event, ['detail', 'errorCode'], 'AccessDeniedException');

      // Act
      const outcome = outcomeOf(failed);

      // Assess
      expect(outcome).toEqual({ ignored: 'failed call' });
    });
  });

  describe('Organizations', () => {
    const move = () => sample('organizations/MoveAccount.json');
    const created = () => sample('organizations/CreateAccountResult.doc-example.json');
    const handshake = () => fixture('organizations/AcceptHandshake.json');
    const handshakePath = ['detail', 'responseElements', 'handshake'];

    it.each([
      ['IN_PROGRESS', 'account creation is IN_PROGRESS, not SUCCEEDED'],
      ['FAILED', 'account creation is FAILED, not SUCCEEDED'],
    ])('ignores a CreateAccountResult in state %s', (state, reason) => {
      // Prepare
      const event = withField(created(), ['detail', 'serviceEventDetails', 'createAccountStatus', 'state'], state);

      // Act
      const outcome = outcomeOf(event);

      // Assess
      expect(outcome).toEqual({ ignored: reason });
    });

    it.each([
      ['FAILED', 'account:555555555555'],
      ['SUCCEEDED', 'account-removed:555555555555'],
    ])('maps a CloseAccountResult that %s to %s', (state, scope) => {
      // Prepare
      const event = withField(
        sample('organizations/CloseAccountResult.json'),
        ['detail', 'serviceEventDetails', 'closeAccountStatus'],
        { accountId: '555555555555', state },
      );

      // Act
      const outcome = outcomeOf(event);

      // Assess
      expect(outcome).toEqual({ work: [scope] });
    });

    it('names the account of an accepted invitation whatever the case of the action', () => {
      // Prepare
      const event = withField(handshake(), [...handshakePath, 'action'], 'invite');

      // Act
      const outcome = outcomeOf(event);

      // Assess
      expect(outcome).toEqual({ work: ['account:222233334444'] });
    });

    it('finds the ACCOUNT party wherever it sits among the parties', () => {
      // Prepare
      const event = withField(
        handshake(),
        [...handshakePath, 'parties'],
        [
          { type: 'ORGANIZATION', id: 'o-aa111bb222' },
          { type: 'ACCOUNT', id: '222233334444' },
        ],
      );

      // Act
      const outcome = outcomeOf(event);

      // Assess
      expect(outcome).toEqual({ work: ['account:222233334444'] });
    });

    it.each([
      ['state', 'OPEN', /handshake state is OPEN/],
      ['action', 'ENABLE_ALL_FEATURES', /does not add an account/],
    ])('ignores a handshake whose %s is %s', (field, value, reason) => {
      // Prepare
      const event = withField(handshake(), [...handshakePath, field], value);

      // Act
      const outcome = outcomeOf(event);

      // Assess
      expect(outcome).toEqual({ ignored: expect.stringMatching(reason) });
    });

    it.each([
      ['requestParameters', { accountId: '777766665555' }],
      ['responseElements', { accountId: '777766665555' }],
      [
        'serviceEventDetails',
        { joinedMethod: 'INVITED', accountJoinedOrganizationDetails: { accountId: '777766665555' } },
      ],
    ])('finds the AccountJoinedOrganization account id in %s', (place, value) => {
      // Prepare
      const base = withField(
        fixture('organizations/AccountJoinedOrganization.json'),
        ['detail', 'serviceEventDetails'],
        null,
      );
      const event = withField(base, ['detail', place], value);

      // Act
      const outcome = outcomeOf(event);

      // Assess
      expect(outcome).toEqual({ work: ['account:777766665555'] });
    });

    it.each<[string, Record<string, unknown>, string[], unknown, RegExp]>([
      [
        'MoveAccount without an account id',
        move(),
        ['detail', 'requestParameters', 'accountId'],
        undefined,
        /requestParameters\.accountId/,
      ],
      [
        'MoveAccount with an 11-digit account id',
        move(),
        ['detail', 'requestParameters', 'accountId'],
        '54927113372',
        /requestParameters\.accountId/,
      ],
      [
        'MoveAccount with null requestParameters',
        move(),
        ['detail', 'requestParameters'],
        null,
        /requestParameters\.accountId/,
      ],
      [
        'a SUCCEEDED CreateAccountResult without an account id',
        created(),
        ['detail', 'serviceEventDetails', 'createAccountStatus', 'accountId'],
        undefined,
        /createAccountStatus\.accountId/,
      ],
      [
        'CreateAccountResult without serviceEventDetails',
        created(),
        ['detail', 'serviceEventDetails'],
        null,
        /serviceEventDetails/,
      ],
      [
        'CreateAccountResult without a state',
        created(),
        ['detail', 'serviceEventDetails', 'createAccountStatus', 'state'],
        undefined,
        /createAccountStatus\.state/,
      ],
      ['AcceptHandshake without a handshake', handshake(), handshakePath, undefined, /responseElements\.handshake/],
      [
        'AcceptHandshake without an ACCOUNT party',
        handshake(),
        [...handshakePath, 'parties'],
        [{ type: 'ORGANIZATION', id: 'o-aa111bb222' }],
        /no well-formed ACCOUNT party/,
      ],
      [
        'AcceptHandshake with a masked ACCOUNT party',
        handshake(),
        [...handshakePath, 'parties'],
        [{ type: 'ACCOUNT', id: '****' }],
        /no well-formed ACCOUNT party/,
      ],
      [
        'TagResource without a resource id',
        fixture('organizations/TagResource.account.json'),
        ['detail', 'requestParameters', 'resourceId'],
        undefined,
        /requestParameters\.resourceId/,
      ],
      [
        'TagResource with a 5-digit resource id',
        fixture('organizations/TagResource.account.json'),
        ['detail', 'requestParameters', 'resourceId'],
        '12345',
        /requestParameters\.resourceId/,
      ],
      [
        'RemoveAccountFromOrganization without an account id',
        fixture('organizations/RemoveAccountFromOrganization.json'),
        ['detail', 'requestParameters'],
        {},
        /requestParameters\.accountId/,
      ],
      [
        'CloseAccount with a masked account id',
        sample('organizations/CloseAccount.json'),
        ['detail', 'requestParameters', 'accountId'],
        '****',
        /requestParameters\.accountId/,
      ],
      [
        'CloseAccountResult without a state',
        sample('organizations/CloseAccountResult.json'),
        ['detail', 'serviceEventDetails', 'closeAccountStatus', 'state'],
        undefined,
        /closeAccountStatus\.state/,
      ],
      [
        'AccountJoinedOrganization without an account id',
        fixture('organizations/AccountJoinedOrganization.json'),
        ['detail', 'serviceEventDetails', 'accountId'],
        undefined,
        /no well-formed accountId/,
      ],
      [
        'AccountDepartedOrganization with a hidden account id',
        fixture('organizations/AccountDepartedOrganization.json'),
        ['detail', 'serviceEventDetails', 'accountDepartedOrganizationStatus', 'accountId'],
        HIDDEN,
        /no well-formed accountId/,
      ],
    ])('throws MalformedEventError for %s', (_, base, path, value, problem) => {
      // Prepare
      const event = withField(base, path, value);

      // Act & Assess
      expect(() => parseEvent(event, { rulesPath: RULES_PATH })).toThrow(problem);
    });
  });

  describe('Control Tower', () => {
    const update = () => fixture('controltower/UpdateManagedAccount.json');
    const statusPath = ['detail', 'serviceEventDetails', 'updateManagedAccountStatus'];

    it('ignores a managed account operation that FAILED', () => {
      // Prepare
      const event = withField(update(), [...statusPath, 'state'], 'FAILED');

      // Act
      const outcome = outcomeOf(event);

      // Assess
      expect(outcome).toEqual({ ignored: 'managed account state is FAILED, not SUCCEEDED' });
    });

    it('ignores other Control Tower lifecycle events', () => {
      // Prepare
      const event = withField(update(), ['detail', 'eventName'], 'SetupLandingZone');

      // Act
      const outcome = outcomeOf(event);

      // Assess
      expect(outcome).toEqual({ ignored: 'Control Tower SetupLandingZone is not handled' });
    });

    it.each<[string, string[], unknown, RegExp]>([
      ['the status object is missing', statusPath, undefined, /updateManagedAccountStatus/],
      [
        'the account is missing',
        [...statusPath, 'account'],
        undefined,
        /updateManagedAccountStatus\.account\.accountId/,
      ],
      ['the account id is masked', [...statusPath, 'account', 'accountId'], 'XXXXXXXXXXXX', /account\.accountId/],
    ])('throws MalformedEventError when %s', (_, path, value, problem) => {
      // Prepare
      const event = withField(update(), path, value);

      // Act & Assess
      expect(() => parseEvent(event, { rulesPath: RULES_PATH })).toThrow(problem);
    });
  });

  describe('tag changes', () => {
    const accountTag = () => fixture('tag/TagChangeOnResource.account.json');

    it('ignores an Organizations resource that is not an account', () => {
      // Prepare
      const event = withField(accountTag(), ['detail', 'resource-type'], 'ou');

      // Act
      const outcome = outcomeOf(event);

      // Assess
      expect(outcome).toEqual({ ignored: 'tag change on organizations ou is not an account' });
    });

    it.each<[string, string[], unknown, RegExp]>([
      ['there are no resources', ['resources'], [], /resources\[0\]/],
      ['resources is not an array', ['resources'], 'arn', /resources\[0\]/],
      [
        'resources[0] is an OU ARN',
        ['resources'],
        ['arn:aws:organizations::111122223333:ou/o-aa111bb222/ou-ab12-11111111'],
        /resources\[0\]/,
      ],
      ['the detail has no service', ['detail', 'service'], undefined, /service/],
    ])('throws MalformedEventError when %s', (_, path, value, problem) => {
      // Prepare
      const event = withField(accountTag(), path, value);

      // Act & Assess
      expect(() => parseEvent(event, { rulesPath: RULES_PATH })).toThrow(problem);
    });
  });

  describe('identity', () => {
    it.each(['GetUser', 'ListGroupMembershipsForMember', 'DescribeGroup', 'IsMemberInGroups'])(
      'ignores the read-only call %s',
      (eventName) => {
        // Prepare
        const event = withField(fixture('identitystore/UpdateUser.json'), ['detail', 'eventName'], eventName);

        // Act
        const outcome = outcomeOf(event);

        // Assess
        expect(outcome).toEqual({ ignored: 'read-only call' });
      },
    );

    it('ignores a record flagged readOnly', () => {
      // Prepare
      const event = withField(fixture('identitystore/UpdateUser.json'), ['detail', 'readOnly'], true);

      // Act
      const outcome = outcomeOf(event);

      // Assess
      expect(outcome).toEqual({ ignored: 'read-only call' });
    });

    it('ignores identity operations that change no principal', () => {
      // Prepare
      const event = withField(
        sample('sso-directory/EnableUser.detail-only.json'),
        ['detail', 'eventName'],
        'UpdatePassword',
      );

      // Act
      const outcome = outcomeOf(event);

      // Assess
      expect(outcome).toEqual({ ignored: 'identity event UpdatePassword is not handled' });
    });

    it('names the group of a DeleteGroupMembership record that carries one', () => {
      // Prepare
      const event = withField(
        fixture('identitystore/DeleteGroupMembership.json'),
        ['detail', 'requestParameters', 'groupId'],
        'b1c2d3e4-0042-7042-8042-0123456789ab',
      );

      // Act
      const outcome = outcomeOf(event);

      // Assess
      expect(outcome).toEqual({ work: ['principal:GROUP:b1c2d3e4-0042-7042-8042-0123456789ab'] });
    });

    it.each(['aws.identitystore', 'aws.sso-directory', 'aws.identitystore-scim', 'aws.events'])(
      'matches on the record event source whatever the envelope source (%s)',
      (source) => {
        // Prepare
        const event = withField(fixture('identitystore-scim/DeleteUser.json'), ['source'], source);

        // Act
        const outcome = outcomeOf(event);

        // Assess
        expect(outcome).toEqual({ work: ['principal:USER:d1e2f3a4-0007-7007-8007-0123456789ab'] });
      },
    );

    it('skips a hidden value and uses the well-formed id in another place', () => {
      // Prepare
      const base = withField(fixture('identitystore-scim/PutUser.json'), ['detail', 'requestParameters', 'id'], HIDDEN);
      const event = withField(base, ['detail', 'responseElements', 'id'], USER_ID);

      // Act
      const outcome = outcomeOf(event);

      // Assess
      expect(outcome).toEqual({ work: [`principal:USER:${USER_ID}`] });
    });

    it.each<[string, string, string[], unknown, RegExp]>([
      [
        'CreateUser without a response',
        'identitystore/CreateUser.json',
        ['detail', 'responseElements'],
        null,
        /user id/,
      ],
      [
        'DeleteUser with a hidden user id',
        'identitystore/DeleteUser.json',
        ['detail', 'requestParameters', 'userId'],
        HIDDEN,
        /user id/,
      ],
      [
        'a SCIM DeleteGroup with a placeholder id',
        'identitystore-scim/DeleteGroup.json',
        ['detail', 'requestParameters', 'id'],
        'xxxx',
        /group id/,
      ],
      [
        'a SCIM PatchGroup without an id',
        'identitystore-scim/PatchGroup.json',
        ['detail', 'requestParameters', 'id'],
        undefined,
        /group id/,
      ],
      [
        'RemoveMemberFromGroup without a member',
        'sso-directory/RemoveMemberFromGroup.json',
        ['detail', 'requestParameters', 'member'],
        undefined,
        /member user id/,
      ],
      [
        'a console CreateUser with a plain-number user id',
        'sso-directory/CreateUser.json',
        ['detail', 'responseElements', 'user', 'userId'],
        '1234',
        /user id/,
      ],
    ])('throws MalformedEventError for %s', (_, path, field, value, problem) => {
      // Prepare
      const event = withField(fixture(path), field, value);

      // Act & Assess
      expect(() => parseEvent(event, { rulesPath: RULES_PATH })).toThrow(problem);
    });

    it('throws MalformedEventError for a CreateGroupMembership without a member', () => {
      // Prepare
      const event = withField(
        sample('identitystore/CreateGroupMembership.partial.json'),
        ['detail', 'requestParameters', 'memberId'],
        { userId: HIDDEN },
      );

      // Act & Assess
      expect(() => parseEvent(event, { rulesPath: RULES_PATH })).toThrow(/member user id/);
    });
  });

  describe('native Identity Store notifications', () => {
    it('ignores a notification type it does not know', () => {
      // Prepare
      const event = withField(fixture('identitystore-native/UserCreated.json'), ['detail-type'], 'Session Revoked');

      // Act
      const outcome = outcomeOf(event);

      // Assess
      expect(outcome).toEqual({ ignored: 'Identity Store notification Session Revoked is not handled' });
    });

    it('names the group of a membership notification that carries no user id', () => {
      // Prepare
      const event = withField(
        fixture('identitystore-native/GroupMembershipCreated.json'),
        ['detail', 'userId'],
        undefined,
      );

      // Act
      const outcome = outcomeOf(event);

      // Assess
      expect(outcome).toEqual({ work: ['principal:GROUP:b1c2d3e4-0025-7025-8025-0123456789ab'] });
    });

    it.each<[string, string, string[], unknown]>([
      ['a User Deleted without any id', 'identitystore-native/UserDeleted.json', ['resources'], []],
      ['a User Created with a hidden id', 'identitystore-native/UserCreated.json', ['detail', 'userId'], HIDDEN],
      ['a Group Deleted without any id', 'identitystore-native/GroupDeleted.json', ['detail', 'groupId'], undefined],
    ])('throws MalformedEventError for %s', (_, path, field, value) => {
      // Prepare
      const event = withField(fixture(path), field, value);

      // Act & Assess
      expect(() => parseEvent(event, { rulesPath: RULES_PATH })).toThrow(MalformedEventError);
    });
  });

  describe('rules parameters', () => {
    const change = (name: string, operation = 'Update') =>
      withField(
        withField(fixture('ssm/ParameterStoreChange.rules-Update.json'), ['detail', 'name'], name),
        ['detail', 'operation'],
        operation,
      );

    it.each<[string, string, 'all' | 'ignored']>([
      ['/idc-lifecycle/rules/', '/idc-lifecycle/rules/base', 'all'],
      ['/idc-lifecycle/rules/', '/idc-lifecycle/rules/teams/payments', 'all'],
      ['/idc-lifecycle/rules/', '/idc-lifecycle/rules', 'all'],
      ['/idc-lifecycle/rules', '/idc-lifecycle/rules/base', 'all'],
      ['/idc-lifecycle/rules//', '/idc-lifecycle/rules/base', 'all'],
      ['/idc-lifecycle/rules/', '/idc-lifecycle/rulesX', 'ignored'],
      ['/idc-lifecycle/rules', '/idc-lifecycle/rulesX/base', 'ignored'],
      ['/idc-lifecycle/rules/', '/idc-lifecycle', 'ignored'],
      ['/idc-lifecycle/rules/', '/other/idc-lifecycle/rules/base', 'ignored'],
      ['/', '/anything/at/all', 'all'],
    ])('with rules path %s treats a change to %s as %s', (rulesPath, name, expected) => {
      // Prepare
      const event = change(name);

      // Act
      const outcome = outcomeOf(event, rulesPath);

      // Assess
      expect(outcome).toEqual(
        expected === 'all' ? { work: ['all'] } : { ignored: 'parameter is outside the rules path' },
      );
    });

    it.each(['Create', 'Update', 'Delete', 'LabelParameterVersion'])(
      'names every account when a rules document sees %s',
      (operation) => {
        // Prepare
        const event = change('/idc-lifecycle/rules/base', operation);

        // Act
        const outcome = outcomeOf(event);

        // Assess
        expect(outcome).toEqual({ work: ['all'] });
      },
    );

    it('ignores an operation that cannot change the rules', () => {
      // Prepare
      const event = change('/idc-lifecycle/rules/base', 'Expire');

      // Act
      const outcome = outcomeOf(event);

      // Assess
      expect(outcome).toEqual({ ignored: 'parameter operation Expire does not change the rules' });
    });

    it.each([
      ['name', ['detail', 'name']],
      ['operation', ['detail', 'operation']],
    ])('throws MalformedEventError when the %s is missing', (field, path) => {
      // Prepare
      const event = withField(change('/idc-lifecycle/rules/base'), path, undefined);

      // Act & Assess
      expect(() => parseEvent(event, { rulesPath: RULES_PATH })).toThrow(new RegExp(`detail\\.${field}|${field}`));
    });
  });

  describe('schedule', () => {
    it('names every account for a Scheduler event in the EventBridge envelope', () => {
      // Prepare
      const event = withField(fixture('schedule/ScheduledEvent.json'), ['source'], 'aws.scheduler');

      // Act
      const outcome = outcomeOf(event);

      // Assess
      expect(outcome).toEqual({ work: ['all'] });
    });

    it('uses the Scheduler execution id as the origin of a sweep', () => {
      // Prepare
      const event = fixture('schedule/SchedulerSweep.json');

      // Act
      const result = parseEvent(event, { rulesPath: RULES_PATH });

      // Assess
      expect(result).toHaveProperty('items.0.origin', {
        eventId: 'd32c5kddcf5bb8c3',
        eventName: 'sweep',
        source: 'aws.scheduler',
      });
    });

    it('accepts a bare sweep command', () => {
      // Prepare
      const event = { 'idc-lifecycle': 'sweep' };

      // Act
      const result = parseEvent(event, { rulesPath: RULES_PATH });

      // Assess
      expect(result).toEqual({
        kind: 'work',
        items: [
          { scope: { kind: 'all' }, origin: { eventId: 'manual-sweep', eventName: 'sweep', source: 'aws.scheduler' } },
        ],
      });
    });

    it.each([
      ['an unknown command', { 'idc-lifecycle': 'purge' }],
      ['a non-string execution id', { 'idc-lifecycle': 'sweep', executionId: 12 }],
    ])('throws MalformedEventError for %s', (_, event) => {
      // Prepare
      const act = () => parseEvent(event, { rulesPath: RULES_PATH });

      // Act & Assess
      expect(act).toThrow(MalformedEventError);
    });
  });
});

describe('MalformedEventError', () => {
  it('names the event, the field and the schema failure, and is named for its class', () => {
    // Prepare
    const event = withField(
      sample('organizations/CreateAccountResult.doc-example.json'),
      ['detail', 'serviceEventDetails'],
      3,
    );

    // Act
    const error = (() => {
      try {
        parseEvent(event, { rulesPath: RULES_PATH });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();

    // Assess
    expect(error).toBeInstanceOf(MalformedEventError);
    expect(error).toMatchObject({
      name: 'MalformedEventError',
      eventId: 'EXAMPLE8-90ab-cdef-fedc-ba987EXAMPLE',
      eventName: 'CreateAccountResult',
      message: expect.stringMatching(/EXAMPLE8-90ab-cdef-fedc-ba987EXAMPLE.*CreateAccountResult.*serviceEventDetails/),
      cause: expect.objectContaining({ issues: expect.any(Array) }),
    });
  });

  it('keeps payload values out of its message', () => {
    // Prepare
    const event = withField(
      sample('organizations/MoveAccount.json'),
      ['detail', 'requestParameters', 'accountId'],
      'alice@example.com',
    );

    // Act & Assess
    expect(() => parseEvent(event, { rulesPath: RULES_PATH })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('alice@example.com') }),
    );
  });

  it('chains the cause it is given', () => {
    // Prepare
    const cause = new Error('root');

    // Act
    const error = new MalformedEventError(
      { eventId: 'e-1', eventName: 'MoveAccount' },
      'requestParameters.accountId missing',
      { cause },
    );

    // Assess
    expect(error).toMatchObject({ name: 'MalformedEventError', cause, problem: 'requestParameters.accountId missing' });
  });
});

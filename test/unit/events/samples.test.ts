import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../../shared/events/index.js';
import {
  asDelivered,
  EVENT_FIXTURES,
  listJsonFiles,
  type Outcome,
  outcomeOf,
  PUBLIC_SAMPLES,
  RULES_PATH,
  readJson,
  withField,
} from './support.js';

/** Every public sample in test/fixtures/events/samples and what it must come to. Masked placeholders are malformed on purpose. */
const EXPECTED: ReadonlyArray<
  readonly [string, Outcome | { readonly malformed: RegExp } | { readonly ignored: RegExp }]
> = [
  ['controltower/CreateManagedAccount.json', { malformed: /createManagedAccountStatus\.account\.accountId/ }],
  ['identitystore-scim/CreateGroup.failed-ConflictException.json', { ignored: 'failed call' }],
  ['identitystore-scim/CreateUser.json', { work: ['principal:USER:c4488478-a0e1-700e-3d75-96c6bb641596'] }],
  ['identitystore-scim/PatchGroup.failed-ValidationException.json', { ignored: 'failed call' }],
  ['identitystore-scim/PatchUser.failed-ValidationException.json', { ignored: 'failed call' }],
  [
    'identitystore/CreateGroupMembership.partial.json',
    { work: ['principal:USER:117b5560-c041-70cf-2973-8b2ec16f4d4e'] },
  ],
  ['organizations/CloseAccount.json', { work: ['account-removed:555555555555'] }],
  ['organizations/CloseAccountResult.json', { malformed: /closeAccountStatus\.accountId/ }],
  ['organizations/CreateAccount.json', { ignored: /no account id yet/ }],
  ['organizations/CreateAccountResult.FAILED.json', { ignored: /FAILED/ }],
  ['organizations/CreateAccountResult.doc-example.json', { work: ['account:444455556666'] }],
  ['organizations/CreateAccountResult.json', { malformed: /createAccountStatus\.accountId/ }],
  ['organizations/CreateOrganizationalUnit.json', { ignored: /holds no accounts/ }],
  ['organizations/InviteAccountToOrganization.json', { ignored: /AcceptHandshake/ }],
  ['organizations/MoveAccount.json', { work: ['account:549271133721'] }],
  ['ssm/ParameterStoreChange.Create.json', { ignored: /outside the rules path/ }],
  ['ssm/ParameterStoreChange.Delete.json', { ignored: /outside the rules path/ }],
  ['ssm/ParameterStoreChange.Update.json', { ignored: /outside the rules path/ }],
  ['sso-directory/AddMemberToGroup.json', { work: ['principal:USER:94e80458-9021-70ea-08fa-c3a10a1d8a92'] }],
  ['sso-directory/CreateGroup.json', { work: ['principal:GROUP:34887428-4081-7042-c3c6-928d413009e7'] }],
  ['sso-directory/DeleteUser.json', { work: ['principal:USER:22c554e4-c091-708a-0ec5-08b46733f1a2'] }],
  ['sso-directory/EnableUser.detail-only.json', { work: ['principal:USER:22c554e4-c091-708a-0ec5-08b46733f1a2'] }],
  ['sso/CreateAccountAssignment.json', { malformed: /requestParameters\.targetId/ }],
  ['sso/DeleteAccountAssignment.json', { malformed: /requestParameters\.targetId/ }],
  ['tag/TagChangeOnResource.ec2-doc-example.json', { ignored: /not an account/ }],
];

const matches = (actual: Outcome, expected: (typeof EXPECTED)[number][1]): void => {
  if ('work' in expected) {
    expect(actual).toEqual(expected);
  } else if ('ignored' in expected) {
    expect(actual).toHaveProperty('ignored', expect.stringMatching(expected.ignored));
  } else {
    expect(actual).toHaveProperty('malformed', expect.stringMatching(expected.malformed));
  }
};

describe('parseEvent on the public samples', () => {
  it('has an expectation for every sample file on disk', () => {
    // Prepare
    const onDisk = listJsonFiles(PUBLIC_SAMPLES);

    // Act
    const listed = EXPECTED.map(([path]) => path).sort();

    // Assess
    expect(listed).toEqual(onDisk);
  });

  it.each(EXPECTED)('maps %s to the expected outcome', (path, expected) => {
    // Prepare
    const event = asDelivered(path, readJson(PUBLIC_SAMPLES, path));

    // Act
    const outcome = outcomeOf(event);

    // Assess
    matches(outcome, expected);
  });

  it.each([
    ['organizations/CreateAccountResult.json', ['detail', 'serviceEventDetails', 'createAccountStatus', 'accountId']],
    ['organizations/CloseAccountResult.json', ['detail', 'serviceEventDetails', 'closeAccountStatus', 'accountId']],
    [
      'controltower/CreateManagedAccount.json',
      ['detail', 'serviceEventDetails', 'createManagedAccountStatus', 'account', 'accountId'],
    ],
    ['sso/CreateAccountAssignment.json', ['detail', 'requestParameters', 'targetId']],
    ['sso/DeleteAccountAssignment.json', ['detail', 'requestParameters', 'targetId']],
  ])('accepts %s once its masked account id is a real one', (path, accountIdPath) => {
    // Prepare
    const event = withField(asDelivered(path, readJson(PUBLIC_SAMPLES, path)), accountIdPath, '123456789012');

    // Act
    const outcome = outcomeOf(event);

    // Assess
    expect(outcome).toHaveProperty('work', [expect.stringMatching(/^account(-removed)?:123456789012$/)]);
  });

  it('records the EventBridge id, the CloudTrail event name and the source as the origin', () => {
    // Prepare
    const event = readJson(PUBLIC_SAMPLES, 'organizations/MoveAccount.json');

    // Act
    const result = parseEvent(event, { rulesPath: RULES_PATH });

    // Assess
    expect(result).toEqual({
      kind: 'work',
      items: [
        {
          scope: { kind: 'account', accountId: '549271133721' },
          origin: {
            eventId: '579d06ba-c104-8760-5882-bd2a3275791d',
            eventName: 'MoveAccount',
            source: 'aws.organizations',
          },
        },
      ],
    });
  });

  it('uses the detail-type as the event name of an event that is not a CloudTrail record', () => {
    // Prepare
    const event = withField(
      readJson(PUBLIC_SAMPLES, 'ssm/ParameterStoreChange.Update.json'),
      ['detail', 'name'],
      '/idc-lifecycle/rules/a',
    );

    // Act
    const result = parseEvent(event, { rulesPath: RULES_PATH });

    // Assess
    expect(result).toHaveProperty('items.0.origin', {
      eventId: '9547ef2d-3b7e-4057-b6cb-5fdf09ee7c8f',
      eventName: 'Parameter Store Change',
      source: 'aws.ssm',
    });
  });
});

describe('the provenance of the event fixtures', () => {
  it.each(listJsonFiles(PUBLIC_SAMPLES))('gives samples/%s its public source in SOURCES.md', (path) => {
    // Prepare
    const sources = readFileSync(new URL('SOURCES.md', EVENT_FIXTURES), 'utf8');

    // Act
    const row = sources.split('\n').find((line) => line.startsWith(`| \`${path}\` |`));

    // Assess
    expect(row).toEqual(expect.stringMatching(/https:\/\/|@ [0-9a-f]{40}|same|above/));
  });

  it('keeps every event fixture either in samples/ (with a source) or in synthetic/ (with a note)', () => {
    // Act
    const entries = readdirSync(EVENT_FIXTURES).sort();

    // Assess
    expect(entries).toEqual(['SOURCES.md', 'samples', 'synthetic']);
  });
});

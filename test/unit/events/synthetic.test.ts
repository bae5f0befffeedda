import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OWN_WRITE_REASON } from '../../../shared/events/index.js';
import {
  listJsonFiles,
  type Outcome,
  outcomeOf,
  outsidePathsIn,
  pathsNamedIn,
  REPOSITORY_ROOT,
  readJson,
  SYNTHETIC_FIXTURES,
} from './support.js';

/**
 * Synthetic events for every case test/fixtures/events/SOURCES.md lists as not found (built from
 * docs/aws-facts.md; each file says how in its `_synthetic` key), and what each must come to.
 */
const EXPECTED: ReadonlyArray<readonly [string, Outcome]> = [
  ['controltower/CreateManagedAccount.succeeded.json', { work: ['account:888899990000'] }],
  ['controltower/UpdateManagedAccount.json', { work: ['account:777788889999'] }],
  ['identitystore-native/GroupCreated.json', { work: ['principal:GROUP:b1c2d3e4-0021-7021-8021-0123456789ab'] }],
  ['identitystore-native/GroupDeleted.json', { work: ['principal:GROUP:b1c2d3e4-0023-7023-8023-0123456789ab'] }],
  [
    'identitystore-native/GroupMembershipCreated.json',
    { work: ['principal:USER:a1b2c3d4-0026-7026-8026-0123456789ab'] },
  ],
  [
    'identitystore-native/GroupMembershipDeleted.json',
    { ignored: 'membership id only; the scheduled sweep repairs memberships' },
  ],
  ['identitystore-native/GroupUpdated.json', { work: ['principal:GROUP:b1c2d3e4-0022-7022-8022-0123456789ab'] }],
  ['identitystore-native/UserCreated.json', { work: ['principal:USER:a1b2c3d4-0018-7018-8018-0123456789ab'] }],
  ['identitystore-native/UserDeleted.json', { work: ['principal:USER:a1b2c3d4-0020-7020-8020-0123456789ab'] }],
  ['identitystore-native/UserUpdated.json', { work: ['principal:USER:a1b2c3d4-0019-7019-8019-0123456789ab'] }],
  ['identitystore-scim/DeleteGroup.json', { work: ['principal:GROUP:e1f2a3b4-0008-7008-8008-0123456789ab'] }],
  ['identitystore-scim/DeleteUser.json', { work: ['principal:USER:d1e2f3a4-0007-7007-8007-0123456789ab'] }],
  ['identitystore-scim/PatchGroup.json', { work: ['principal:GROUP:e1f2a3b4-0009-7009-8009-0123456789ab'] }],
  ['identitystore-scim/PatchUser.json', { work: ['principal:USER:d1e2f3a4-0010-7010-8010-0123456789ab'] }],
  ['identitystore-scim/PutUser.json', { work: ['principal:USER:d1e2f3a4-0011-7011-8011-0123456789ab'] }],
  ['identitystore/CreateGroupMembership.by-worker.json', { ignored: OWN_WRITE_REASON }],
  ['identitystore/CreateGroup.json', { work: ['principal:GROUP:b1c2d3e4-0004-7004-8004-0123456789ab'] }],
  ['identitystore/CreateUser.json', { work: ['principal:USER:a1b2c3d4-0001-7001-8001-0123456789ab'] }],
  ['identitystore/DeleteGroup.json', { work: ['principal:GROUP:b1c2d3e4-0005-7005-8005-0123456789ab'] }],
  [
    'identitystore/DeleteGroupMembership.json',
    { ignored: 'membership id only; the scheduled sweep repairs memberships' },
  ],
  ['identitystore/DeleteUser.json', { work: ['principal:USER:a1b2c3d4-0003-7003-8003-0123456789ab'] }],
  ['identitystore/UpdateUser.json', { work: ['principal:USER:a1b2c3d4-0002-7002-8002-0123456789ab'] }],
  ['organizations/AcceptHandshake.json', { work: ['account:222233334444'] }],
  ['organizations/AccountDepartedOrganization.json', { work: ['account-removed:666677778888'] }],
  ['organizations/AccountJoinedOrganization.json', { work: ['account:555566667777'] }],
  ['organizations/RemoveAccountFromOrganization.json', { work: ['account-removed:444455556666'] }],
  ['organizations/TagResource.account.json', { work: ['account:333344445555'] }],
  ['organizations/TagResource.ou.json', { ignored: 'tagged resource is not an account' }],
  ['organizations/UntagResource.account.json', { work: ['account:333344445555'] }],
  ['schedule/ScheduledEvent.json', { work: ['all'] }],
  ['schedule/SchedulerSweep.json', { work: ['all'] }],
  ['ssm/ParameterStoreChange.rules-LabelParameterVersion.json', { work: ['all'] }],
  ['ssm/ParameterStoreChange.rules-Update.json', { work: ['all'] }],
  ['ssm/ParameterStoreChange.sibling-path.json', { ignored: 'parameter is outside the rules path' }],
  ['sso-directory/CreateUser.json', { work: ['principal:USER:9067a1b2c3-a1b2c3d4-0015-7015-8015-0123456789ab'] }],
  ['sso-directory/DeleteGroup.json', { work: ['principal:GROUP:f1a2b3c4-0012-7012-8012-0123456789ab'] }],
  ['sso-directory/DisableUser.json', { work: ['principal:USER:a1b2c3d4-0017-7017-8017-0123456789ab'] }],
  [
    'sso-directory/RemoveMemberFromGroup.json',
    { work: ['principal:USER:9067a1b2c3-a1b2c3d4-0014-7014-8014-0123456789ab'] },
  ],
  ['sso-directory/UpdateUser.json', { work: ['principal:USER:a1b2c3d4-0016-7016-8016-0123456789ab'] }],
  ['sso/CreateAccountAssignment.by-worker.json', { ignored: OWN_WRITE_REASON }],
  ['sso/CreateAccountAssignment.console.json', { work: ['account:222233334444'] }],
  ['sso/DeleteAccountAssignment.cli.json', { work: ['account:333344445555'] }],
  ['sso/DeleteAccountAssignment.failed-AccessDenied.json', { ignored: 'failed call' }],
  ['tag/TagChangeOnResource.account.json', { work: ['account:999900001111'] }],
];

describe('parseEvent on the synthetic fixtures', () => {
  it('has an expectation for every fixture file on disk', () => {
    // Prepare
    const onDisk = listJsonFiles(SYNTHETIC_FIXTURES);

    // Act
    const listed = EXPECTED.map(([path]) => path).sort();

    // Assess
    expect(listed).toEqual(onDisk);
  });

  it.each(EXPECTED.map(([path]) => path))('marks %s as synthetic and says how it was built', (path) => {
    // Prepare
    const fixture = readJson(SYNTHETIC_FIXTURES, path);

    // Act
    const marker = fixture._synthetic;

    // Assess: the note cites the document or sample it was built from
    expect(marker).toEqual(expect.any(String));
    expect(pathsNamedIn(String(marker))).not.toEqual([]);
  });

  it.each(EXPECTED.map(([path]) => path))('names in %s only files that are in the repository', (path) => {
    // Prepare
    const marker = String(readJson(SYNTHETIC_FIXTURES, path)._synthetic);

    // Act
    const missing = pathsNamedIn(marker).filter((named) => !existsSync(new URL(named, REPOSITORY_ROOT)));

    // Assess
    expect(missing).toEqual([]);
    expect(outsidePathsIn(marker)).toEqual([]);
  });

  it.each(EXPECTED)('maps %s to the expected outcome', (path, expected) => {
    // Prepare
    const event = readJson(SYNTHETIC_FIXTURES, path);

    // Act
    const outcome = outcomeOf(event);

    // Assess
    expect(outcome).toEqual(expected);
  });
});

describe('the notes of the example events', () => {
  const EXAMPLE_EVENTS = new URL('examples/events/', REPOSITORY_ROOT);

  it.each(listJsonFiles(EXAMPLE_EVENTS))(
    'names in examples/events/%s only files that are in the repository',
    (path) => {
      // Prepare
      const note = String(readJson(EXAMPLE_EVENTS, path)._synthetic);

      // Act
      const missing = pathsNamedIn(note).filter((named) => !existsSync(new URL(named, REPOSITORY_ROOT)));

      // Assess
      expect(pathsNamedIn(note)).not.toEqual([]);
      expect(missing).toEqual([]);
    },
  );
});

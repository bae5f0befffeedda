import { afterEach, describe, expect, it } from 'vitest';
import { applyEventEffect } from '../../cli/local/event-effects.js';
import { startEmulator } from '../../emulator/index.js';
import type { RunningEmulator } from '../../emulator/types.js';
import type { Snapshot } from '../../shared/domain/snapshot.js';
import {
  apiCall,
  closeAccount,
  consoleCreateUser,
  consoleDeleteUser,
  consoleDisableUser,
  createAccountResult,
  deleteGroup,
  moveAccount,
  parameterChanged,
  removeAccountFromOrganization,
  scimDeleteUser,
  serviceEvent,
  updateManagedAccount,
} from '../integration/support/events.js';
import { exampleSnapshot } from '../integration/support/examples.js';

/**
 * The world change each simulated event stands for (docs/simulate.md, "What each event does").
 * Each case reads one fact from the organization before and after the event.
 */

const NEW = '999911112222';
const PAYMENTS_PROD = '444455550001';
const PROD = 'ou-ab12-7c1e2d30';
const STAGING = 'ou-ab12-8a2f3e41';
const ALICE = '4a39fd12-0c04-4961-bb50-801732aa40c2';
const HEIDI = 'efd07bd9-5525-4dbd-96a9-3d2f82f83123';
const MALLORY = '86974620-04f0-4614-a3fe-7b24d7bf9ef3';
const DEVELOPERS = '5005a685-ee71-4d1b-b3a8-051c7f160f3c';
const DATA_ENGINEERS = '4229572c-b3d9-4bd7-8bc9-39b16e1fbcb9';
const IDENTITY_STORE = 'd-9067d00a12';

const account = (id: string) => (s: Snapshot) => {
  const a = s.accounts.find((x) => x.id === id);
  return a === undefined ? 'absent' : `${a.name} ${a.status} ${a.parentId}`;
};
const tags = (id: string) => (s: Snapshot) => s.accounts.find((x) => x.id === id)?.tags;
const user = (id: string) => (s: Snapshot) => {
  const u = s.users.find((x) => x.id === id);
  return u === undefined ? 'absent' : `active=${u.active}`;
};
const group = (id: string) => (s: Snapshot) => s.groups.some((g) => g.id === id);
const member = (groupId: string, userId: string) => (s: Snapshot) =>
  s.groupMemberships.some((m) => m.groupId === groupId && m.userId === userId);

const ADMINISTRATOR_ACCESS = 'arn:aws:sso:::permissionSet/ssoins-7223be8d4e9143ea/ps-ab65ab42ce0cd851';
const READ_ONLY_ACCESS = 'arn:aws:sso:::permissionSet/ssoins-7223be8d4e9143ea/ps-05059f6a42fb69cb';
const handMade = (userId: string, permissionSetArn = ADMINISTRATOR_ACCESS) => ({
  instanceArn: 'arn:aws:sso:::instance/ssoins-7223be8d4e9143ea',
  targetId: PAYMENTS_PROD,
  targetType: 'AWS_ACCOUNT',
  permissionSetArn,
  principalType: 'USER',
  principalId: userId,
});
const assigned =
  (userId: string, permissionSetArn = ADMINISTRATOR_ACCESS) =>
  (s: Snapshot) =>
    s.assignments.some(
      (a) =>
        a.accountId === PAYMENTS_PROD &&
        a.permissionSetArn === permissionSetArn &&
        a.principalType === 'USER' &&
        a.principalId === userId,
    );

const tagChange = (accountId: string, current: Record<string, string>, changed: string[]) => ({
  version: '0',
  id: 'd1c1e2f3-0000-4000-8000-000000000001',
  'detail-type': 'Tag Change on Resource',
  source: 'aws.tag',
  account: '111122223333',
  time: '2026-06-01T09:00:00Z',
  region: 'us-east-1',
  resources: [`arn:aws:organizations::111122223333:account/o-exampleorgid/${accountId}`],
  detail: {
    'changed-tag-keys': changed,
    service: 'organizations',
    'resource-type': 'account',
    version: 2,
    tags: current,
  },
});

const failedCall = () => {
  const event = closeAccount(PAYMENTS_PROD);
  return { ...event, detail: { ...event.detail, errorCode: 'AccessDenied', errorMessage: 'denied' } };
};

interface Case {
  readonly what: string;
  readonly event: () => unknown;
  readonly read: (s: Snapshot) => unknown;
  readonly before: unknown;
  readonly after: unknown;
  readonly applied: boolean | undefined;
}

const cases: Case[] = [
  {
    what: 'CreateAccountResult SUCCEEDED creates the account in the root under a placeholder name',
    event: () => createAccountResult(NEW),
    read: account(NEW),
    before: 'absent',
    after: `account-${NEW} ACTIVE r-ab12`,
    applied: true,
  },
  {
    what: 'CreateAccountResult FAILED changes nothing',
    event: () =>
      serviceEvent('organizations', 'CreateAccountResult', {
        createAccountStatus: { id: 'car-1', state: 'FAILED', failureReason: 'EMAIL_ALREADY_EXISTS' },
      }),
    read: account(NEW),
    before: 'absent',
    after: 'absent',
    applied: undefined,
  },
  {
    what: 'an accepted invitation (AcceptHandshake) brings the account into the root',
    event: () =>
      apiCall('organizations', 'AcceptHandshake', {
        responseElements: {
          handshake: {
            action: 'INVITE',
            state: 'ACCEPTED',
            parties: [
              { type: 'ORGANIZATION', id: 'o-exampleorgid' },
              { type: 'ACCOUNT', id: NEW },
            ],
          },
        },
      }),
    read: account(NEW),
    before: 'absent',
    after: `account-${NEW} ACTIVE r-ab12`,
    applied: true,
  },
  {
    what: 'MoveAccount moves a known account',
    event: () => moveAccount(PAYMENTS_PROD, PROD, STAGING),
    read: account(PAYMENTS_PROD),
    before: `payments-prod ACTIVE ${PROD}`,
    after: `payments-prod ACTIVE ${STAGING}`,
    applied: true,
  },
  {
    what: 'MoveAccount creates an unknown account at its destination',
    event: () => moveAccount(NEW, 'r-ab12', STAGING),
    read: account(NEW),
    before: 'absent',
    after: `account-${NEW} ACTIVE ${STAGING}`,
    applied: true,
  },
  {
    what: 'MoveAccount to an OU the organization does not hold changes nothing',
    event: () => moveAccount(PAYMENTS_PROD, PROD, 'ou-zzzz-00000000'),
    read: account(PAYMENTS_PROD),
    before: `payments-prod ACTIVE ${PROD}`,
    after: `payments-prod ACTIVE ${PROD}`,
    applied: false,
  },
  {
    what: 'UpdateManagedAccount puts an unknown account in the event’s OU under Control Tower’s name',
    event: () => updateManagedAccount(NEW, 'ct-vended', PROD, 'Prod'),
    read: account(NEW),
    before: 'absent',
    after: `ct-vended ACTIVE ${PROD}`,
    applied: true,
  },
  {
    what: 'TagResource adds tags to the account',
    event: () =>
      apiCall('organizations', 'TagResource', {
        requestParameters: { resourceId: PAYMENTS_PROD, tags: [{ key: 'owner', value: 'payments' }] },
      }),
    read: (s) => tags(PAYMENTS_PROD)(s)?.owner,
    before: undefined,
    after: 'payments',
    applied: true,
  },
  {
    what: 'UntagResource removes the keys',
    event: () =>
      apiCall('organizations', 'UntagResource', { requestParameters: { resourceId: PAYMENTS_PROD, tagKeys: ['env'] } }),
    read: (s) => tags(PAYMENTS_PROD)(s)?.env,
    before: 'prod',
    after: undefined,
    applied: true,
  },
  {
    what: 'a Tag Change on Resource sets the current tags and drops changed keys that are gone',
    event: () => tagChange(PAYMENTS_PROD, { env: 'staging', team: 'payments' }, ['env', 'data-classification']),
    read: tags(PAYMENTS_PROD),
    before: { env: 'prod', team: 'payments', 'data-classification': 'restricted' },
    after: { env: 'staging', team: 'payments' },
    applied: true,
  },
  {
    what: 'CloseAccount makes the account PENDING_CLOSURE',
    event: () => closeAccount(PAYMENTS_PROD),
    read: account(PAYMENTS_PROD),
    before: `payments-prod ACTIVE ${PROD}`,
    after: `payments-prod PENDING_CLOSURE ${PROD}`,
    applied: true,
  },
  {
    what: 'CloseAccountResult SUCCEEDED makes the account SUSPENDED',
    event: () =>
      serviceEvent('organizations', 'CloseAccountResult', {
        closeAccountStatus: { accountId: PAYMENTS_PROD, state: 'SUCCEEDED' },
      }),
    read: account(PAYMENTS_PROD),
    before: `payments-prod ACTIVE ${PROD}`,
    after: `payments-prod SUSPENDED ${PROD}`,
    applied: true,
  },
  {
    what: 'RemoveAccountFromOrganization removes the account',
    event: () => removeAccountFromOrganization(PAYMENTS_PROD),
    read: account(PAYMENTS_PROD),
    before: `payments-prod ACTIVE ${PROD}`,
    after: 'absent',
    applied: true,
  },
  {
    what: 'AccountDepartedOrganization removes the account',
    event: () =>
      serviceEvent('organizations', 'AccountDepartedOrganization', {
        accountId: PAYMENTS_PROD,
        departureMethod: 'Removed',
      }),
    read: account(PAYMENTS_PROD),
    before: `payments-prod ACTIVE ${PROD}`,
    after: 'absent',
    applied: true,
  },
  {
    what: 'a call that failed (errorCode) changes nothing',
    event: failedCall,
    read: account(PAYMENTS_PROD),
    before: `payments-prod ACTIVE ${PROD}`,
    after: `payments-prod ACTIVE ${PROD}`,
    applied: undefined,
  },
  {
    what: 'DisableUser disables the user',
    event: () => consoleDisableUser(ALICE),
    read: user(ALICE),
    before: 'active=true',
    after: 'active=false',
    applied: true,
  },
  {
    what: 'EnableUser enables the user',
    event: () =>
      apiCall('sso-directory', 'EnableUser', { requestParameters: { identityStoreId: IDENTITY_STORE, userId: HEIDI } }),
    read: user(HEIDI),
    before: 'active=false',
    after: 'active=true',
    applied: true,
  },
  {
    what: 'DeleteUser from the console deletes the user',
    event: () => consoleDeleteUser(ALICE),
    read: user(ALICE),
    before: 'active=true',
    after: 'absent',
    applied: true,
  },
  {
    what: 'DeleteUser from SCIM deletes the user named by the resource id',
    event: () => scimDeleteUser(ALICE),
    read: user(ALICE),
    before: 'active=true',
    after: 'absent',
    applied: true,
  },
  {
    what: 'DeleteGroup deletes the group',
    event: () => deleteGroup(DATA_ENGINEERS),
    read: group(DATA_ENGINEERS),
    before: true,
    after: false,
    applied: true,
  },
  {
    what: 'AddMemberToGroup (console) adds the member',
    event: () =>
      apiCall('sso-directory', 'AddMemberToGroup', {
        requestParameters: { identityStoreId: IDENTITY_STORE, groupId: DEVELOPERS, member: { memberId: ALICE } },
      }),
    read: member(DEVELOPERS, ALICE),
    before: false,
    after: true,
    applied: true,
  },
  {
    what: 'CreateGroupMembership (Identity Store API) adds the member',
    event: () =>
      apiCall('identitystore', 'CreateGroupMembership', {
        requestParameters: { identityStoreId: IDENTITY_STORE, groupId: DEVELOPERS, memberId: { userId: ALICE } },
      }),
    read: member(DEVELOPERS, ALICE),
    before: false,
    after: true,
    applied: true,
  },
  {
    what: 'RemoveMemberFromGroup (console) removes the member',
    event: () =>
      apiCall('sso-directory', 'RemoveMemberFromGroup', {
        requestParameters: { identityStoreId: IDENTITY_STORE, groupId: DATA_ENGINEERS, member: { memberId: MALLORY } },
      }),
    read: member(DATA_ENGINEERS, MALLORY),
    before: true,
    after: false,
    applied: true,
  },
  {
    what: 'CreateUser derives nothing: the attributes are masked',
    event: () => consoleCreateUser('c0ffee00-0000-4000-8000-00000000000a'),
    read: user('c0ffee00-0000-4000-8000-00000000000a'),
    before: 'absent',
    after: 'absent',
    applied: false,
  },
  {
    what: 'CreateAccountAssignment made by hand adds the assignment it names',
    event: () => apiCall('sso', 'CreateAccountAssignment', { requestParameters: handMade(MALLORY) }),
    read: assigned(MALLORY),
    before: false,
    after: true,
    applied: true,
  },
  {
    what: 'CreateAccountAssignment of an assignment that exists changes nothing',
    event: () => apiCall('sso', 'CreateAccountAssignment', { requestParameters: handMade(ALICE, READ_ONLY_ACCESS) }),
    read: assigned(ALICE, READ_ONLY_ACCESS),
    before: true,
    after: true,
    applied: false,
  },
  {
    what: 'DeleteAccountAssignment made by hand removes the assignment it names',
    event: () => apiCall('sso', 'DeleteAccountAssignment', { requestParameters: handMade(ALICE, READ_ONLY_ACCESS) }),
    read: assigned(ALICE, READ_ONLY_ACCESS),
    before: true,
    after: false,
    applied: true,
  },
  {
    what: 'DeleteAccountAssignment of an assignment that is not there changes nothing',
    event: () => apiCall('sso', 'DeleteAccountAssignment', { requestParameters: handMade(MALLORY) }),
    read: assigned(MALLORY),
    before: false,
    after: false,
    applied: false,
  },
  {
    what: 'a Parameter Store Change changes nothing (the rules are published beforehand)',
    event: () => parameterChanged('/idc-lifecycle/rules/workloads'),
    read: account(PAYMENTS_PROD),
    before: `payments-prod ACTIVE ${PROD}`,
    after: `payments-prod ACTIVE ${PROD}`,
    applied: undefined,
  },
];

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe('applyEventEffect', () => {
  it.each(cases)('$what', async ({ event, read, before, after, applied }) => {
    // Prepare
    emulator = await startEmulator({ snapshot: exampleSnapshot() });
    const start = emulator.world.exportSnapshot();

    // Act
    const effect = applyEventEffect(emulator.world, event());

    // Assess
    const end = emulator.world.exportSnapshot();
    expect(read(start)).toEqual(before);
    expect(read(end)).toEqual(after);
    expect(effect?.applied).toBe(applied);
    // An effect that says it changed nothing changed nothing at all.
    if (applied !== true) expect(end).toEqual(start);
  });
});

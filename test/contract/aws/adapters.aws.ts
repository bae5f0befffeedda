import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverInstance } from '../../../shared/adapters/sso-admin.js';
import { PrincipalListingUnavailableError } from '../../../shared/domain/errors.js';
import { type AccountAssignment, assignmentKey } from '../../../shared/domain/model.js';
import { type AwsTarget, createAwsTarget, readAwsContractConfig } from './aws-target.js';

/**
 * The adapter contract against a real account. Reads anything; writes only one assignment (the
 * configured group and permission set on the sandbox account), which it creates and deletes, and
 * refuses to start if that assignment already exists, so that it can never remove real access.
 */

let target: AwsTarget;
let probe: AccountAssignment;
let created = false;

const isAssigned = async () =>
  (await target.ssoAdmin.listAccountAssignments(probe.accountId)).some(
    (a) => assignmentKey(a) === assignmentKey(probe),
  );

beforeAll(async () => {
  target = createAwsTarget(readAwsContractConfig());
  probe = {
    accountId: target.config.sandboxAccountId,
    permissionSetArn: target.config.permissionSetArn,
    principalType: 'GROUP',
    principalId: target.config.groupId,
  };
  if (await isAssigned()) {
    throw new Error(
      `The probe assignment already exists on ${probe.accountId}; the suite will not delete access it did not create`,
    );
  }
});

afterAll(async () => {
  // Cleanup: remove the probe assignment if a failed test left it behind.
  if (target && created && (await isAssigned())) await target.ssoAdmin.deleteAccountAssignment(probe);
  if (target) for (const client of Object.values(target.clients)) client.destroy();
});

describe('OrganizationsAdapter against AWS', () => {
  it('reads a tree with one root in which every parent exists', async () => {
    // Act
    const units = await target.organizations.listOrganizationalUnits();

    // Assess
    const ids = new Set(units.map((u) => u.id));
    expect(units.filter((u) => u.parentId === null)).toHaveLength(1);
    expect(units.every((u) => u.parentId === null || ids.has(u.parentId))).toBe(true);
  });

  it('lists the sandbox account under a known parent, as describeAccount does', async () => {
    // Act
    const units = new Set((await target.organizations.listOrganizationalUnits()).map((u) => u.id));
    const listed = (await target.organizations.listAccounts({ withTags: true })).find(
      (a) => a.id === target.config.sandboxAccountId,
    );
    const described = await target.organizations.describeAccount(target.config.sandboxAccountId, { withTags: true });

    // Assess
    expect(listed).toBeDefined();
    expect(units.has(listed?.parentId ?? '')).toBe(true);
    expect(described).toEqual(listed);
  });

  it('answers undefined for an account outside the organization', async () => {
    // Act / Assess
    expect(await target.organizations.describeAccount('000000000000', { withTags: false })).toBeUndefined();
  });
});

describe('IdentityStoreAdapter against AWS', () => {
  it('round-trips the test group between id and display name', async () => {
    // Act
    const group = await target.identityStore.describeGroup(target.config.groupId);
    const id = await target.identityStore.getGroupIdByDisplayName(group?.displayName ?? '');

    // Assess
    expect(id).toBe(target.config.groupId);
  });

  it('answers undefined for names and ids that do not exist', async () => {
    // Act
    const group = await target.identityStore.getGroupIdByDisplayName('idc-lifecycle contract: no such group');
    const user = await target.identityStore.getUserIdByUserName('no-such-user@idc-lifecycle.invalid');
    const described = await target.identityStore.describeUser('00000000-0000-4000-8000-000000000000');

    // Assess
    expect([group, user, described]).toEqual([undefined, undefined, undefined]);
  });

  it('lists groups, users and members', async () => {
    // Act
    const groups = await target.identityStore.listGroups();
    const users = await target.identityStore.listUsers();
    const members = await target.identityStore.listGroupMemberships(target.config.groupId);

    // Assess
    expect(groups.some((g) => g.id === target.config.groupId)).toBe(true);
    expect(users.every((u) => u.id !== '' && u.userName !== '')).toBe(true);
    expect(members.every((m) => m.groupId === target.config.groupId && Boolean(m.membershipId))).toBe(true);
  });
});

describe('SsoAdminAdapter against AWS', () => {
  it('discovers the configured instance when it is the only one', async () => {
    // Act
    const found = await discoverInstance(target.clients.ssoAdmin);

    // Assess
    expect(found).toEqual({ instanceArn: target.config.instanceArn, identityStoreId: target.config.identityStoreId });
  });

  it('lists the configured permission set by name', async () => {
    // Act
    const sets = await target.ssoAdmin.listPermissionSets();

    // Assess
    expect(sets.find((s) => s.arn === target.config.permissionSetArn)?.name).toBeTruthy();
  });

  it('lists the principal assignments, or says the caller is not the management account', async () => {
    // Act
    const outcome = await target.ssoAdmin.listAccountAssignmentsForPrincipal('GROUP', target.config.groupId).then(
      (list) => ({ list }),
      (error: unknown) => ({ error }),
    );

    // Assess
    if ('error' in outcome) expect(outcome.error).toBeInstanceOf(PrincipalListingUnavailableError);
    else expect(outcome.list.every((a) => a.principalId === target.config.groupId)).toBe(true);
  });

  it('creates the probe assignment, repeats it harmlessly, deletes it, and deletes it again harmlessly', async () => {
    // Act
    created = true;
    await target.ssoAdmin.createAccountAssignment(probe);
    const afterCreate = await isAssigned();
    await target.ssoAdmin.createAccountAssignment(probe);
    await target.ssoAdmin.deleteAccountAssignment(probe);
    const afterDelete = await isAssigned();
    await target.ssoAdmin.deleteAccountAssignment(probe);

    // Assess
    expect(afterCreate).toBe(true);
    expect(afterDelete).toBe(false);
  });
});

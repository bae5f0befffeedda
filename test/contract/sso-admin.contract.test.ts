import { afterEach, describe, expect, it } from 'vitest';
import { RetriesExhaustedError } from '../../shared/adapters/backoff.js';
import { createAssignmentLimiter } from '../../shared/adapters/limiter.js';
import { discoverInstance } from '../../shared/adapters/sso-admin.js';
import { AssignmentOperationError, PrincipalListingUnavailableError } from '../../shared/domain/errors.js';
import { type AccountAssignment, assignmentKey } from '../../shared/domain/model.js';
import { type EmulatorTarget, startTarget } from './support/emulator-target.js';
import {
  ADMIN,
  ALICE,
  AUDITORS,
  BOB,
  CAROL,
  DEVELOPERS,
  IDENTITY_STORE_ID,
  INSTANCE_ARN,
  PLATFORM,
  POWER_USER,
  READ_ONLY,
  SANDBOX_ACCOUNT,
  seedSnapshot,
  WORKLOAD_ACCOUNTS,
} from './support/seed.js';

let target: EmulatorTarget | undefined;
/** Pages of two, so that every listing spans several pages. */
const start = async (options: Parameters<typeof startTarget>[0] = {}) => {
  target = await startTarget({ pageSize: 2, ...options });
  return target;
};
afterEach(async () => {
  await target?.close();
  target = undefined;
});

const account = (i: number) => WORKLOAD_ACCOUNTS[i] as string;
const grant = (accountId: string, permissionSetArn: string, principalId: string, type: 'USER' | 'GROUP' = 'GROUP') =>
  ({ accountId, permissionSetArn, principalType: type, principalId }) satisfies AccountAssignment;
const assignedKeys = (t: EmulatorTarget) => new Set(t.emulator.world.exportSnapshot().assignments.map(assignmentKey));

describe('SsoAdminAdapter reads against the emulator', () => {
  it('discovers the instance', async () => {
    // Prepare
    const { clients } = await start();

    // Act
    const found = await discoverInstance(clients.ssoAdmin);

    // Assess
    expect(found).toEqual({ instanceArn: INSTANCE_ARN, identityStoreId: IDENTITY_STORE_ID });
  });

  it('lists every permission set with its name', async () => {
    // Prepare
    const { ssoAdmin } = await start();

    // Act
    const sets = await ssoAdmin.listPermissionSets();

    // Assess
    expect([...sets].sort((a, b) => a.arn.localeCompare(b.arn))).toEqual(seedSnapshot().permissionSets);
  });

  it('lists every assignment on an account across permission sets and pages', async () => {
    // Prepare
    const { ssoAdmin } = await start();
    const expected = seedSnapshot().assignments.filter((a) => a.accountId === account(0));

    // Act
    const found = await ssoAdmin.listAccountAssignments(account(0));

    // Assess
    expect(found.map(assignmentKey).sort()).toEqual(expected.map(assignmentKey).sort());
  });

  it('describes a permission set, and finds it no more once it is deleted', async () => {
    // Prepare
    const t = await start();
    const before = await t.ssoAdmin.describePermissionSet(POWER_USER);
    t.emulator.world.deleteAssignment(grant(SANDBOX_ACCOUNT, POWER_USER, ALICE, 'USER'));
    t.emulator.world.deletePermissionSet(POWER_USER);

    // Act
    const after = await t.ssoAdmin.describePermissionSet(POWER_USER);

    // Assess
    expect(before).toEqual({ arn: POWER_USER, name: 'PowerUserAccess' });
    expect(after).toBeUndefined();
  });

  it('reads a permission set deleted since the caller named it as holding none, and the others as they are', async () => {
    // Prepare
    const t = await start();
    t.emulator.world.deleteAssignment(grant(SANDBOX_ACCOUNT, POWER_USER, ALICE, 'USER'));
    t.emulator.world.deletePermissionSet(POWER_USER);
    const expected = seedSnapshot().assignments.filter(
      (a) => a.accountId === SANDBOX_ACCOUNT && a.permissionSetArn === ADMIN,
    );

    // Act
    const alone = await t.ssoAdmin.listAccountAssignments(SANDBOX_ACCOUNT, { permissionSetArns: [POWER_USER] });
    const both = await t.ssoAdmin.listAccountAssignments(SANDBOX_ACCOUNT, { permissionSetArns: [ADMIN, POWER_USER] });

    // Assess
    expect(alone).toEqual([]);
    expect(both.map(assignmentKey).sort()).toEqual(expected.map(assignmentKey).sort());
  });

  it('lists every assignment of a principal', async () => {
    // Prepare
    const { ssoAdmin } = await start();

    // Act
    const found = await ssoAdmin.listAccountAssignmentsForPrincipal('USER', ALICE);

    // Assess
    expect(found.map(assignmentKey).sort()).toEqual(
      [grant(SANDBOX_ACCOUNT, ADMIN, ALICE, 'USER'), grant(SANDBOX_ACCOUNT, POWER_USER, ALICE, 'USER')]
        .map(assignmentKey)
        .sort(),
    );
  });

  it('throws PrincipalListingUnavailableError for a delegated administrator', async () => {
    // Prepare
    const { ssoAdmin } = await start({ delegatedAdministrator: true });

    // Act
    const result = ssoAdmin.listAccountAssignmentsForPrincipal('USER', ALICE);

    // Assess
    await expect(result).rejects.toBeInstanceOf(PrincipalListingUnavailableError);
  });
});

describe('SsoAdminAdapter writes against the emulator', () => {
  it('creates an assignment, polling until it lands', async () => {
    // Prepare
    const t = await start();
    const wanted = grant(account(2), ADMIN, PLATFORM);

    // Act
    await t.ssoAdmin.createAccountAssignment(wanted);

    // Assess
    expect(assignedKeys(t).has(assignmentKey(wanted))).toBe(true);
    expect(t.emulator.stats().calls.DescribeAccountAssignmentCreationStatus).toBeGreaterThan(0);
  });

  it('retries injected conflicts, throttles and server errors to success', async () => {
    // Prepare
    const t = await start({
      faults: {
        scripted: [
          { operation: 'CreateAccountAssignment', error: 'ConflictException', count: 2 },
          { operation: 'DescribeAccountAssignmentCreationStatus', error: 'ThrottlingException', count: 1 },
          { operation: 'DeleteAccountAssignment', error: 'InternalServerException', count: 2 },
        ],
      },
    });
    const wanted = grant(account(2), READ_ONLY, DEVELOPERS);

    // Act
    await t.ssoAdmin.createAccountAssignment(wanted);
    const afterCreate = assignedKeys(t).has(assignmentKey(wanted));
    await t.ssoAdmin.deleteAccountAssignment(wanted);

    // Assess
    expect(afterCreate).toBe(true);
    expect(assignedKeys(t).has(assignmentKey(wanted))).toBe(false);
    expect(t.emulator.stats().faultsInjected).toBe(5);
  });

  it('gives up after maxAttempts with the last error as cause', async () => {
    // Prepare
    const t = await start({
      faults: { scripted: [{ operation: 'CreateAccountAssignment', error: 'ThrottlingException', count: 100 }] },
    });
    const adapter = t.ssoAdminWith({ maxAttempts: 3 });

    // Act
    const result = adapter.createAccountAssignment(grant(account(2), ADMIN, PLATFORM));

    // Assess
    await expect(result).rejects.toBeInstanceOf(RetriesExhaustedError);
    await expect(result).rejects.toMatchObject({ cause: { name: 'ThrottlingException' } });
    expect(t.emulator.stats().calls.CreateAccountAssignment).toBe(3);
  });

  it('throws AssignmentOperationError when a create ends FAILED', async () => {
    // Prepare
    const t = await start({ faults: { failAssignmentsOnAccounts: [account(4)] } });

    // Act
    const result = t.ssoAdmin.createAccountAssignment(grant(account(4), ADMIN, PLATFORM));

    // Assess
    await expect(result).rejects.toBeInstanceOf(AssignmentOperationError);
    await expect(result).rejects.toMatchObject({ operation: 'create' });
  });

  it('propagates the error for a create whose principal does not exist', async () => {
    // Prepare
    const t = await start();

    // Act
    const result = t.ssoAdmin.createAccountAssignment(grant(account(2), ADMIN, 'b0000000-0000-4000-8000-00000000ffff'));

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it("counts the deletion of a deleted principal's assignment as done (the 404 case)", async () => {
    // Prepare
    const t = await start();
    const orphan = grant(account(1), READ_ONLY, BOB, 'USER');
    t.emulator.world.deleteUser(BOB);

    // Act
    const result = t.ssoAdmin.deleteAccountAssignment(orphan);

    // Assess
    await expect(result).resolves.toBeUndefined();
    expect(assignedKeys(t).has(assignmentKey(orphan))).toBe(false);
  });

  it('re-checks a FAILED deletion and throws AssignmentOperationError while the assignment is still there', async () => {
    // Prepare
    const t = await start({ faults: { failAssignmentsOnAccounts: [account(0)] } });
    const stuck = grant(account(0), READ_ONLY, AUDITORS);

    // Act
    const result = t.ssoAdmin.deleteAccountAssignment(stuck);

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'AssignmentOperationError', operation: 'delete' });
    expect(t.emulator.stats().calls.ListAccountAssignments).toBeGreaterThan(0);
    expect(assignedKeys(t).has(assignmentKey(stuck))).toBe(true);
  });

  it('treats deleting an assignment that is already gone as done', async () => {
    // Prepare
    const t = await start();

    // Act
    const result = t.ssoAdmin.deleteAccountAssignment(grant(account(9), ADMIN, PLATFORM));

    // Assess
    await expect(result).resolves.toBeUndefined();
  });
});

/** 25 accounts x 2 assignments: the create quota, not the accounts, is the limit. */
const fiftyNewAssignments = () => {
  const principals = [PLATFORM, DEVELOPERS, AUDITORS];
  const sets = [ADMIN, POWER_USER];
  const wanted = Array.from({ length: 50 }, (_, i) =>
    grant(account(5 + (i % 25)), sets[Math.floor(i / 25)] as string, principals[i % 3] as string),
  );
  const seeded = new Set(seedSnapshot().assignments.map(assignmentKey));
  if (wanted.some((a) => seeded.has(assignmentKey(a)))) throw new Error('fixture: an assignment already exists');
  return wanted;
};

describe('SsoAdminAdapter limits against the emulator quotas', () => {
  it('completes 50 concurrent creates with no error reaching the caller', async () => {
    // Prepare
    const t = await start({ pageSize: 5 });
    const wanted = fiftyNewAssignments();

    // Act
    const outcomes = await Promise.allSettled(wanted.map((a) => t.ssoAdmin.createAccountAssignment(a)));

    // Assess
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    const after = assignedKeys(t);
    expect(wanted.every((a) => after.has(assignmentKey(a)))).toBe(true);
    // The adapter's own limits kept it inside the quotas: nothing had to be refused.
    expect(t.emulator.stats()).toMatchObject({ throttled: 0, conflicts: 0 });
  });

  it('absorbs the quota refusals when another caller already uses the create quota', async () => {
    // Prepare: an in-process limit looser than the instance quota stands for a second process
    // sharing the instance, so the emulator refuses creates beyond ten and the backoff must cope.
    // Time runs slower here, so that creates stay outstanding long enough (200 ms) to collide.
    const t = await start({ pageSize: 5, timeScale: 5 });
    const loose = t.ssoAdminWith({
      limiter: createAssignmentLimiter(50),
      maxAttempts: 40,
      backoffCapMs: 100,
      pollIntervalMs: 20,
      maxPollIntervalMs: 50,
    });
    const wanted = fiftyNewAssignments();

    // Act
    const outcomes = await Promise.allSettled(wanted.map((a) => loose.createAccountAssignment(a)));

    // Assess
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    const after = assignedKeys(t);
    expect(wanted.every((a) => after.has(assignmentKey(a)))).toBe(true);
    expect(t.emulator.stats().throttled).toBeGreaterThan(0);
  });

  it('keeps one change per account at a time, so mixed creates and deletes never conflict', async () => {
    // Prepare
    const t = await start({ pageSize: 5 });
    const onOneAccount = [
      t.ssoAdmin.createAccountAssignment(grant(account(0), ADMIN, DEVELOPERS)),
      t.ssoAdmin.deleteAccountAssignment(grant(account(0), READ_ONLY, DEVELOPERS)),
      t.ssoAdmin.createAccountAssignment(grant(account(0), POWER_USER, CAROL, 'USER')),
      t.ssoAdmin.deleteAccountAssignment(grant(account(0), READ_ONLY, CAROL, 'USER')),
      t.ssoAdmin.createAccountAssignment(grant(account(0), ADMIN, AUDITORS)),
    ];

    // Act
    await Promise.all(onOneAccount);

    // Assess
    expect(t.emulator.stats().conflicts).toBe(0);
    const after = assignedKeys(t);
    expect(after.has(assignmentKey(grant(account(0), ADMIN, DEVELOPERS)))).toBe(true);
    expect(after.has(assignmentKey(grant(account(0), READ_ONLY, CAROL, 'USER')))).toBe(false);
  });
});

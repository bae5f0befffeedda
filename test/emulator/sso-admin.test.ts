import {
  AccessDeniedException,
  ConflictException,
  CreateAccountAssignmentCommand,
  type CreateAccountAssignmentCommandInput,
  DeleteAccountAssignmentCommand,
  DeletePermissionSetCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribePermissionSetCommand,
  ListAccountAssignmentsCommand,
  ListAccountAssignmentsForPrincipalCommand,
  ListInstancesCommand,
  ListPermissionSetsCommand,
  ListPermissionSetsProvisionedToAccountCommand,
  ResourceNotFoundException,
  ValidationException,
} from '@aws-sdk/client-sso-admin';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/index.js';
import type { EmulatorOptions, RunningEmulator } from '../../emulator/types.js';
import {
  ADMIN,
  ALICE,
  BILLING,
  BOB,
  CAROL,
  type Clients,
  createClients,
  DEVELOPERS,
  IDENTITY_STORE_ID,
  INSTANCE_ARN,
  MANAGEMENT_ACCOUNT,
  PLATFORM,
  PROD_ACCOUNTS,
  READ_ONLY,
  rejectionOf,
  SANDBOX_ACCOUNT,
  seedSnapshot,
} from './emulator-fixture.js';

const PROD_0 = PROD_ACCOUNTS[0] ?? '';
const PROD_5 = PROD_ACCOUNTS[5] ?? '';

const assignmentInput = (
  accountId: string,
  permissionSetArn: string,
  principalType: 'USER' | 'GROUP',
  principalId: string,
): CreateAccountAssignmentCommandInput => ({
  InstanceArn: INSTANCE_ARN,
  TargetId: accountId,
  TargetType: 'AWS_ACCOUNT',
  PermissionSetArn: permissionSetArn,
  PrincipalType: principalType,
  PrincipalId: principalId,
});

describe('emulator SSO Admin', () => {
  let emulator: RunningEmulator;
  let clients: Clients;

  const start = async (options: Partial<EmulatorOptions> = {}) => {
    emulator = await startEmulator({ snapshot: seedSnapshot(), pageSize: 2, timeScale: 100, ...options });
    clients = createClients(emulator.endpoint);
  };

  const principalsOn = async (accountId: string, permissionSetArn: string) => {
    const { AccountAssignments } = await clients.ssoAdmin.send(
      new ListAccountAssignmentsCommand({
        InstanceArn: INSTANCE_ARN,
        AccountId: accountId,
        PermissionSetArn: permissionSetArn,
        MaxResults: 100,
      }),
    );
    return (AccountAssignments ?? []).map((a) => `${a.PrincipalType}:${a.PrincipalId}`);
  };

  afterEach(async () => {
    clients.destroy();
    await emulator.close();
  });

  it('lists the one instance with its identity store', async () => {
    await start();

    const { Instances } = await clients.ssoAdmin.send(new ListInstancesCommand({}));

    expect(Instances).toEqual([
      expect.objectContaining({
        InstanceArn: INSTANCE_ARN,
        IdentityStoreId: IDENTITY_STORE_ID,
        OwnerAccountId: MANAGEMENT_ACCOUNT,
        Status: 'ACTIVE',
      }),
    ]);
  });

  it('pages permission sets and describes one', async () => {
    await start();

    const first = await clients.ssoAdmin.send(new ListPermissionSetsCommand({ InstanceArn: INSTANCE_ARN }));
    const second = await clients.ssoAdmin.send(
      new ListPermissionSetsCommand({ InstanceArn: INSTANCE_ARN, NextToken: first.NextToken }),
    );
    const { PermissionSet } = await clients.ssoAdmin.send(
      new DescribePermissionSetCommand({ InstanceArn: INSTANCE_ARN, PermissionSetArn: BILLING }),
    );

    expect([...(first.PermissionSets ?? []), ...(second.PermissionSets ?? [])]).toEqual([READ_ONLY, ADMIN, BILLING]);
    expect(first.PermissionSets).toHaveLength(2);
    expect(second.NextToken).toBeUndefined();
    expect(PermissionSet).toMatchObject({ Name: 'Billing', PermissionSetArn: BILLING });
  });

  it('answers ResourceNotFoundException for another instance and ValidationException for a malformed ARN', async () => {
    await start();

    const other = await rejectionOf(
      clients.ssoAdmin.send(
        new ListPermissionSetsCommand({ InstanceArn: 'arn:aws:sso:::instance/ssoins-ffffffffffffffff' }),
      ),
    );
    const malformed = await rejectionOf(clients.ssoAdmin.send(new ListPermissionSetsCommand({ InstanceArn: 'nope' })));

    expect(other).toBeInstanceOf(ResourceNotFoundException);
    expect(malformed).toBeInstanceOf(ValidationException);
  });

  it('lists the permission sets provisioned to an account (those with an assignment there)', async () => {
    await start();

    const { PermissionSets } = await clients.ssoAdmin.send(
      new ListPermissionSetsProvisionedToAccountCommand({ InstanceArn: INSTANCE_ARN, AccountId: PROD_0 }),
    );

    expect(PermissionSets).toEqual([READ_ONLY, ADMIN]);
  });

  it('lists the principals of one permission set on an account', async () => {
    await start();

    expect(await principalsOn(PROD_0, ADMIN)).toEqual([`GROUP:${PLATFORM}`, `USER:${BOB}`]);
  });

  it('refuses ListAccountAssignments without a permission set', async () => {
    await start();

    const error = await rejectionOf(
      clients.ssoAdmin.send(
        new ListAccountAssignmentsCommand({
          InstanceArn: INSTANCE_ARN,
          AccountId: PROD_0,
          PermissionSetArn: undefined as unknown as string,
        }),
      ),
    );

    expect(error).toBeInstanceOf(ValidationException);
  });

  it('lists a principal’s assignments, filtered by account', async () => {
    await start();

    const all = await clients.ssoAdmin.send(
      new ListAccountAssignmentsForPrincipalCommand({
        InstanceArn: INSTANCE_ARN,
        PrincipalType: 'USER',
        PrincipalId: BOB,
      }),
    );
    const filtered = await clients.ssoAdmin.send(
      new ListAccountAssignmentsForPrincipalCommand({
        InstanceArn: INSTANCE_ARN,
        PrincipalType: 'USER',
        PrincipalId: BOB,
        Filter: { AccountId: PROD_ACCOUNTS[1] },
      }),
    );

    expect(all.AccountAssignments?.map((a) => a.AccountId)).toEqual([PROD_0, PROD_ACCOUNTS[1]]);
    expect(filtered.AccountAssignments).toEqual([
      { AccountId: PROD_ACCOUNTS[1], PermissionSetArn: READ_ONLY, PrincipalType: 'USER', PrincipalId: BOB },
    ]);
  });

  it('answers AccessDeniedException to ListAccountAssignmentsForPrincipal for a delegated administrator', async () => {
    await start({ delegatedAdministrator: true });

    const error = await rejectionOf(
      clients.ssoAdmin.send(
        new ListAccountAssignmentsForPrincipalCommand({
          InstanceArn: INSTANCE_ARN,
          PrincipalType: 'USER',
          PrincipalId: BOB,
        }),
      ),
    );

    expect(error).toBeInstanceOf(AccessDeniedException);
  });

  it('creates an assignment asynchronously: IN_PROGRESS first, SUCCEEDED after the latency', async () => {
    await start({ assignmentLatencyMs: 60_000 });

    const { AccountAssignmentCreationStatus: accepted } = await clients.ssoAdmin.send(
      new CreateAccountAssignmentCommand(assignmentInput(PROD_5, READ_ONLY, 'GROUP', DEVELOPERS)),
    );
    const before = await principalsOn(PROD_5, READ_ONLY);
    await emulator.settle();
    const { AccountAssignmentCreationStatus: done } = await clients.ssoAdmin.send(
      new DescribeAccountAssignmentCreationStatusCommand({
        InstanceArn: INSTANCE_ARN,
        AccountAssignmentCreationRequestId: accepted?.RequestId,
      }),
    );

    expect(accepted).toMatchObject({ Status: 'IN_PROGRESS', TargetId: PROD_5, PrincipalId: DEVELOPERS });
    expect(before).toEqual([]);
    expect(done).toMatchObject({ Status: 'SUCCEEDED', RequestId: accepted?.RequestId });
    expect(await principalsOn(PROD_5, READ_ONLY)).toEqual([`GROUP:${DEVELOPERS}`]);
  });

  it('reports IN_PROGRESS while the latency has not elapsed', async () => {
    await start({ assignmentLatencyMs: 3_600_000 });

    const { AccountAssignmentCreationStatus: accepted } = await clients.ssoAdmin.send(
      new CreateAccountAssignmentCommand(assignmentInput(PROD_5, READ_ONLY, 'USER', CAROL)),
    );
    const { AccountAssignmentCreationStatus: polled } = await clients.ssoAdmin.send(
      new DescribeAccountAssignmentCreationStatusCommand({
        InstanceArn: INSTANCE_ARN,
        AccountAssignmentCreationRequestId: accepted?.RequestId,
      }),
    );

    expect(polled?.Status).toBe('IN_PROGRESS');
  });

  it('ends SUCCEEDED when creating an assignment that already exists', async () => {
    await start({ assignmentLatencyMs: 1000 });

    const { AccountAssignmentCreationStatus: accepted } = await clients.ssoAdmin.send(
      new CreateAccountAssignmentCommand(assignmentInput(PROD_0, ADMIN, 'GROUP', PLATFORM)),
    );
    await emulator.settle();
    const { AccountAssignmentCreationStatus: done } = await clients.ssoAdmin.send(
      new DescribeAccountAssignmentCreationStatusCommand({
        InstanceArn: INSTANCE_ARN,
        AccountAssignmentCreationRequestId: accepted?.RequestId,
      }),
    );

    expect(done?.Status).toBe('SUCCEEDED');
    expect(await principalsOn(PROD_0, ADMIN)).toEqual([`GROUP:${PLATFORM}`, `USER:${BOB}`]);
  });

  it('deletes an assignment and ends SUCCEEDED', async () => {
    await start({ assignmentLatencyMs: 1000 });

    const { AccountAssignmentDeletionStatus: accepted } = await clients.ssoAdmin.send(
      new DeleteAccountAssignmentCommand(assignmentInput(PROD_0, ADMIN, 'GROUP', PLATFORM)),
    );
    await emulator.settle();
    const { AccountAssignmentDeletionStatus: done } = await clients.ssoAdmin.send(
      new DescribeAccountAssignmentDeletionStatusCommand({
        InstanceArn: INSTANCE_ARN,
        AccountAssignmentDeletionRequestId: accepted?.RequestId,
      }),
    );

    expect(accepted?.Status).toBe('IN_PROGRESS');
    expect(done?.Status).toBe('SUCCEEDED');
    expect(await principalsOn(PROD_0, ADMIN)).toEqual([`USER:${BOB}`]);
  });

  it('ends SUCCEEDED when deleting an assignment that does not exist', async () => {
    await start({ assignmentLatencyMs: 1000 });

    const { AccountAssignmentDeletionStatus: accepted } = await clients.ssoAdmin.send(
      new DeleteAccountAssignmentCommand(assignmentInput(PROD_5, BILLING, 'USER', CAROL)),
    );
    await emulator.settle();
    const { AccountAssignmentDeletionStatus: done } = await clients.ssoAdmin.send(
      new DescribeAccountAssignmentDeletionStatusCommand({
        InstanceArn: INSTANCE_ARN,
        AccountAssignmentDeletionRequestId: accepted?.RequestId,
      }),
    );

    expect(done?.Status).toBe('SUCCEEDED');
  });

  it('ends FAILED with a 404 reason when deleting for a deleted principal, and removes the assignment', async () => {
    await start({ assignmentLatencyMs: 1000 });
    emulator.world.deleteUser(ALICE);

    const { AccountAssignmentDeletionStatus: accepted } = await clients.ssoAdmin.send(
      new DeleteAccountAssignmentCommand(assignmentInput(SANDBOX_ACCOUNT, ADMIN, 'USER', ALICE)),
    );
    await emulator.settle();
    const { AccountAssignmentDeletionStatus: done } = await clients.ssoAdmin.send(
      new DescribeAccountAssignmentDeletionStatusCommand({
        InstanceArn: INSTANCE_ARN,
        AccountAssignmentDeletionRequestId: accepted?.RequestId,
      }),
    );

    expect(done?.Status).toBe('FAILED');
    expect(done?.FailureReason).toMatch(/404/);
    expect(done?.FailureReason).toContain(ALICE);
    expect(await principalsOn(SANDBOX_ACCOUNT, ADMIN)).toEqual([]);
  });

  it.each([
    ['a principal', assignmentInput(PROD_5, READ_ONLY, 'USER', '90000000-0000-4000-8000-00000000dead')],
    ['a permission set', assignmentInput(PROD_5, `${READ_ONLY}ff`, 'USER', ALICE)],
  ])('answers ResourceNotFoundException up front when creating for %s that does not exist', async (_, input) => {
    await start();

    const error = await rejectionOf(clients.ssoAdmin.send(new CreateAccountAssignmentCommand(input)));

    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(emulator.stats().calls.CreateAccountAssignment).toBe(1);
  });

  it('refuses to delete a permission set that is still assigned, through the API and the world alike', async () => {
    await start();

    const error = await rejectionOf(
      clients.ssoAdmin.send(new DeletePermissionSetCommand({ InstanceArn: INSTANCE_ARN, PermissionSetArn: ADMIN })),
    );

    expect(error).toBeInstanceOf(ConflictException);
    expect(() => emulator.world.deletePermissionSet(ADMIN)).toThrow(/assigned/);
    expect(await principalsOn(SANDBOX_ACCOUNT, ADMIN)).toEqual([`USER:${ALICE}`]);
  });

  it('answers ResourceNotFoundException about a deleted permission set, and lists it as provisioned nowhere', async () => {
    await start();
    for (const a of emulator.world.exportSnapshot().assignments.filter((x) => x.permissionSetArn === READ_ONLY)) {
      emulator.world.deleteAssignment(a);
    }

    await clients.ssoAdmin.send(
      new DeletePermissionSetCommand({ InstanceArn: INSTANCE_ARN, PermissionSetArn: READ_ONLY }),
    );
    const listing = await rejectionOf(principalsOn(PROD_0, READ_ONLY));
    const describing = await rejectionOf(
      clients.ssoAdmin.send(
        new DescribePermissionSetCommand({ InstanceArn: INSTANCE_ARN, PermissionSetArn: READ_ONLY }),
      ),
    );
    const { PermissionSets } = await clients.ssoAdmin.send(
      new ListPermissionSetsProvisionedToAccountCommand({ InstanceArn: INSTANCE_ARN, AccountId: PROD_0 }),
    );

    expect(listing).toBeInstanceOf(ResourceNotFoundException);
    expect(describing).toBeInstanceOf(ResourceNotFoundException);
    expect(PermissionSets).toEqual([ADMIN]);
  });

  it('ends FAILED a create accepted before its permission set was deleted, and assigns nothing', async () => {
    await start({ assignmentLatencyMs: 60_000 });

    const { AccountAssignmentCreationStatus: accepted } = await clients.ssoAdmin.send(
      new CreateAccountAssignmentCommand(assignmentInput(PROD_5, BILLING, 'USER', CAROL)),
    );
    emulator.world.deletePermissionSet(BILLING);
    await emulator.settle();
    const { AccountAssignmentCreationStatus: done } = await clients.ssoAdmin.send(
      new DescribeAccountAssignmentCreationStatusCommand({
        InstanceArn: INSTANCE_ARN,
        AccountAssignmentCreationRequestId: accepted?.RequestId,
      }),
    );

    expect(done?.Status).toBe('FAILED');
    expect(emulator.world.exportSnapshot().assignments.filter((a) => a.permissionSetArn === BILLING)).toEqual([]);
  });

  it('ends FAILED, leaving nothing behind, for accounts configured to fail', async () => {
    await start({ assignmentLatencyMs: 1000, faults: { failAssignmentsOnAccounts: [PROD_5] } });

    const { AccountAssignmentCreationStatus: accepted } = await clients.ssoAdmin.send(
      new CreateAccountAssignmentCommand(assignmentInput(PROD_5, READ_ONLY, 'USER', CAROL)),
    );
    await emulator.settle();
    const { AccountAssignmentCreationStatus: done } = await clients.ssoAdmin.send(
      new DescribeAccountAssignmentCreationStatusCommand({
        InstanceArn: INSTANCE_ARN,
        AccountAssignmentCreationRequestId: accepted?.RequestId,
      }),
    );

    expect(done?.Status).toBe('FAILED');
    expect(done?.FailureReason).toEqual(expect.any(String));
    expect(await principalsOn(PROD_5, READ_ONLY)).toEqual([]);
  });

  it('answers ResourceNotFoundException for an unknown request id', async () => {
    await start();

    const error = await rejectionOf(
      clients.ssoAdmin.send(
        new DescribeAccountAssignmentCreationStatusCommand({
          InstanceArn: INSTANCE_ARN,
          AccountAssignmentCreationRequestId: '00000000-0000-4000-8000-000000000000',
        }),
      ),
    );

    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });
});

import {
  AccessDeniedException,
  ConflictException,
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribePermissionSetCommand,
  InternalServerException,
  ListAccountAssignmentsCommand,
  ListAccountAssignmentsForPrincipalCommand,
  ListInstancesCommand,
  ListPermissionSetsCommand,
  ListPermissionSetsProvisionedToAccountCommand,
  ResourceNotFoundException,
  SSOAdminClient,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-sso-admin';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RetriesExhaustedError } from '../../../shared/adapters/backoff.js';
import { createAssignmentLimiter } from '../../../shared/adapters/limiter.js';
import {
  AssignmentStatusTimeoutError,
  discoverInstance,
  InstanceDiscoveryError,
  SsoAdminAdapter,
  type SsoAdminAdapterOptions,
} from '../../../shared/adapters/sso-admin.js';
import { AssignmentOperationError, PrincipalListingUnavailableError } from '../../../shared/domain/errors.js';
import type { AccountAssignment } from '../../../shared/domain/model.js';

const INSTANCE = 'arn:aws:sso:::instance/ssoins-1111222233334444';
const PS_ADMIN = `arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-aaaaaaaaaaaaaaaa`;
const PS_READ = `arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-bbbbbbbbbbbbbbbb`;
const meta = { $metadata: {} };

const assignment = (accountId = '111122223333', principalId = 'g-1'): AccountAssignment => ({
  accountId,
  permissionSetArn: PS_ADMIN,
  principalType: 'GROUP',
  principalId,
});

const requestInput = (a: AccountAssignment) => ({
  InstanceArn: INSTANCE,
  TargetId: a.accountId,
  TargetType: 'AWS_ACCOUNT',
  PermissionSetArn: a.permissionSetArn,
  PrincipalType: a.principalType,
  PrincipalId: a.principalId,
});

const sso = mockClient(SSOAdminClient);

/** An adapter whose pauses are recorded instead of waited for. */
const makeAdapter = (options: Partial<SsoAdminAdapterOptions> = {}) => {
  const sleeps: number[] = [];
  const adapter = new SsoAdminAdapter(new SSOAdminClient({}), {
    instanceArn: INSTANCE,
    limiter: createAssignmentLimiter(10),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    backoffBaseMs: 100,
    pollIntervalMs: 1000,
    ...options,
  });
  return { adapter, sleeps };
};

beforeEach(() => {
  sso.reset();
});
afterEach(() => {
  sso.reset();
});

describe('SsoAdminAdapter.listPermissionSets', () => {
  it('reads every page and names each permission set with DescribePermissionSet', async () => {
    // Prepare
    sso
      .on(ListPermissionSetsCommand, { InstanceArn: INSTANCE, NextToken: undefined })
      .resolves({ PermissionSets: [PS_ADMIN], NextToken: 't1' })
      .on(ListPermissionSetsCommand, { InstanceArn: INSTANCE, NextToken: 't1' })
      .resolves({ PermissionSets: [PS_READ] })
      .on(DescribePermissionSetCommand, { PermissionSetArn: PS_ADMIN })
      .resolves({ PermissionSet: { Name: 'AdministratorAccess' } })
      .on(DescribePermissionSetCommand, { PermissionSetArn: PS_READ })
      .resolves({ PermissionSet: { Name: 'ReadOnlyAccess' } });
    const { adapter } = makeAdapter();

    // Act
    const sets = await adapter.listPermissionSets();

    // Assess
    expect(sets).toEqual([
      { arn: PS_ADMIN, name: 'AdministratorAccess' },
      { arn: PS_READ, name: 'ReadOnlyAccess' },
    ]);
    expect(sso.commandCalls(ListPermissionSetsCommand).map((c) => c.args[0].input)).toEqual([
      { InstanceArn: INSTANCE, NextToken: undefined },
      { InstanceArn: INSTANCE, NextToken: 't1' },
    ]);
    expect(sso.commandCalls(DescribePermissionSetCommand)[0]?.args[0].input).toEqual({
      InstanceArn: INSTANCE,
      PermissionSetArn: PS_ADMIN,
    });
  });

  it('answers from its cache until clearCache is called', async () => {
    // Prepare
    sso.on(ListPermissionSetsCommand).resolves({ PermissionSets: [PS_ADMIN] });
    sso.on(DescribePermissionSetCommand).resolves({ PermissionSet: { Name: 'AdministratorAccess' } });
    const { adapter } = makeAdapter();

    // Act
    await adapter.listPermissionSets();
    await adapter.listPermissionSets();
    const callsBeforeClear = sso.commandCalls(ListPermissionSetsCommand).length;
    adapter.clearCache();
    await adapter.listPermissionSets();

    // Assess
    expect(callsBeforeClear).toBe(1);
    expect(sso.commandCalls(ListPermissionSetsCommand)).toHaveLength(2);
  });
});

describe('SsoAdminAdapter.listAccountAssignments', () => {
  it('lists the provisioned permission sets first, then every page of assignments of each', async () => {
    // Prepare
    sso
      .on(ListPermissionSetsProvisionedToAccountCommand, { NextToken: undefined })
      .resolves({ PermissionSets: [PS_ADMIN], NextToken: 'p2' })
      .on(ListPermissionSetsProvisionedToAccountCommand, { NextToken: 'p2' })
      .resolves({ PermissionSets: [PS_READ] })
      .on(ListAccountAssignmentsCommand, { PermissionSetArn: PS_ADMIN, NextToken: undefined })
      .resolves({
        AccountAssignments: [
          { AccountId: '111122223333', PermissionSetArn: PS_ADMIN, PrincipalType: 'GROUP', PrincipalId: 'g-1' },
        ],
        NextToken: 'a2',
      })
      .on(ListAccountAssignmentsCommand, { PermissionSetArn: PS_ADMIN, NextToken: 'a2' })
      .resolves({
        AccountAssignments: [
          { AccountId: '111122223333', PermissionSetArn: PS_ADMIN, PrincipalType: 'USER', PrincipalId: 'u-1' },
        ],
      })
      .on(ListAccountAssignmentsCommand, { PermissionSetArn: PS_READ })
      .resolves({ AccountAssignments: [] });
    const { adapter } = makeAdapter();

    // Act
    const found = await adapter.listAccountAssignments('111122223333');

    // Assess
    expect(found).toEqual([
      { accountId: '111122223333', permissionSetArn: PS_ADMIN, principalType: 'GROUP', principalId: 'g-1' },
      { accountId: '111122223333', permissionSetArn: PS_ADMIN, principalType: 'USER', principalId: 'u-1' },
    ]);
    expect(sso.commandCalls(ListPermissionSetsProvisionedToAccountCommand)[0]?.args[0].input).toEqual({
      InstanceArn: INSTANCE,
      AccountId: '111122223333',
      NextToken: undefined,
    });
    expect(sso.commandCalls(ListAccountAssignmentsCommand).map((c) => c.args[0].input)).toEqual([
      { InstanceArn: INSTANCE, AccountId: '111122223333', PermissionSetArn: PS_ADMIN, NextToken: undefined },
      { InstanceArn: INSTANCE, AccountId: '111122223333', PermissionSetArn: PS_ADMIN, NextToken: 'a2' },
      { InstanceArn: INSTANCE, AccountId: '111122223333', PermissionSetArn: PS_READ, NextToken: undefined },
    ]);
  });

  it('reads one named permission set directly, without listing the provisioned ones', async () => {
    // Prepare
    sso.on(ListAccountAssignmentsCommand, { PermissionSetArn: PS_READ }).resolves({
      AccountAssignments: [
        { AccountId: '111122223333', PermissionSetArn: PS_READ, PrincipalType: 'GROUP', PrincipalId: 'g-2' },
      ],
    });
    const { adapter } = makeAdapter();

    // Act
    const found = await adapter.listAccountAssignments('111122223333', { permissionSetArns: [PS_READ] });

    // Assess
    expect(found).toEqual([
      { accountId: '111122223333', permissionSetArn: PS_READ, principalType: 'GROUP', principalId: 'g-2' },
    ]);
    expect(sso.commandCalls(ListPermissionSetsProvisionedToAccountCommand)).toEqual([]);
    expect(sso.commandCalls(ListAccountAssignmentsCommand).map((c) => c.args[0].input)).toEqual([
      { InstanceArn: INSTANCE, AccountId: '111122223333', PermissionSetArn: PS_READ, NextToken: undefined },
    ]);
  });
  it('reads, of several named permission sets, only those provisioned to the account', async () => {
    // Prepare: ReadOnlyAccess and a third set are provisioned; AdministratorAccess is not
    const PS_OTHER = 'arn:aws:sso:::permissionSet/ssoins-1/ps-other';
    sso
      .on(ListPermissionSetsProvisionedToAccountCommand)
      .resolves({ PermissionSets: [PS_READ, PS_OTHER] })
      .on(ListAccountAssignmentsCommand, { PermissionSetArn: PS_READ })
      .resolves({
        AccountAssignments: [
          { AccountId: '111122223333', PermissionSetArn: PS_READ, PrincipalType: 'GROUP', PrincipalId: 'g-2' },
        ],
      });
    const { adapter } = makeAdapter();

    // Act
    const found = await adapter.listAccountAssignments('111122223333', { permissionSetArns: [PS_ADMIN, PS_READ] });

    // Assess
    expect(found.map((a) => a.principalId)).toEqual(['g-2']);
    expect(sso.commandCalls(ListAccountAssignmentsCommand).map((c) => c.args[0].input.PermissionSetArn)).toEqual([
      PS_READ,
    ]);
  });

  it('reads a permission set deleted since it was listed as holding none, once DescribePermissionSet says it is gone', async () => {
    // Prepare: AdministratorAccess is listed as provisioned, then deleted before its assignments are read
    const gone = () => new ResourceNotFoundException({ message: 'Could not find PermissionSet', $metadata: {} });
    sso
      .on(ListPermissionSetsProvisionedToAccountCommand)
      .resolves({ PermissionSets: [PS_ADMIN, PS_READ] })
      .on(ListAccountAssignmentsCommand, { PermissionSetArn: PS_ADMIN })
      .rejects(gone())
      .on(DescribePermissionSetCommand, { PermissionSetArn: PS_ADMIN })
      .rejects(gone())
      .on(ListAccountAssignmentsCommand, { PermissionSetArn: PS_READ })
      .resolves({
        AccountAssignments: [
          { AccountId: '111122223333', PermissionSetArn: PS_READ, PrincipalType: 'GROUP', PrincipalId: 'g-2' },
        ],
      });
    const { adapter } = makeAdapter();

    // Act
    const found = await adapter.listAccountAssignments('111122223333');

    // Assess
    expect(found.map((a) => a.principalId)).toEqual(['g-2']);
    expect(sso.commandCalls(DescribePermissionSetCommand).map((c) => c.args[0].input)).toEqual([
      { InstanceArn: INSTANCE, PermissionSetArn: PS_ADMIN },
    ]);
  });

  it.each([
    [
      'still describes the permission set',
      (s: typeof sso) =>
        s.on(DescribePermissionSetCommand).resolves({ PermissionSet: { Name: 'AdministratorAccess' } }),
    ],
    [
      'cannot describe it',
      (s: typeof sso) =>
        s.on(DescribePermissionSetCommand).rejects(new AccessDeniedException({ message: 'denied', $metadata: {} })),
    ],
  ])('fails the listing on a not-found of ListAccountAssignments when Identity Center %s', async (_, describing) => {
    // Prepare
    const notFound = new ResourceNotFoundException({ message: 'not found', $metadata: {} });
    sso.on(ListAccountAssignmentsCommand).rejects(notFound);
    describing(sso);
    const { adapter } = makeAdapter();

    // Act
    const listing = adapter.listAccountAssignments('111122223333', { permissionSetArns: [PS_ADMIN] });

    // Assess
    await expect(listing).rejects.toBe(notFound);
  });

  it('reads several named permission sets directly when at most one of them may not be provisioned', async () => {
    // Prepare: the caller expects AdministratorAccess to hold assignments; ReadOnlyAccess may not.
    sso.on(ListAccountAssignmentsCommand, { PermissionSetArn: PS_ADMIN }).resolves({
      AccountAssignments: [
        { AccountId: '111122223333', PermissionSetArn: PS_ADMIN, PrincipalType: 'GROUP', PrincipalId: 'g-1' },
      ],
    });
    sso.on(ListAccountAssignmentsCommand, { PermissionSetArn: PS_READ }).resolves({ AccountAssignments: [] });
    const { adapter } = makeAdapter();

    // Act
    const found = await adapter.listAccountAssignments('111122223333', {
      permissionSetArns: [PS_ADMIN, PS_READ],
      likelyProvisioned: [PS_ADMIN],
    });

    // Assess
    expect(found.map((a) => a.principalId)).toEqual(['g-1']);
    expect(sso.commandCalls(ListPermissionSetsProvisionedToAccountCommand)).toEqual([]);
    expect(sso.commandCalls(ListAccountAssignmentsCommand).map((c) => c.args[0].input.PermissionSetArn)).toEqual([
      PS_ADMIN,
      PS_READ,
    ]);
  });

  it('lists the provisioned permission sets first when two named sets or more may not be provisioned', async () => {
    // Prepare: neither of the two sets the caller does not vouch for is provisioned.
    const PS_OTHER = 'arn:aws:sso:::permissionSet/ssoins-1/ps-other';
    sso
      .on(ListPermissionSetsProvisionedToAccountCommand)
      .resolves({ PermissionSets: [PS_ADMIN] })
      .on(ListAccountAssignmentsCommand)
      .resolves({ AccountAssignments: [] });
    const { adapter } = makeAdapter();

    // Act
    await adapter.listAccountAssignments('111122223333', {
      permissionSetArns: [PS_ADMIN, PS_READ, PS_OTHER],
      likelyProvisioned: [PS_ADMIN],
    });

    // Assess
    expect(sso.commandCalls(ListPermissionSetsProvisionedToAccountCommand)).toHaveLength(1);
    expect(sso.commandCalls(ListAccountAssignmentsCommand).map((c) => c.args[0].input.PermissionSetArn)).toEqual([
      PS_ADMIN,
    ]);
  });
});

describe('SsoAdminAdapter.describePermissionSet', () => {
  it('answers the permission set with its name', async () => {
    // Prepare
    sso
      .on(DescribePermissionSetCommand)
      .resolves({ PermissionSet: { Name: 'ReadOnlyAccess', PermissionSetArn: PS_READ } });
    const { adapter } = makeAdapter();

    // Act
    const found = await adapter.describePermissionSet(PS_READ);

    // Assess
    expect(found).toEqual({ arn: PS_READ, name: 'ReadOnlyAccess' });
    expect(sso.commandCalls(DescribePermissionSetCommand)[0]?.args[0].input).toEqual({
      InstanceArn: INSTANCE,
      PermissionSetArn: PS_READ,
    });
  });

  it('answers undefined when Identity Center does not find the permission set', async () => {
    // Prepare
    sso.on(DescribePermissionSetCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    const { adapter } = makeAdapter();

    // Act
    const found = await adapter.describePermissionSet(PS_READ);

    // Assess
    expect(found).toBeUndefined();
  });

  it('throws any other error', async () => {
    // Prepare
    const denied = new AccessDeniedException({ message: 'denied', $metadata: {} });
    sso.on(DescribePermissionSetCommand).rejects(denied);
    const { adapter } = makeAdapter();

    // Act
    const describing = adapter.describePermissionSet(PS_READ);

    // Assess
    await expect(describing).rejects.toBe(denied);
  });
});

describe('SsoAdminAdapter.listAccountAssignmentsForPrincipal', () => {
  it('reads every page for the principal', async () => {
    // Prepare
    sso
      .on(ListAccountAssignmentsForPrincipalCommand, { NextToken: undefined })
      .resolves({
        AccountAssignments: [
          { AccountId: '111122223333', PermissionSetArn: PS_ADMIN, PrincipalType: 'USER', PrincipalId: 'u-1' },
        ],
        NextToken: 'n',
      })
      .on(ListAccountAssignmentsForPrincipalCommand, { NextToken: 'n' })
      .resolves({
        AccountAssignments: [
          { AccountId: '444455556666', PermissionSetArn: PS_READ, PrincipalType: 'USER', PrincipalId: 'u-1' },
        ],
      });
    const { adapter } = makeAdapter();

    // Act
    const found = await adapter.listAccountAssignmentsForPrincipal('USER', 'u-1');

    // Assess
    expect(found.map((a) => a.accountId)).toEqual(['111122223333', '444455556666']);
    expect(sso.commandCalls(ListAccountAssignmentsForPrincipalCommand)[0]?.args[0].input).toEqual({
      InstanceArn: INSTANCE,
      PrincipalType: 'USER',
      PrincipalId: 'u-1',
      NextToken: undefined,
    });
  });

  it('throws PrincipalListingUnavailableError with the cause when the caller is not the management account', async () => {
    // Prepare
    const denied = new AccessDeniedException({ message: 'not the management account', ...meta });
    sso.on(ListAccountAssignmentsForPrincipalCommand).rejects(denied);
    const { adapter } = makeAdapter();

    // Act
    const result = adapter.listAccountAssignmentsForPrincipal('GROUP', 'g-1');

    // Assess
    await expect(result).rejects.toBeInstanceOf(PrincipalListingUnavailableError);
    await expect(result).rejects.toMatchObject({ cause: denied });
  });
});

describe('SsoAdminAdapter.createAccountAssignment', () => {
  it('sends the exact request and polls at the configured step until SUCCEEDED', async () => {
    // Prepare
    sso.on(CreateAccountAssignmentCommand).resolves({
      AccountAssignmentCreationStatus: { Status: 'IN_PROGRESS', RequestId: 'req-1' },
    });
    sso
      .on(DescribeAccountAssignmentCreationStatusCommand)
      .resolvesOnce({ AccountAssignmentCreationStatus: { Status: 'IN_PROGRESS', RequestId: 'req-1' } })
      .resolvesOnce({ AccountAssignmentCreationStatus: { Status: 'IN_PROGRESS', RequestId: 'req-1' } })
      .resolves({ AccountAssignmentCreationStatus: { Status: 'SUCCEEDED', RequestId: 'req-1' } });
    const { adapter, sleeps } = makeAdapter();

    // Act
    await adapter.createAccountAssignment(assignment());

    // Assess
    expect(sso.commandCalls(CreateAccountAssignmentCommand)[0]?.args[0].input).toEqual(requestInput(assignment()));
    expect(sso.commandCalls(DescribeAccountAssignmentCreationStatusCommand)[0]?.args[0].input).toEqual({
      InstanceArn: INSTANCE,
      AccountAssignmentCreationRequestId: 'req-1',
    });
    expect(sleeps).toEqual([1000, 1000, 1000]);
  });

  it('lets the pause grow by half once a first request is still in progress after five steps', async () => {
    // Prepare: nothing learnt yet, and the request takes longer than five steps.
    sso.on(CreateAccountAssignmentCommand).resolves({
      AccountAssignmentCreationStatus: { Status: 'IN_PROGRESS', RequestId: 'req-1' },
    });
    const inProgress = { AccountAssignmentCreationStatus: { Status: 'IN_PROGRESS' as const, RequestId: 'req-1' } };
    let polls = sso.on(DescribeAccountAssignmentCreationStatusCommand);
    for (let i = 0; i < 7; i++) polls = polls.resolvesOnce(inProgress);
    polls.resolves({ AccountAssignmentCreationStatus: { Status: 'SUCCEEDED', RequestId: 'req-1' } });
    const { adapter, sleeps } = makeAdapter();

    // Act
    await adapter.createAccountAssignment(assignment());

    // Assess
    expect(sleeps).toEqual([1000, 1000, 1000, 1000, 1000, 1500, 2250, 3375]);
  });

  it('throws AssignmentOperationError with the failure reason when the request ends FAILED', async () => {
    // Prepare
    sso.on(CreateAccountAssignmentCommand).resolves({
      AccountAssignmentCreationStatus: { Status: 'IN_PROGRESS', RequestId: 'req-1' },
    });
    sso.on(DescribeAccountAssignmentCreationStatusCommand).resolves({
      AccountAssignmentCreationStatus: {
        Status: 'FAILED',
        FailureReason: 'IAM role quota reached',
        RequestId: 'req-1',
      },
    });
    const { adapter } = makeAdapter();

    // Act
    const result = adapter.createAccountAssignment(assignment());

    // Assess
    await expect(result).rejects.toBeInstanceOf(AssignmentOperationError);
    await expect(result).rejects.toMatchObject({ operation: 'create', failureReason: 'IAM role quota reached' });
  });

  it('sends writes through the write client when one is given', async () => {
    // Prepare
    const writer = new SSOAdminClient({});
    const sent: unknown[] = [];
    const writerSend = async (command: CreateAccountAssignmentCommand) => {
      sent.push(command.input);
      return { AccountAssignmentCreationStatus: { Status: 'SUCCEEDED' as const, RequestId: 'req-1' } };
    };
    const { adapter } = makeAdapter({ writeClient: { send: writerSend } as unknown as typeof writer });

    // Act
    await adapter.createAccountAssignment(assignment());

    // Assess
    expect(sent).toEqual([requestInput(assignment())]);
    expect(sso.commandCalls(CreateAccountAssignmentCommand)).toHaveLength(0);
  });

  it.each([
    ['ConflictException', new ConflictException({ message: 'conflict', ...meta })],
    ['ThrottlingException', new ThrottlingException({ message: 'slow down', ...meta })],
    ['InternalServerException', new InternalServerException({ message: 'oops', ...meta })],
    ['TooManyRequestsException', Object.assign(new Error('too many'), { name: 'TooManyRequestsException' })],
    ['an HTTP 503', Object.assign(new Error('unavailable'), { name: 'Unknown', $metadata: { httpStatusCode: 503 } })],
  ])('retries %s with full-jitter exponential backoff', async (_label, error) => {
    // Prepare
    sso
      .on(CreateAccountAssignmentCommand)
      .rejectsOnce(error)
      .rejectsOnce(error)
      .resolves({ AccountAssignmentCreationStatus: { Status: 'SUCCEEDED', RequestId: 'req-1' } });
    const { adapter, sleeps } = makeAdapter({ random: () => 0.5, backoffBaseMs: 100 });

    // Act
    await adapter.createAccountAssignment(assignment());

    // Assess
    expect(sso.commandCalls(CreateAccountAssignmentCommand)).toHaveLength(3);
    // Half of the ceilings 100 and 200 ms.
    expect(sleeps).toEqual([50, 100]);
  });

  it('caps the backoff ceiling and gives up after maxAttempts with the last error as cause', async () => {
    // Prepare
    const throttle = new ThrottlingException({ message: 'slow down', ...meta });
    sso.on(CreateAccountAssignmentCommand).rejects(throttle);
    const { adapter, sleeps } = makeAdapter({
      random: () => 0.99,
      backoffBaseMs: 100,
      backoffCapMs: 300,
      maxAttempts: 4,
    });

    // Act
    const result = adapter.createAccountAssignment(assignment());

    // Assess
    await expect(result).rejects.toBeInstanceOf(RetriesExhaustedError);
    await expect(result).rejects.toMatchObject({ cause: throttle, attempts: 4 });
    expect(sso.commandCalls(CreateAccountAssignmentCommand)).toHaveLength(4);
    expect(sleeps).toEqual([99, 198, 297]);
  });

  it('does not retry an error that is not retryable', async () => {
    // Prepare
    const invalid = new ValidationException({ message: 'bad principal id', ...meta });
    sso.on(CreateAccountAssignmentCommand).rejects(invalid);
    const { adapter } = makeAdapter();

    // Act
    const result = adapter.createAccountAssignment(assignment());

    // Assess
    await expect(result).rejects.toBe(invalid);
    expect(sso.commandCalls(CreateAccountAssignmentCommand)).toHaveLength(1);
  });

  it('retries a throttled status poll instead of failing the create', async () => {
    // Prepare
    sso.on(CreateAccountAssignmentCommand).resolves({
      AccountAssignmentCreationStatus: { Status: 'IN_PROGRESS', RequestId: 'req-1' },
    });
    sso
      .on(DescribeAccountAssignmentCreationStatusCommand)
      .rejectsOnce(new ThrottlingException({ message: 'slow down', ...meta }))
      .resolves({ AccountAssignmentCreationStatus: { Status: 'SUCCEEDED', RequestId: 'req-1' } });
    const { adapter } = makeAdapter();

    // Act
    await adapter.createAccountAssignment(assignment());

    // Assess
    expect(sso.commandCalls(DescribeAccountAssignmentCreationStatusCommand)).toHaveLength(2);
  });

  it('throws AssignmentStatusTimeoutError when the request stays IN_PROGRESS past the poll timeout', async () => {
    // Prepare
    sso.on(CreateAccountAssignmentCommand).resolves({
      AccountAssignmentCreationStatus: { Status: 'IN_PROGRESS', RequestId: 'req-9' },
    });
    sso.on(DescribeAccountAssignmentCreationStatusCommand).resolves({
      AccountAssignmentCreationStatus: { Status: 'IN_PROGRESS', RequestId: 'req-9' },
    });
    const { adapter } = makeAdapter({ pollIntervalMs: 1000, maxPollIntervalMs: 1000, pollTimeoutMs: 5000 });

    // Act
    const result = adapter.createAccountAssignment(assignment());

    // Assess
    await expect(result).rejects.toBeInstanceOf(AssignmentStatusTimeoutError);
    expect(sso.commandCalls(DescribeAccountAssignmentCreationStatusCommand)).toHaveLength(5);
  });
});

describe('SsoAdminAdapter status poll cadence', () => {
  const inProgress = { AccountAssignmentCreationStatus: { Status: 'IN_PROGRESS' as const, RequestId: 'req' } };
  const succeeded = { AccountAssignmentCreationStatus: { Status: 'SUCCEEDED' as const, RequestId: 'req' } };

  it('polls at the latency it learnt from an earlier request, then in short steps', async () => {
    // Prepare: the first request ends after polls at 1 s, 2 s and 3 s (the configured step), so
    // its latency is estimated at 2.5 s, between the last two polls.
    sso.on(CreateAccountAssignmentCommand).resolves(inProgress);
    sso
      .on(DescribeAccountAssignmentCreationStatusCommand)
      .resolvesOnce(inProgress)
      .resolvesOnce(inProgress)
      .resolvesOnce(succeeded)
      .resolvesOnce(inProgress)
      .resolves(succeeded);
    const { adapter, sleeps } = makeAdapter();
    await adapter.createAccountAssignment(assignment('111122223333'));
    sleeps.length = 0;

    // Act
    await adapter.createAccountAssignment(assignment('111122224444'));

    // Assess: the first poll waits the estimate; a miss is followed by a twentieth of it.
    expect(sleeps).toEqual([2500, 125]);
  });

  it('probes for a shorter latency when a request is already final at its first poll', async () => {
    // Prepare: as above, the estimate is 2.5 s; the second request is done at its first poll.
    sso.on(CreateAccountAssignmentCommand).resolves(inProgress);
    sso
      .on(DescribeAccountAssignmentCreationStatusCommand)
      .resolvesOnce(inProgress)
      .resolvesOnce(inProgress)
      .resolves(succeeded);
    const { adapter, sleeps } = makeAdapter();
    await adapter.createAccountAssignment(assignment('111122223333'));
    await adapter.createAccountAssignment(assignment('111122224444'));
    sleeps.length = 0;

    // Act
    await adapter.createAccountAssignment(assignment('111122225555'));

    // Assess: a quarter of a percent shorter than 2,500 ms.
    expect(sleeps).toEqual([2494]);
  });

  it('after a miss, polls the next request when the last one was seen final', async () => {
    // Prepare: the estimate is 2.5 s; the second request misses at 2,500 ms and is final at
    // 2,500 + 125 = 2,625 ms.
    sso.on(CreateAccountAssignmentCommand).resolves(inProgress);
    sso
      .on(DescribeAccountAssignmentCreationStatusCommand)
      .resolvesOnce(inProgress)
      .resolvesOnce(inProgress)
      .resolvesOnce(succeeded)
      .resolvesOnce(inProgress)
      .resolves(succeeded);
    const { adapter, sleeps } = makeAdapter();
    await adapter.createAccountAssignment(assignment('111122223333'));
    await adapter.createAccountAssignment(assignment('111122224444'));
    sleeps.length = 0;

    // Act
    await adapter.createAccountAssignment(assignment('111122225555'));

    // Assess
    expect(sleeps).toEqual([2625]);
  });
});

describe('SsoAdminAdapter status poll cadence against a latency', () => {
  /**
   * Fakes Identity Center on a virtual clock that only the adapter's pauses move: the n-th request
   * (creates and deletes counted together) is final once `latencyOf(n)` ms have passed since it
   * was sent. Returns the pauses before each poll, per request.
   */
  const onLatency = (latencyOf: (n: number) => number) => {
    let now = 0;
    const requests = new Map<string, number>();
    const pausesPerRequest: number[][] = [];
    const start = () => {
      const id = `req-${requests.size}`;
      requests.set(id, now + latencyOf(requests.size));
      pausesPerRequest.push([]);
      return { Status: 'IN_PROGRESS' as const, RequestId: id };
    };
    const poll = (id: string) => ({
      Status: now >= (requests.get(id) ?? Number.POSITIVE_INFINITY) ? ('SUCCEEDED' as const) : ('IN_PROGRESS' as const),
      RequestId: id,
    });
    sso.on(CreateAccountAssignmentCommand).callsFake(async () => ({ AccountAssignmentCreationStatus: start() }));
    sso.on(DeleteAccountAssignmentCommand).callsFake(async () => ({ AccountAssignmentDeletionStatus: start() }));
    sso.on(DescribeAccountAssignmentCreationStatusCommand).callsFake(async (input) => ({
      AccountAssignmentCreationStatus: poll(input.AccountAssignmentCreationRequestId),
    }));
    sso.on(DescribeAccountAssignmentDeletionStatusCommand).callsFake(async (input) => ({
      AccountAssignmentDeletionStatus: poll(input.AccountAssignmentDeletionRequestId),
    }));
    const { adapter } = makeAdapter({
      sleep: async (ms) => {
        now += ms;
        pausesPerRequest.at(-1)?.push(ms);
      },
    });
    /** Sends `count` requests of one kind, one after another, as an account's chain does. */
    const send = async (kind: 'create' | 'delete', count: number) => {
      for (let i = 0; i < count; i++) {
        const a = assignment('111122223333', `g-${kind}-${pausesPerRequest.length}`);
        await (kind === 'create' ? adapter.createAccountAssignment(a) : adapter.deleteAccountAssignment(a));
      }
    };
    return { send, pausesPerRequest };
  };
  const polls = (requests: readonly (readonly number[])[]) => requests.reduce((sum, p) => sum + p.length, 0);

  it('polls a steady latency about once per request, and sees each request within a twentieth of it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 500, max: 8_000 }), async (latencyMs) => {
        // Prepare: the latency is learnt over a first 50 requests.
        sso.reset();
        const { send, pausesPerRequest } = onLatency(() => latencyMs);
        await send('create', 50);
        pausesPerRequest.length = 0;

        // Act
        await send('create', 300);

        // Assess: a constant 1% probe cost 1.17 polls per request on this fake.
        expect(polls(pausesPerRequest) / 300).toBeLessThanOrEqual(1.1);
        for (const pauses of pausesPerRequest) {
          const seenAt = pauses.reduce((sum, p) => sum + p, 0);
          expect(seenAt - latencyMs).toBeLessThanOrEqual(Math.max(100, latencyMs / 20) * 1.06);
        }
      }),
      { numRuns: 20 },
    );
  });

  it('lowers the estimate by more with each request in a row that is final at its first poll', async () => {
    // Prepare: the latency drops from 3 s to 1 s once the estimate is learnt.
    const { send, pausesPerRequest } = onLatency((n) => (n < 30 ? 3_000 : 1_000));
    await send('create', 30);
    pausesPerRequest.length = 0;

    // Act
    await send('create', 22);

    // Assess: twenty requests later, one request lowers the first pause by more than twice as much.
    const firsts = pausesPerRequest.map((pauses) => pauses[0] ?? 0);
    const step = (i: number) => (firsts[i] ?? 0) - (firsts[i + 1] ?? 0);
    expect(firsts.every((pause, i) => i === 0 || pause < (firsts[i - 1] ?? 0))).toBe(true);
    expect(step(20)).toBeGreaterThan(2 * step(0));
  });

  it('follows a latency that drops by a third within 45 requests', async () => {
    // Prepare
    const { send, pausesPerRequest } = onLatency((n) => (n < 30 ? 3_000 : 2_000));
    await send('create', 30);
    pausesPerRequest.length = 0;

    // Act
    await send('create', 45);

    // Assess
    expect(pausesPerRequest.at(-1)?.[0]).toBeLessThanOrEqual(2_100);
  });

  it('follows a latency that rises by up to a quarter at the next request', async () => {
    // Prepare
    const { send, pausesPerRequest } = onLatency((n) => (n < 30 ? 2_500 : 3_000));
    await send('create', 31);
    pausesPerRequest.length = 0;

    // Act
    await send('create', 1);

    // Assess: the first poll waits at least the new latency, and sees the request done.
    expect(pausesPerRequest).toEqual([[expect.any(Number)]]);
    expect(pausesPerRequest[0]?.[0]).toBeGreaterThanOrEqual(3_000);
  });

  it("polls the first deletion at the creates' estimate rather than at the configured step", async () => {
    // Prepare: creates have taught the estimate; no deletion has run yet.
    const { send, pausesPerRequest } = onLatency(() => 3_000);
    await send('create', 30);
    pausesPerRequest.length = 0;

    // Act
    await send('delete', 1);

    // Assess: one poll, at about the latency; the configured schedule would have polled three times.
    expect(pausesPerRequest).toHaveLength(1);
    expect(pausesPerRequest[0]).toHaveLength(1);
    expect(pausesPerRequest[0]?.[0]).toBeGreaterThanOrEqual(3_000);
    expect(pausesPerRequest[0]?.[0]).toBeLessThanOrEqual(3_150);
  });
});

describe('SsoAdminAdapter.deleteAccountAssignment', () => {
  const failedDeletion = (reason: string) => {
    sso.on(DeleteAccountAssignmentCommand).resolves({
      AccountAssignmentDeletionStatus: { Status: 'IN_PROGRESS', RequestId: 'del-1' },
    });
    sso.on(DescribeAccountAssignmentDeletionStatusCommand).resolves({
      AccountAssignmentDeletionStatus: { Status: 'FAILED', FailureReason: reason, RequestId: 'del-1' },
    });
  };

  it('sends the exact request and polls the deletion status until SUCCEEDED', async () => {
    // Prepare
    sso.on(DeleteAccountAssignmentCommand).resolves({
      AccountAssignmentDeletionStatus: { Status: 'IN_PROGRESS', RequestId: 'del-1' },
    });
    sso
      .on(DescribeAccountAssignmentDeletionStatusCommand)
      .resolvesOnce({ AccountAssignmentDeletionStatus: { Status: 'IN_PROGRESS', RequestId: 'del-1' } })
      .resolves({ AccountAssignmentDeletionStatus: { Status: 'SUCCEEDED', RequestId: 'del-1' } });
    const { adapter } = makeAdapter();

    // Act
    await adapter.deleteAccountAssignment(assignment());

    // Assess
    expect(sso.commandCalls(DeleteAccountAssignmentCommand)[0]?.args[0].input).toEqual(requestInput(assignment()));
    expect(sso.commandCalls(DescribeAccountAssignmentDeletionStatusCommand).map((c) => c.args[0].input)).toEqual([
      { InstanceArn: INSTANCE, AccountAssignmentDeletionRequestId: 'del-1' },
      { InstanceArn: INSTANCE, AccountAssignmentDeletionRequestId: 'del-1' },
    ]);
  });

  it('counts ResourceNotFoundException (the principal is gone) as done', async () => {
    // Prepare
    sso
      .on(DeleteAccountAssignmentCommand)
      .rejects(new ResourceNotFoundException({ message: 'no such principal', ...meta }));
    const { adapter } = makeAdapter();

    // Act
    const result = adapter.deleteAccountAssignment(assignment());

    // Assess
    await expect(result).resolves.toBeUndefined();
    expect(sso.commandCalls(DescribeAccountAssignmentDeletionStatusCommand)).toHaveLength(0);
  });

  it.each([
    'Received a 404 status error: Principal does not exist.',
    'The principal was not found',
    "Principal doesn't exist",
  ])('counts a FAILED deletion with reason %j as done without re-checking', async (reason) => {
    // Prepare
    failedDeletion(reason);
    const { adapter } = makeAdapter();

    // Act
    const result = adapter.deleteAccountAssignment(assignment());

    // Assess
    await expect(result).resolves.toBeUndefined();
    expect(sso.commandCalls(ListAccountAssignmentsCommand)).toHaveLength(0);
  });

  it('counts a FAILED deletion as done when the re-check no longer lists the assignment', async () => {
    // Prepare
    failedDeletion('Internal failure');
    sso.on(ListAccountAssignmentsCommand).resolves({
      AccountAssignments: [
        { AccountId: '111122223333', PermissionSetArn: PS_ADMIN, PrincipalType: 'GROUP', PrincipalId: 'g-other' },
      ],
    });
    const { adapter } = makeAdapter();

    // Act
    const result = adapter.deleteAccountAssignment(assignment());

    // Assess
    await expect(result).resolves.toBeUndefined();
    expect(sso.commandCalls(ListAccountAssignmentsCommand)[0]?.args[0].input).toEqual({
      InstanceArn: INSTANCE,
      AccountId: '111122223333',
      PermissionSetArn: PS_ADMIN,
      NextToken: undefined,
    });
  });

  it('throws AssignmentOperationError when a FAILED deletion is still listed on re-check', async () => {
    // Prepare
    failedDeletion('Internal failure');
    sso.on(ListAccountAssignmentsCommand).resolves({
      AccountAssignments: [
        { AccountId: '111122223333', PermissionSetArn: PS_ADMIN, PrincipalType: 'GROUP', PrincipalId: 'g-1' },
      ],
    });
    const { adapter } = makeAdapter();

    // Act
    const result = adapter.deleteAccountAssignment(assignment());

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'AssignmentOperationError',
      operation: 'delete',
      failureReason: 'Internal failure',
    });
  });

  it('retries a ConflictException on the delete call', async () => {
    // Prepare
    sso
      .on(DeleteAccountAssignmentCommand)
      .rejectsOnce(new ConflictException({ message: 'role update in progress', ...meta }))
      .resolves({ AccountAssignmentDeletionStatus: { Status: 'SUCCEEDED', RequestId: 'del-1' } });
    const { adapter, sleeps } = makeAdapter();

    // Act
    await adapter.deleteAccountAssignment(assignment());

    // Assess
    expect(sso.commandCalls(DeleteAccountAssignmentCommand)).toHaveLength(2);
    expect(sleeps).toEqual([50]);
  });
});

describe('SsoAdminAdapter limits', () => {
  /** Fakes Identity Center: each request needs three polls, and in-flight work is counted per account. */
  const instrument = () => {
    const inFlight = {
      creates: 0,
      maxCreates: 0,
      perAccount: new Map<string, number>(),
      maxPerAccount: 0,
      maxTotal: 0,
    };
    let total = 0;
    const requests = new Map<string, { accountId: string; polls: number; kind: 'create' | 'delete' }>();
    let nextId = 0;
    const start = (kind: 'create' | 'delete', input: { TargetId: string }) => {
      const id = `req-${nextId++}`;
      requests.set(id, { accountId: input.TargetId, polls: 0, kind });
      const onAccount = (inFlight.perAccount.get(input.TargetId) ?? 0) + 1;
      inFlight.perAccount.set(input.TargetId, onAccount);
      inFlight.maxPerAccount = Math.max(inFlight.maxPerAccount, onAccount);
      total++;
      inFlight.maxTotal = Math.max(inFlight.maxTotal, total);
      if (kind === 'create') {
        inFlight.creates++;
        inFlight.maxCreates = Math.max(inFlight.maxCreates, inFlight.creates);
      }
      return { Status: 'IN_PROGRESS', RequestId: id };
    };
    const poll = (id: string) => {
      const request = requests.get(id);
      if (!request) throw new Error(`unknown request ${id}`);
      request.polls++;
      if (request.polls < 3) return { Status: 'IN_PROGRESS', RequestId: id };
      inFlight.perAccount.set(request.accountId, (inFlight.perAccount.get(request.accountId) ?? 1) - 1);
      total--;
      if (request.kind === 'create') inFlight.creates--;
      return { Status: 'SUCCEEDED', RequestId: id };
    };
    sso
      .on(CreateAccountAssignmentCommand)
      .callsFake(async (input) => ({ AccountAssignmentCreationStatus: start('create', input) }));
    sso
      .on(DeleteAccountAssignmentCommand)
      .callsFake(async (input) => ({ AccountAssignmentDeletionStatus: start('delete', input) }));
    sso.on(DescribeAccountAssignmentCreationStatusCommand).callsFake(async (input) => ({
      AccountAssignmentCreationStatus: poll(input.AccountAssignmentCreationRequestId),
    }));
    sso.on(DescribeAccountAssignmentDeletionStatusCommand).callsFake(async (input) => ({
      AccountAssignmentDeletionStatus: poll(input.AccountAssignmentDeletionRequestId),
    }));
    return inFlight;
  };
  const yieldingSleep = () => new Promise<void>((resolve) => setImmediate(resolve));
  const accounts = (n: number) => Array.from({ length: n }, (_, i) => String(100000000000 + i));

  it('never has more than 10 creates outstanding, and does reach 10', async () => {
    // Prepare
    const inFlight = instrument();
    const { adapter } = makeAdapter({ sleep: yieldingSleep });

    // Act
    await Promise.all(accounts(30).map((id) => adapter.createAccountAssignment(assignment(id))));

    // Assess
    expect(inFlight.maxCreates).toBe(10);
    expect(sso.commandCalls(CreateAccountAssignmentCommand)).toHaveLength(30);
  });

  it('shares the create limit between adapters of the same instance by default', async () => {
    // Prepare
    const inFlight = instrument();
    const options = { instanceArn: `${INSTANCE}-shared-test`, sleep: yieldingSleep, pollIntervalMs: 1 };
    const first = new SsoAdminAdapter(new SSOAdminClient({}), options);
    const second = new SsoAdminAdapter(new SSOAdminClient({}), options);

    // Act
    await Promise.all(
      accounts(24).map((id, i) => (i % 2 === 0 ? first : second).createAccountAssignment(assignment(id))),
    );

    // Assess
    expect(inFlight.maxCreates).toBe(10);
  });

  it('runs one change per account at a time while other accounts proceed in parallel', async () => {
    // Prepare
    const inFlight = instrument();
    const { adapter } = makeAdapter({ sleep: yieldingSleep });
    const [accountA, accountB, accountC] = accounts(3) as [string, string, string];

    // Act
    await Promise.all([
      adapter.createAccountAssignment(assignment(accountA, 'g-1')),
      adapter.deleteAccountAssignment(assignment(accountA, 'g-2')),
      adapter.createAccountAssignment(assignment(accountA, 'g-3')),
      adapter.createAccountAssignment(assignment(accountB, 'g-1')),
      adapter.deleteAccountAssignment(assignment(accountB, 'g-2')),
      adapter.createAccountAssignment(assignment(accountC, 'g-1')),
    ]);

    // Assess
    expect(inFlight.maxPerAccount).toBe(1);
    expect(inFlight.maxTotal).toBe(3);
  });
});

describe('discoverInstance', () => {
  it('returns the only active instance', async () => {
    // Prepare
    sso
      .on(ListInstancesCommand, { NextToken: undefined })
      .resolves({ Instances: [], NextToken: 'n' })
      .on(ListInstancesCommand, { NextToken: 'n' })
      .resolves({ Instances: [{ InstanceArn: INSTANCE, IdentityStoreId: 'd-1234567890', Status: 'ACTIVE' }] });

    // Act
    const found = await discoverInstance(new SSOAdminClient({}));

    // Assess
    expect(found).toEqual({ instanceArn: INSTANCE, identityStoreId: 'd-1234567890' });
  });

  it.each([
    ['there is no instance', []],
    [
      'there are several instances',
      [
        { InstanceArn: INSTANCE, IdentityStoreId: 'd-1234567890' },
        { InstanceArn: `${INSTANCE}x`, IdentityStoreId: 'd-0987654321' },
      ],
    ],
  ])('throws InstanceDiscoveryError when %s', async (_label, instances) => {
    // Prepare
    sso.on(ListInstancesCommand).resolves({ Instances: instances });

    // Act
    const result = discoverInstance(new SSOAdminClient({}));

    // Assess
    await expect(result).rejects.toBeInstanceOf(InstanceDiscoveryError);
  });
});

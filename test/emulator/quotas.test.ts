import {
  DescribeGroupCommand,
  ThrottlingException as IdentityStoreThrottlingException,
} from '@aws-sdk/client-identitystore';
import { ListRootsCommand } from '@aws-sdk/client-organizations';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import {
  ConflictException,
  CreateAccountAssignmentCommand,
  type CreateAccountAssignmentCommandInput,
  DeleteAccountAssignmentCommand,
  ListInstancesCommand,
  ThrottlingException,
} from '@aws-sdk/client-sso-admin';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/index.js';
import type { EmulatorOptions, RunningEmulator } from '../../emulator/types.js';
import {
  ALICE,
  CAROL,
  type Clients,
  createClients,
  DEVELOPERS,
  IDENTITY_STORE_ID,
  INSTANCE_ARN,
  PLATFORM,
  PROD_ACCOUNTS,
  READ_ONLY,
  rejectionOf,
  seedSnapshot,
} from './emulator-fixture.js';

const create = (accountId: string, principalId: string = CAROL): CreateAccountAssignmentCommandInput => ({
  InstanceArn: INSTANCE_ARN,
  TargetId: accountId,
  TargetType: 'AWS_ACCOUNT',
  PermissionSetArn: READ_ONLY,
  PrincipalType: 'USER',
  PrincipalId: principalId,
});

const settled = async (calls: readonly Promise<unknown>[]) => {
  const results = await Promise.allSettled(calls);
  return {
    ok: results.filter((r) => r.status === 'fulfilled').length,
    errors: results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : [])),
  };
};

describe('emulator quota model', () => {
  let emulator: RunningEmulator;
  let clients: Clients;

  const start = async (options: Partial<EmulatorOptions>) => {
    emulator = await startEmulator({ snapshot: seedSnapshot(), ...options });
    clients = createClients(emulator.endpoint);
  };

  afterEach(async () => {
    clients.destroy();
    await emulator.close();
  });

  it('throttles sso-admin and identitystore calls beyond the shared TPS budget', async () => {
    // Emulated time barely moves, so the bucket does not refill during the burst.
    await start({ quotas: { tps: 5 }, timeScale: 0.001 });

    const { ok, errors } = await settled([
      ...Array.from({ length: 4 }, () => clients.ssoAdmin.send(new ListInstancesCommand({}))),
      ...Array.from({ length: 4 }, () =>
        clients.identityStore.send(new DescribeGroupCommand({ IdentityStoreId: IDENTITY_STORE_ID, GroupId: PLATFORM })),
      ),
    ]);

    expect(ok).toBe(5);
    expect(errors).toHaveLength(3);
    for (const error of errors) {
      expect(error instanceof ThrottlingException || error instanceof IdentityStoreThrottlingException).toBe(true);
    }
    expect(emulator.stats().throttled).toBe(3);
  });

  it('refills the budget in emulated time', async () => {
    // At 2x, two tokens per emulated second is one token per 250 wall ms: the burst outruns it.
    await start({ quotas: { tps: 2 }, timeScale: 2 });
    const burst = await settled(Array.from({ length: 4 }, () => clients.ssoAdmin.send(new ListInstancesCommand({}))));

    await new Promise((resolve) => setTimeout(resolve, 1100));
    const later = await settled(Array.from({ length: 2 }, () => clients.ssoAdmin.send(new ListInstancesCommand({}))));

    expect(burst.errors.length).toBeGreaterThanOrEqual(1);
    expect(later.ok).toBe(2);
  });

  it('does not count Organizations and SSM calls against the Identity Center budget', async () => {
    await start({ quotas: { tps: 1 }, timeScale: 0.001, parameters: [{ name: '/p', value: 'v' }] });

    const { ok } = await settled([
      ...Array.from({ length: 3 }, () => clients.organizations.send(new ListRootsCommand({}))),
      ...Array.from({ length: 3 }, () => clients.ssm.send(new GetParameterCommand({ Name: '/p' }))),
    ]);

    expect(ok).toBe(6);
  });

  it('throttles a CreateAccountAssignment beyond ten outstanding creates', async () => {
    await start({ assignmentLatencyMs: 3_600_000, timeScale: 100, quotas: { tps: 1000 } });
    const accounts = PROD_ACCOUNTS.slice(0, 11);

    const results: unknown[] = [];
    for (const accountId of accounts) {
      results.push(await clients.ssoAdmin.send(new CreateAccountAssignmentCommand(create(accountId))).catch((e) => e));
    }

    expect(results.slice(0, 10).every((r) => !(r instanceof Error))).toBe(true);
    expect(results[10]).toBeInstanceOf(ThrottlingException);
    expect(emulator.stats().throttled).toBe(1);
  });

  it('accepts creates again once outstanding ones complete', async () => {
    await start({ assignmentLatencyMs: 60_000, timeScale: 100, quotas: { tps: 1000, outstandingCreates: 2 } });
    await clients.ssoAdmin.send(new CreateAccountAssignmentCommand(create(PROD_ACCOUNTS[2] ?? '')));
    await clients.ssoAdmin.send(new CreateAccountAssignmentCommand(create(PROD_ACCOUNTS[3] ?? '')));
    const third = await rejectionOf(
      clients.ssoAdmin.send(new CreateAccountAssignmentCommand(create(PROD_ACCOUNTS[4] ?? ''))),
    );

    await emulator.settle();
    const retried = await clients.ssoAdmin.send(new CreateAccountAssignmentCommand(create(PROD_ACCOUNTS[4] ?? '')));

    expect(third).toBeInstanceOf(ThrottlingException);
    expect(retried.AccountAssignmentCreationStatus?.Status).toBe('IN_PROGRESS');
  });

  it.each([
    ['create', 'create'],
    ['create', 'delete'],
    ['delete', 'create'],
  ] as const)(
    'answers ConflictException to a %s while a %s is in flight on the same account',
    async (second, first) => {
      await start({ assignmentLatencyMs: 3_600_000, timeScale: 100 });
      const account = PROD_ACCOUNTS[6] ?? '';
      const send = (kind: 'create' | 'delete', principalId: string) =>
        kind === 'create'
          ? clients.ssoAdmin.send(new CreateAccountAssignmentCommand(create(account, principalId)))
          : clients.ssoAdmin.send(new DeleteAccountAssignmentCommand(create(account, principalId)));
      await send(first, CAROL);

      const error = await rejectionOf(send(second, ALICE));
      const otherAccount = await clients.ssoAdmin.send(
        new CreateAccountAssignmentCommand(create(PROD_ACCOUNTS[7] ?? '')),
      );

      expect(error).toBeInstanceOf(ConflictException);
      expect(otherAccount.AccountAssignmentCreationStatus?.Status).toBe('IN_PROGRESS');
      expect(emulator.stats().conflicts).toBe(1);
    },
  );

  it('lets a change through once the account’s previous change has landed', async () => {
    await start({ assignmentLatencyMs: 1000, timeScale: 100 });
    const account = PROD_ACCOUNTS[8] ?? '';
    await clients.ssoAdmin.send(new CreateAccountAssignmentCommand(create(account)));
    await emulator.settle();

    const next = await clients.ssoAdmin.send(
      new CreateAccountAssignmentCommand({ ...create(account), PrincipalType: 'GROUP', PrincipalId: DEVELOPERS }),
    );

    expect(next.AccountAssignmentCreationStatus?.Status).toBe('IN_PROGRESS');
  });

  it('turns throttling off with quotas: false', async () => {
    await start({ quotas: false, timeScale: 0.001 });

    const { ok } = await settled(Array.from({ length: 40 }, () => clients.ssoAdmin.send(new ListInstancesCommand({}))));

    expect(ok).toBe(40);
    expect(emulator.stats().calls.ListInstances).toBe(40);
  });
});

import { ListParentsCommand, ListRootsCommand, TooManyRequestsException } from '@aws-sdk/client-organizations';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import {
  AccessDeniedException,
  CreateAccountAssignmentCommand,
  InternalServerException,
  ListInstancesCommand,
  ThrottlingException,
} from '@aws-sdk/client-sso-admin';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/index.js';
import type { EmulatorOptions, RunningEmulator } from '../../emulator/types.js';
import {
  CAROL,
  type Clients,
  createClients,
  INSTANCE_ARN,
  PROD_ACCOUNTS,
  READ_ONLY,
  rejectionOf,
  seedSnapshot,
} from './emulator-fixture.js';

const createInput = {
  InstanceArn: INSTANCE_ARN,
  TargetId: PROD_ACCOUNTS[9] ?? '',
  TargetType: 'AWS_ACCOUNT',
  PermissionSetArn: READ_ONLY,
  PrincipalType: 'USER',
  PrincipalId: CAROL,
} as const;

describe('emulator fault injection', () => {
  const running: { emulator: RunningEmulator; clients: Clients }[] = [];

  const start = async (options: Partial<EmulatorOptions> = {}) => {
    const emulator = await startEmulator({ snapshot: seedSnapshot(), quotas: false, timeScale: 100, ...options });
    const clients = createClients(emulator.endpoint);
    running.push({ emulator, clients });
    return { emulator, clients };
  };

  afterEach(async () => {
    for (const { emulator, clients } of running.splice(0)) {
      clients.destroy();
      await emulator.close();
    }
  });

  it('fails the next calls of a scripted operation, then lets them through', async () => {
    const { emulator, clients } = await start({
      faults: { scripted: [{ operation: 'CreateAccountAssignment', error: 'ThrottlingException', count: 2 }] },
    });

    const first = await rejectionOf(clients.ssoAdmin.send(new CreateAccountAssignmentCommand(createInput)));
    const second = await rejectionOf(clients.ssoAdmin.send(new CreateAccountAssignmentCommand(createInput)));
    const third = await clients.ssoAdmin.send(new CreateAccountAssignmentCommand(createInput));

    expect(first).toBeInstanceOf(ThrottlingException);
    expect(second).toBeInstanceOf(ThrottlingException);
    expect(third.AccountAssignmentCreationStatus?.Status).toBe('IN_PROGRESS');
    expect(emulator.stats()).toMatchObject({ faultsInjected: 2, throttled: 0, calls: { CreateAccountAssignment: 3 } });
  });

  it('answers a scripted InternalServerException with status 500', async () => {
    const { clients } = await start({
      faults: { scripted: [{ operation: 'ListInstances', error: 'InternalServerException', count: 1 }] },
    });

    const error = await rejectionOf(clients.ssoAdmin.send(new ListInstancesCommand({})));

    expect(error).toBeInstanceOf(InternalServerException);
    expect((error as InternalServerException).$metadata.httpStatusCode).toBe(500);
  });

  it('uses a scripted status when one is given', async () => {
    const { clients } = await start({
      faults: { scripted: [{ operation: 'ListInstances', error: 'AccessDeniedException', count: 1, status: 403 }] },
    });

    const error = await rejectionOf(clients.ssoAdmin.send(new ListInstancesCommand({})));

    expect(error).toBeInstanceOf(AccessDeniedException);
    expect((error as AccessDeniedException).$metadata.httpStatusCode).toBe(403);
  });

  it('replaces the fault configuration at run time', async () => {
    const { emulator, clients } = await start();
    await clients.ssoAdmin.send(new ListInstancesCommand({}));

    emulator.setFaults({ scripted: [{ operation: 'ListInstances', error: 'ThrottlingException', count: 1 }] });
    const error = await rejectionOf(clients.ssoAdmin.send(new ListInstancesCommand({})));

    expect(error).toBeInstanceOf(ThrottlingException);
  });

  it('fails a scripted Organizations operation with its throttle', async () => {
    const { emulator, clients } = await start({
      faults: { scripted: [{ operation: 'ListRoots', error: 'TooManyRequestsException', count: 1 }] },
    });

    const first = await rejectionOf(clients.organizations.send(new ListRootsCommand({})));
    const { Roots } = await clients.organizations.send(new ListRootsCommand({}));

    expect(first).toBeInstanceOf(TooManyRequestsException);
    expect(Roots).toHaveLength(1);
    expect(emulator.stats().faultsInjected).toBe(1);
  });

  it('answers a scripted fault with the members of the error shape it is given', async () => {
    const { clients } = await start({
      faults: {
        scripted: [
          {
            operation: 'ListRoots',
            error: 'AccessDeniedException',
            count: 1,
            fields: { Reason: 'scripted' },
          },
        ],
      },
    });

    const error = await rejectionOf(clients.organizations.send(new ListRootsCommand({})));

    expect(error).toMatchObject({ name: 'AccessDeniedException', Reason: 'scripted' });
  });

  it('answers a scripted answer in place of the world for the next calls, then the world again', async () => {
    const { emulator, clients } = await start({
      faults: { answers: [{ operation: 'ListParents', answer: { Parents: [] }, count: 1 }] },
    });
    const input = { ChildId: PROD_ACCOUNTS[0] ?? '' };

    const scripted = await clients.organizations.send(new ListParentsCommand(input));
    const real = await clients.organizations.send(new ListParentsCommand(input));

    expect(scripted.Parents).toEqual([]);
    expect(real.Parents).toHaveLength(1);
    expect(emulator.stats().calls.ListParents).toBe(2);
  });

  it('leaves Organizations out of random faults unless rateFamilies names it', async () => {
    const spared = await start({ faults: { rate: 1 } });
    const hit = await start({ faults: { rate: 1, seed: 3, rateFamilies: ['organizations'] } });

    const { Roots } = await spared.clients.organizations.send(new ListRootsCommand({}));
    const error = await rejectionOf(hit.clients.organizations.send(new ListRootsCommand({})));
    const ssoAdmin = await hit.clients.ssoAdmin.send(new ListInstancesCommand({}));

    expect(Roots).toHaveLength(1);
    expect(['TooManyRequestsException', 'ConcurrentModificationException', 'ServiceException']).toContain(
      (error as Error).name,
    );
    expect(ssoAdmin.Instances).toHaveLength(1);
  });

  it('fails every call at rate 1 with a retryable error of the service', async () => {
    const { emulator, clients } = await start({
      faults: { rate: 1, seed: 7 },
      parameters: [{ name: '/p', value: 'v' }],
    });

    const ssoErrors = await Promise.all(
      Array.from({ length: 6 }, () => rejectionOf(clients.ssoAdmin.send(new ListInstancesCommand({})))),
    );
    const ssmErrors = await Promise.all(
      Array.from({ length: 6 }, () => rejectionOf(clients.ssm.send(new GetParameterCommand({ Name: '/p' })))),
    );

    for (const error of ssoErrors) {
      expect(['ThrottlingException', 'ConflictException', 'InternalServerException']).toContain((error as Error).name);
    }
    for (const error of ssmErrors) {
      expect(['ThrottlingException', 'TooManyUpdates', 'InternalServerError']).toContain((error as Error).name);
    }
    expect(emulator.stats().faultsInjected).toBe(12);
  });

  it('picks the same faults for the same seed', async () => {
    const sequence = async () => {
      const { clients } = await start({ faults: { rate: 0.5, seed: 42 } });
      const outcomes: string[] = [];
      for (let i = 0; i < 20; i += 1) {
        const result = await clients.ssoAdmin.send(new ListInstancesCommand({})).then(
          () => 'ok',
          (error: Error) => error.name,
        );
        outcomes.push(result);
      }
      return outcomes;
    };

    const first = await sequence();
    const second = await sequence();

    expect(second).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1);
  });
});

import {
  ThrottlingException as IdentityStoreThrottlingException,
  ListUsersCommand,
} from '@aws-sdk/client-identitystore';
import { ListInstancesCommand, ThrottlingException } from '@aws-sdk/client-sso-admin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/index.js';
import type { RunningEmulator } from '../../emulator/types.js';
import { type Clients, createClients, IDENTITY_STORE_ID, rejectionOf, seedSnapshot } from './emulator-fixture.js';

describe('emulator AWS JSON 1.1 protocol', () => {
  let emulator: RunningEmulator;
  let clients: Clients;

  beforeAll(async () => {
    emulator = await startEmulator({
      snapshot: seedSnapshot(),
      quotas: false,
      faults: {
        scripted: [
          { operation: 'ListInstances', error: 'ThrottlingException', count: 1 },
          { operation: 'ListUsers', error: 'ThrottlingException', count: 1 },
        ],
      },
    });
    clients = createClients(emulator.endpoint);
  });

  afterAll(async () => {
    clients.destroy();
    await emulator.close();
  });

  const post = (target: string | undefined, body = '{}') =>
    fetch(emulator.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        ...(target === undefined ? {} : { 'x-amz-target': target }),
      },
      body,
    });

  it('listens on loopback', () => {
    expect(emulator.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('delivers sso-admin errors as the SDK exception class, with $retryable as the SDK sets it', async () => {
    const error = await rejectionOf(clients.ssoAdmin.send(new ListInstancesCommand({})));

    expect(error).toBeInstanceOf(ThrottlingException);
    const sdkDefault = new ThrottlingException({ message: 'reference', $metadata: {} });
    expect((error as ThrottlingException).$retryable).toEqual(sdkDefault.$retryable);
    expect((error as ThrottlingException).$metadata.httpStatusCode).toBe(400);
  });

  it('delivers identitystore throttles as the SDK class that marks them retryable', async () => {
    const error = await rejectionOf(
      clients.identityStore.send(new ListUsersCommand({ IdentityStoreId: IDENTITY_STORE_ID })),
    );

    expect(error).toBeInstanceOf(IdentityStoreThrottlingException);
    const sdkDefault = new IdentityStoreThrottlingException({ message: 'reference', $metadata: {} });
    expect((error as IdentityStoreThrottlingException).$retryable).toEqual(sdkDefault.$retryable);
    expect((error as IdentityStoreThrottlingException).$retryable).toEqual({ throttling: true });
  });

  it('sends the error type in the header and the body', async () => {
    const response = await post('AWSOrganizationsV20161128.DescribeAccount', '{"AccountId":"999999999999"}');
    const body = (await response.json()) as Record<string, unknown>;

    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('AccountNotFoundException');
    expect(body.__type).toBe('AccountNotFoundException');
    expect(body.message).toEqual(expect.stringContaining('999999999999'));
  });

  it.each([
    ['an unknown service', 'NoSuchService.ListThings'],
    ['an unknown operation', 'SWBExternalService.ProvisionPermissionSet'],
    ['no target', undefined],
  ])('answers UnknownOperationException for %s', async (_, target) => {
    const response = await post(target);

    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
  });

  it('answers SerializationException for a body that is not JSON', async () => {
    const response = await post('SWBExternalService.ListInstances', '{not json');

    expect(response.headers.get('x-amzn-errortype')).toBe('SerializationException');
  });

  it('accepts an empty body as an empty request', async () => {
    const response = await post('AWSOrganizationsV20161128.ListRoots', '');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
  });
});

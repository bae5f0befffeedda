import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClients, organizationsRegion } from '../../../shared/adapters/clients.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('createClients', () => {
  it('homes Organizations in us-east-1 and the other services in the given Region', async () => {
    // Act
    const clients = createClients({ region: 'eu-west-1', credentials });

    // Assess
    expect(await clients.organizations.config.region()).toBe('us-east-1');
    expect(await clients.ssoAdmin.config.region()).toBe('eu-west-1');
    expect(await clients.identityStore.config.region()).toBe('eu-west-1');
    expect(await clients.ssm.config.region()).toBe('eu-west-1');
  });

  it('keeps the given Region for Organizations when an endpoint is given', async () => {
    // Act
    const clients = createClients({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:4599', credentials });

    // Assess
    expect(await clients.organizations.config.region()).toBe('eu-west-1');
    const endpoint = await clients.organizations.config.endpoint?.();
    expect(endpoint?.hostname).toBe('127.0.0.1');
    expect(endpoint?.port).toBe(4599);
  });

  it.each([
    ['eu-central-1', 'us-east-1'],
    ['us-gov-east-1', 'us-gov-west-1'],
    ['us-gov-west-1', 'us-gov-west-1'],
    ['cn-north-1', 'cn-northwest-1'],
  ])(
    'serves Organizations in %s from %s when the SDK resolves the Region from AWS_REGION',
    async (region, expected) => {
      // Prepare
      vi.stubEnv('AWS_REGION', region);

      // Act
      const clients = createClients({ credentials });

      // Assess
      expect(await clients.organizations.config.region()).toBe(expected);
      expect(await clients.ssoAdmin.config.region()).toBe(region);
    },
  );

  it('turns the SDK retry off for the assignment-write client only', async () => {
    // Act
    const clients = createClients({ region: 'eu-west-1', credentials, maxAttempts: 5 });

    // Assess
    expect(await clients.ssoAdminWrites.config.maxAttempts()).toBe(1);
    expect(await clients.ssoAdmin.config.maxAttempts()).toBe(5);
  });
});

describe('organizationsRegion', () => {
  it.each([
    ['eu-central-1', 'us-east-1'],
    [undefined, 'us-east-1'],
    ['us-gov-east-1', 'us-gov-west-1'],
    ['cn-north-1', 'cn-northwest-1'],
  ])('maps %s to %s', (region, expected) => {
    expect(organizationsRegion(region)).toBe(expected);
  });
});

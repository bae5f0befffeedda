import { startEmulator } from '../../../emulator/index.js';
import type { EmulatorOptions, RunningEmulator } from '../../../emulator/types.js';
import { type AwsClients, createClients } from '../../../shared/adapters/clients.js';
import { IdentityStoreAdapter } from '../../../shared/adapters/identity-store.js';
import { createAssignmentLimiter } from '../../../shared/adapters/limiter.js';
import { OrganizationsAdapter } from '../../../shared/adapters/organizations.js';
import { SsoAdminAdapter, type SsoAdminAdapterOptions } from '../../../shared/adapters/sso-admin.js';
import { IDENTITY_STORE_ID, INSTANCE_ARN, seedSnapshot } from './seed.js';

/**
 * One emulator with the real adapters pointed at it through the ordinary client configuration
 * (an endpoint), exactly as a composition root builds them. Emulated time runs fast, and the
 * adapters' pauses are shortened to match, so that a test spends milliseconds, not minutes.
 */
export interface EmulatorTarget {
  readonly emulator: RunningEmulator;
  readonly clients: AwsClients;
  readonly organizations: OrganizationsAdapter;
  readonly identityStore: IdentityStoreAdapter;
  readonly ssoAdmin: SsoAdminAdapter;
  /** A fresh SSO Admin adapter with other options (and its own limiter). */
  ssoAdminWith(options: Partial<SsoAdminAdapterOptions>): SsoAdminAdapter;
  close(): Promise<void>;
}

export const TIME_SCALE = 200;

/** Pauses in wall-clock ms that match a few emulated hundred ms at {@link TIME_SCALE}. */
export const FAST_TIMING = { pollIntervalMs: 2, maxPollIntervalMs: 10, backoffBaseMs: 2, backoffCapMs: 50 } as const;

export const startTarget = async (options: Partial<EmulatorOptions> = {}): Promise<EmulatorTarget> => {
  const emulator = await startEmulator({ snapshot: seedSnapshot(), timeScale: TIME_SCALE, ...options });
  const clients = createClients({
    endpoint: emulator.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'contract', secretAccessKey: 'contract' },
  });
  const ssoAdminWith = (overrides: Partial<SsoAdminAdapterOptions>) =>
    new SsoAdminAdapter(clients.ssoAdmin, {
      instanceArn: INSTANCE_ARN,
      writeClient: clients.ssoAdminWrites,
      limiter: createAssignmentLimiter(10),
      ...FAST_TIMING,
      ...overrides,
    });
  return {
    emulator,
    clients,
    organizations: new OrganizationsAdapter(clients.organizations),
    identityStore: new IdentityStoreAdapter(clients.identityStore, IDENTITY_STORE_ID),
    ssoAdmin: ssoAdminWith({}),
    ssoAdminWith,
    close: async () => {
      for (const client of Object.values(clients)) client.destroy();
      await emulator.close();
    },
  };
};

import { parseSnapshot } from '../shared/domain/snapshot.js';
import { createAssignmentRequests } from './assignment-requests.js';
import { createClock } from './clock.js';
import { createDynamoDbService, createDynamoDbState } from './dynamodb.js';
import { createFaultInjector } from './faults.js';
import { createIdentityStoreService } from './identity-store.js';
import { createOrganizationsService } from './organizations.js';
import { createEventBridgeService, createOutbox, createSnsService } from './outbox.js';
import { createRequestBudget, quotaSettings, rateExceeded } from './quota.js';
import { createDispatcher, startHttpServer } from './server.js';
import type { ServiceSettings } from './service.js';
import { createSsmService } from './ssm.js';
import { createSsoAdminService } from './sso-admin.js';
import { createStatsRecorder } from './stats.js';
import type { EmulatorOptions, RunningEmulator } from './types.js';
import { createWorldApi, WorldState } from './world.js';

export type {
  EmulatedEvent,
  EmulatedMessage,
  EmulatorOptions,
  EmulatorStats,
  EmulatorWorld,
  FaultOptions,
  RunningEmulator,
  ScriptedAnswer,
  ScriptedFault,
} from './types.js';

const DEFAULT_LATENCY_MS = 1000;
const DEFAULT_PAGE_SIZE = 5;

/**
 * Starts the local AWS emulator (Organizations, Identity Store, SSO Admin, SSM, and the EventBridge
 * and SNS outboxes) on loopback.
 *
 * @example
 * const emulator = await startEmulator({ snapshot, timeScale: 100 });
 * const client = new SSOAdminClient({ endpoint: emulator.endpoint, region: 'us-east-1',
 *   credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
 * // … drive the client …
 * await emulator.settle();
 * await emulator.close();
 */
export const startEmulator = async (options: EmulatorOptions): Promise<RunningEmulator> => {
  const snapshot = parseSnapshot(options.snapshot, 'emulator seed');
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1)
    throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
  const latencyMs = options.assignmentLatencyMs ?? DEFAULT_LATENCY_MS;
  if (!(latencyMs >= 0)) throw new RangeError(`assignmentLatencyMs must not be negative, got ${latencyMs}`);

  const clock = createClock(options.timeScale ?? 1);
  const state = new WorldState(snapshot, clock.now());
  const requests = createAssignmentRequests(state, { latencyMs, now: clock.now });
  const world = createWorldApi(
    state,
    { now: clock.now, beforeRead: () => requests.advance(clock.now()) },
    { departedAccountAssignments: options.departedAccountAssignments ?? 'deleted' },
  );
  for (const parameter of options.parameters ?? []) world.putParameter(parameter.name, parameter.value);

  const faults = createFaultInjector(options.faults);
  const quotas = quotaSettings(options.quotas);
  const budget = createRequestBudget(clock, quotas.tps);
  const stats = createStatsRecorder();
  const outbox = createOutbox();
  const settings: ServiceSettings = { clock, pageSize };
  const onInternalError = (error: unknown): void => {
    console.error('emulator: internal error', error);
  };

  const dispatch = createDispatcher({
    services: [
      createOrganizationsService(state, settings),
      createIdentityStoreService(state, settings),
      createSsoAdminService(state, settings, {
        requests,
        faults,
        quotas,
        delegatedAdministrator: options.delegatedAdministrator ?? false,
      }),
      createSsmService(state, settings),
      createEventBridgeService(outbox, clock.now),
      createSnsService(outbox, clock.now),
      createDynamoDbService(createDynamoDbState()),
    ],
    stats,
    onInternalError,
    scriptedAnswer: (operation) => faults.answer(operation),
    beforeCall: (family, operation) => {
      requests.advance(clock.now());
      // The run store's table has its own capacity, far above what the engine uses.
      if (family === 'dynamodb') return;
      faults.check(family, operation);
      // Only Identity Center's shared 20 TPS is modeled; the other services' quotas are not.
      if ((family === 'sso-admin' || family === 'identitystore') && !budget.take()) throw rateExceeded();
    },
  });

  const server = await startHttpServer(dispatch, {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    onInternalError,
  });

  return {
    endpoint: server.endpoint,
    world,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    outbox: () => ({ events: [...outbox.events], messages: [...outbox.messages] }),
    setFaults: (next) => faults.configure(next),
    settle: async () => {
      for (;;) {
        requests.advance(clock.now());
        const due = requests.nextDueAt();
        if (due === undefined) return;
        await clock.sleepUntil(due);
      }
    },
    close: () => server.close(),
  };
};

import type { Context, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingEventBridgeClient, recordingSnsClient } from '../../../cli/local/recording-clients.js';
import { startEmulator } from '../../../emulator/index.js';
import type { EmulatorOptions, RunningEmulator } from '../../../emulator/types.js';
import {
  composeWorker,
  createWorkerClients,
  EVENT_LANE_WRITE_RETRY,
  LOOKUP_CACHE_MS,
  WORKER_READ_ATTEMPTS,
} from '../../../functions/worker/compose.js';
import { realSleep } from '../../../shared/adapters/backoff.js';
import type { Scope } from '../../../shared/domain/scope.js';
import { scopeKey } from '../../../shared/domain/scope.js';
import { loadConfig } from '../../../shared/runtime/config.js';
import { remainingDrift } from '../../resilience/support/convergence.js';
import {
  IDENTITY_STORE_ID,
  INSTANCE_ARN,
  MANAGEMENT_ACCOUNT,
  PROD_1,
  PROD_2,
  RULES_DOCUMENTS,
  RULES_PATH,
  seedSnapshot,
} from '../../resilience/support/fixture.js';
import { FixedClock, RecordingLogger, RecordingMetrics, RecordingPublisher } from '../../support/fakes/index.js';

const TIME_SCALE = 1000;
const CONTEXT = { functionName: 'worker', awsRequestId: 'compose' } as Context;

const ENV = {
  RULES_PATH,
  WORK_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111111111111/work.fifo',
  EVENT_BUS_NAME: 'idc-lifecycle',
  SUMMARY_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:summaries',
  INSTANCE_ARN,
  IDENTITY_STORE_ID,
  MANAGEMENT_ACCOUNT_ID: MANAGEMENT_ACCOUNT,
};

const EVENT_QUEUE_ARN = 'arn:aws:sqs:eu-west-1:111111111111:events.fifo';
const ORG_QUEUE_ARN = 'arn:aws:sqs:eu-west-1:111111111111:work.fifo';

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

let sequence = 0;
const record = (scope: Scope): SQSRecord => {
  sequence += 1;
  return {
    messageId: `msg-${sequence}`,
    body: JSON.stringify({ scope, origin: { eventId: `evt-${sequence}`, eventName: 'MoveAccount', source: 'test' } }),
    attributes: { MessageGroupId: scopeKey(scope) },
  } as unknown as SQSRecord;
};
const account = (accountId: string): Scope => ({ kind: 'account', accountId });

/** One worker environment composed as the Lambda entry composes it, against a fresh emulator. */
const environment = async (env: Record<string, string> = {}, emulatorOptions: Partial<EmulatorOptions> = {}) => {
  emulator = await startEmulator({
    snapshot: seedSnapshot(),
    parameters: [...RULES_DOCUMENTS],
    timeScale: TIME_SCALE,
    quotas: false,
    ...emulatorOptions,
  });
  const config = loadConfig('worker', { ...ENV, ...env });
  const clock = new FixedClock();
  const sleep = (ms: number) => realSleep(ms / TIME_SCALE);
  const publisher = new RecordingPublisher();
  const clients = {
    ...createWorkerClients(
      config,
      { endpoint: emulator.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } },
      { sleep },
    ),
    eventBridge: recordingEventBridgeClient((events) => publisher.events.push(...events)),
    sns: recordingSnsClient(() => {}),
  };
  const metrics = new RecordingMetrics();
  const worker = await composeWorker(clients, config, { clock, sleep }, { logger: new RecordingLogger(), metrics });
  return { emulator, worker, clock, publisher, metrics };
};

const driftOn = (system: RunningEmulator, accountId: string) =>
  remainingDrift(system.world.exportSnapshot()).create.filter((assignment) => assignment.includes(accountId));

describe('composeWorker', () => {
  it('reconciles an account against the rules in SSM, through the real adapters', async () => {
    // Prepare
    const { emulator, worker, publisher } = await environment();
    const missing = driftOn(emulator, PROD_1);

    // Act
    const response = await worker.handler({ Records: [record(account(PROD_1))] }, CONTEXT);

    // Assess
    expect(missing.length).toBeGreaterThan(0);
    expect(response.batchItemFailures).toEqual([]);
    expect(driftOn(emulator, PROD_1)).toEqual([]);
    expect(publisher.ofType('Assignment Created')).toHaveLength(missing.length);
  });

  it.each([
    ['reads the permission sets once for invocations within five minutes', LOOKUP_CACHE_MS - 1, 1],
    ['reads the permission sets again once five minutes have passed', LOOKUP_CACHE_MS, 2],
  ])('%s', async (_title, elapsedMs, expectedReads) => {
    // Prepare
    const { emulator, worker, clock } = await environment();
    await worker.handler({ Records: [record(account(PROD_1))] }, CONTEXT);
    clock.advance(elapsedMs);

    // Act
    await worker.handler({ Records: [record(account(PROD_2))] }, CONTEXT);

    // Assess
    expect(emulator.stats().calls.ListPermissionSets).toBe(expectedReads);
  });

  it('reads the OU tree again on every invocation, so that an account is planned against its current OU', async () => {
    // Prepare
    const { emulator, worker } = await environment();
    await worker.handler({ Records: [record(account(PROD_1))] }, CONTEXT);
    const firstReads = emulator.stats().calls.ListOrganizationalUnitsForParent ?? 0;

    // Act
    await worker.handler({ Records: [record(account(PROD_2))] }, CONTEXT);

    // Assess
    expect(firstReads).toBeGreaterThan(0);
    expect(emulator.stats().calls.ListOrganizationalUnitsForParent).toBe(2 * firstReads);
  });

  it.each([
    ['succeeds when a read is throttled on all but the last attempt', WORKER_READ_ATTEMPTS - 1, 0],
    ['fails the record when a read is throttled on every attempt', WORKER_READ_ATTEMPTS, 1],
  ])('%s', async (_title, throttles, failures) => {
    // Prepare
    const { emulator, worker } = await environment();
    emulator.setFaults({
      scripted: [
        { operation: 'ListPermissionSetsProvisionedToAccount', error: 'ThrottlingException', count: throttles },
      ],
    });

    // Act: a second account after it, so that a failure of the first is not the whole batch's.
    const response = await worker.handler({ Records: [record(account(PROD_1)), record(account(PROD_2))] }, CONTEXT);

    // Assess
    expect(response.batchItemFailures).toHaveLength(failures);
    expect(emulator.stats().faultsInjected).toBe(throttles);
  });

  /** Identity Center refuses the creates more often than the usual 8 attempts allow, as it does while an organization-wide run holds the ten outstanding creates. */
  const refusingCreates = async () => {
    const system = await environment({ EVENT_QUEUE_ARN });
    system.emulator.setFaults({
      scripted: [
        {
          operation: 'CreateAccountAssignment',
          error: 'ThrottlingException',
          count: EVENT_LANE_WRITE_RETRY.maxAttempts / 2,
        },
      ],
    });
    return system;
  };

  it('keeps retrying a refused create on the event lane until a slot frees', async () => {
    // Prepare
    const { emulator, worker } = await refusingCreates();

    // Act
    const response = await worker.handler(
      { Records: [{ ...record(account(PROD_1)), eventSourceARN: EVENT_QUEUE_ARN }] },
      CONTEXT,
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(driftOn(emulator, PROD_1)).toEqual([]);
  });

  it('gives a refused create up sooner on the organization lane, leaving the record to the queue', async () => {
    // Prepare
    const { worker } = await refusingCreates();

    // Act
    const result = worker.handler(
      { Records: [{ ...record(account(PROD_1)), eventSourceARN: ORG_QUEUE_ARN }] },
      CONTEXT,
    );

    // Assess: Powertools throws when every record of the batch failed.
    await expect(result).rejects.toThrow(/All records failed/);
  });

  it('plans and reports without changing anything when the config says report', async () => {
    // Prepare
    const { emulator, worker, metrics } = await environment({ MODE: 'report' });
    const missing = driftOn(emulator, PROD_1);

    // Act
    const response = await worker.handler({ Records: [record(account(PROD_1))] }, CONTEXT);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(driftOn(emulator, PROD_1)).toEqual(missing);
    expect(emulator.stats().calls.CreateAccountAssignment ?? 0).toBe(0);
    expect(metrics.total('AssignmentsCreated')).toBe(0);
  });

  it('discovers the instance when the config names none', async () => {
    // Prepare
    const { emulator, worker } = await environment({ INSTANCE_ARN: '', IDENTITY_STORE_ID: '' });

    // Act
    const response = await worker.handler({ Records: [record(account(PROD_1))] }, CONTEXT);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(emulator.stats().calls.ListInstances).toBe(1);
    expect(driftOn(emulator, PROD_1)).toEqual([]);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { IDENTITY_CENTER_OPERATIONS } from '../../../bench/support/floor.js';
import { recordingEventBridgeClient, recordingSnsClient } from '../../../cli/local/recording-clients.js';
import { startEmulator } from '../../../emulator/index.js';
import type { RunningEmulator } from '../../../emulator/types.js';
import { composeFanout, createFanoutClients } from '../../../functions/fanout/compose.js';
import { composeIntake } from '../../../functions/intake/compose.js';
import { parseWorkItem } from '../../../shared/domain/reconcile/parse-work-item.js';
import { loadConfig } from '../../../shared/runtime/config.js';
import { InMemoryFifoQueue } from '../../resilience/support/fifo-queue.js';
import {
  IDENTITY_STORE_ID,
  MANAGEMENT_ACCOUNT,
  PROD_1,
  PROD_OU,
  ROOT,
  RULES_DOCUMENTS,
  RULES_PATH,
  seedSnapshot,
} from '../../resilience/support/fixture.js';
import { RecordingLogger, RecordingMetrics, RecordingPublisher } from '../../support/fakes/index.js';

const ENV = {
  RULES_PATH,
  WORK_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111111111111/work.fifo',
  EVENT_BUS_NAME: 'idc-lifecycle',
  SUMMARY_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:summaries',
  IDENTITY_STORE_ID,
  MANAGEMENT_ACCOUNT_ID: MANAGEMENT_ACCOUNT,
  AUTOMATION_ACCOUNT_ID: '999999999999',
  WORKER_ROLE_ARN: 'arn:aws:iam::999999999999:role/idc-lifecycle-worker',
};
const SWEEP = { 'idc-lifecycle': 'sweep', executionId: 'sweep-compose' };

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const telemetry = () => ({ logger: new RecordingLogger(), metrics: new RecordingMetrics() });

/** The fan-out composed as the Lambda entry composes it, against a fresh emulator. */
const fanout = async (env: Record<string, string> = {}) => {
  emulator = await startEmulator({ snapshot: seedSnapshot(), parameters: [...RULES_DOCUMENTS], quotas: false });
  const config = loadConfig('fanout', { ...ENV, ...env });
  const queue = new InMemoryFifoQueue(5);
  const publisher = new RecordingPublisher();
  const connection = {
    endpoint: emulator.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  };
  const clients = {
    ...createFanoutClients(config, connection),
    sqs: queue.client,
    eventBridge: recordingEventBridgeClient((events) => publisher.events.push(...events)),
    sns: recordingSnsClient(() => {}),
  };
  return { emulator, queue, clients, config };
};

/** The accounts the queued read parts read. */
const queuedAccounts = (queue: InMemoryFifoQueue): string[] =>
  queue.messages.flatMap((m) => parseWorkItem(m.body).run?.read?.accountIds ?? []);

describe('composeFanout', () => {
  it('makes no Identity Center call on a sweep, and queues the read parts of its run in message groups of their own', async () => {
    // Prepare
    const { emulator, queue, clients, config } = await fanout();
    const composed = await composeFanout(clients, config, telemetry());
    const accounts = emulator.world.exportSnapshot().accounts.map((a) => a.id);

    // Act
    await composed.handler(SWEEP);

    // Assess
    expect(
      Object.keys(emulator.stats().calls).filter((operation) => IDENTITY_CENTER_OPERATIONS.has(operation)),
    ).toEqual([]);
    expect(queuedAccounts(queue).sort()).toEqual([...accounts].sort());
    const groups = queue.messages.map((m) => m.groupId);
    expect(new Set(groups).size).toBe(groups.length);
    expect(groups.every((group) => group.startsWith('run:'))).toBe(true);
    const [run] = await composed.organizationRunDeps().store.listRuns(1);
    expect(run?.status).toBe('reading');
  });

  it('reads the organization again on every sweep, so that an account added since is swept', async () => {
    // Prepare
    const { emulator, queue, clients, config } = await fanout();
    const composed = await composeFanout(clients, config, telemetry());
    await composed.handler(SWEEP);
    emulator.world.createAccount({ id: '444400000009', name: 'late', email: 'late@example.com' });
    emulator.world.moveAccount('444400000009', PROD_OU);

    // Act
    await composed.handler({ ...SWEEP, executionId: 'sweep-compose-2' });

    // Assess
    expect(queuedAccounts(queue)).toContain('444400000009');
  });
});

describe('composeIntake', () => {
  it.each([
    ['enqueues the account an Organizations event names', PROD_1, MANAGEMENT_ACCOUNT, [`account:${PROD_1}`]],
    ['refuses an Organizations event from any other account', PROD_1, '999999999999', []],
    ['enqueues nothing for the all scope, which the fan-out expands', undefined, undefined, []],
  ])('%s', async (_title, accountId, from, expected) => {
    // Prepare
    const queue = new InMemoryFifoQueue(5);
    const intake = composeIntake({ sqs: queue.client }, loadConfig('intake', ENV), telemetry());
    const event =
      accountId === undefined
        ? SWEEP
        : {
            id: 'evt-intake',
            source: 'aws.organizations',
            account: from,
            'detail-type': 'AWS API Call via CloudTrail',
            detail: {
              eventSource: 'organizations.amazonaws.com',
              eventName: 'MoveAccount',
              requestParameters: { accountId, sourceParentId: ROOT, destinationParentId: PROD_OU },
            },
          };

    // Act
    await intake.handler(event);

    // Assess
    expect(queue.messages.map((m) => m.groupId).sort()).toEqual(expected);
  });
});

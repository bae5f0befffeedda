import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../emulator/index.js';
import { createDynamoDbClient } from '../../shared/adapters/clients.js';
import { DynamoDbRunStore } from '../../shared/adapters/dynamodb-run-store.js';
import type { RunRecord } from '../../shared/domain/runs/run.js';
import { orgBuilder } from '../support/org-builder.js';

const run = (runId: string, startedAt: number, extra: Partial<RunRecord> = {}): RunRecord => ({
  runId,
  trigger: 'schedule',
  status: 'planned',
  startedAt,
  rulesVersion: 'r-0123456789abcdef',
  origin: { eventId: runId, eventName: 'Scheduled Event', source: 'aws.scheduler' },
  ...extra,
});

describe('DynamoDbRunStore against the emulator', () => {
  let emulator: RunningEmulator;
  let store: DynamoDbRunStore;

  beforeAll(async () => {
    emulator = await startEmulator({ snapshot: orgBuilder().managementAccount('111111111111').snapshot() });
    const client = createDynamoDbClient({
      endpoint: emulator.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    store = new DynamoDbRunStore(client, 'idc-lifecycle-runs');
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('gives back a saved run, and its latest status', async () => {
    await store.saveRun(run('schedule-a', 1000, { status: 'reading' }));
    await store.saveRun(run('schedule-a', 1000, { status: 'blocked' }));

    expect(await store.getRun('schedule-a')).toEqual(run('schedule-a', 1000, { status: 'blocked' }));
  });

  it('answers undefined for a run it never saw', async () => {
    expect(await store.getRun('nope')).toBeUndefined();
  });

  it('lists the most recent runs first', async () => {
    await store.saveRun(run('schedule-b', 2000));
    await store.saveRun(run('schedule-c', 3000));

    expect((await store.listRuns(2)).map((r) => r.runId)).toEqual(['schedule-c', 'schedule-b']);
  });

  it('keeps state larger than one DynamoDB item, and the last write of it', async () => {
    const big = Array.from({ length: 30_000 }, (_, i) => ({ accountId: String(200000000000 + i), n: i }));
    await store.saveState('schedule-a', 'assignments-0', [1, 2, 3]);
    await store.saveState('schedule-a', 'assignments-0', big);

    expect(await store.loadState('schedule-a', 'assignments-0')).toEqual(big);
  });

  it('keeps the accepted rules version and the organization totals side by side', async () => {
    await store.acceptRules({ rulesVersion: 'r-1', runId: 'rules-change-1', acceptedAt: 5 });
    await store.saveTotals({ managedAssignments: 7, authoritativeMembers: 2, runId: 'schedule-a' });

    expect(await store.organizationState()).toEqual({
      acceptedRules: { rulesVersion: 'r-1', runId: 'rules-change-1', acceptedAt: 5 },
      totals: { managedAssignments: 7, authoritativeMembers: 2, runId: 'schedule-a' },
    });
  });

  it('marks read parts done once each, and answers the parts done before the mark', async () => {
    expect(await store.markPartRead('schedule-parts', 'directory')).toEqual([]);
    expect(await store.markPartRead('schedule-parts', 'accounts-0')).toEqual(['directory']);

    const again = await store.markPartRead('schedule-parts', 'directory');

    expect([...again].sort()).toEqual(['accounts-0', 'directory']);
  });

  it('answers the parts marked done so far, and none for a run with no part done', async () => {
    expect(await store.partsRead('schedule-unread')).toEqual([]);
    await store.markPartRead('schedule-read', 'directory');
    await store.markPartRead('schedule-read', 'accounts-1');

    expect([...(await store.partsRead('schedule-read'))].sort()).toEqual(['accounts-1', 'directory']);
  });

  it('lets exactly one of several marks made at once see the set completed by its own part', async () => {
    const parts = ['directory', 'accounts-0', 'accounts-1', 'accounts-2'];

    const answers = await Promise.all(parts.map((part) => store.markPartRead('schedule-race', part)));

    const completers = parts.filter(
      (part, i) => !answers[i]?.includes(part) && parts.every((p) => p === part || answers[i]?.includes(p)),
    );
    expect(completers).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import type { AwsServices } from '../../cli/context.js';
import type { RunRecord } from '../../shared/domain/runs/run.js';
import { InMemoryRunStore } from '../support/fakes/index.js';
import { runCli, unreachableAws } from './support/run-cli.js';

const run = (runId: string, startedAt: number, extra: Partial<RunRecord> = {}): RunRecord => ({
  runId,
  trigger: 'schedule',
  status: 'planned',
  startedAt,
  rulesVersion: 'r-0123456789abcdef',
  origin: { eventId: runId, eventName: 'Scheduled Event', source: 'aws.scheduler' },
  counts: { create: 2, delete: 0, membershipAdd: 0, membershipRemove: 0, held: 0, errors: 0, items: 1 },
  ...extra,
});

const withStore = async (...runs: RunRecord[]) => {
  const store = new InMemoryRunStore();
  for (const r of runs) await store.saveRun(r);
  const events: { eventBusName: string; source: string; detailType: string; detail: string }[] = [];
  const tables: string[] = [];
  const aws: AwsServices = {
    ...unreachableAws,
    runs: (_target, table) => {
      tables.push(table);
      return store;
    },
    putEvent: async (_target, entry) => {
      events.push({ ...entry });
      return 'event-1';
    },
  };
  return { aws, events, tables };
};

const blocked = run('schedule-b', Date.UTC(2026, 11, 6, 12), {
  status: 'blocked',
  counts: { create: 1, delete: 0, membershipAdd: 0, membershipRemove: 0, held: 30, errors: 0, items: 1 },
});

describe('idc-lifecycle runs', () => {
  it('lists recent runs newest first with status and counts', async () => {
    const { aws, tables } = await withStore(run('schedule-a', Date.UTC(2026, 11, 6, 11)), blocked);

    const result = await runCli(['runs'], { aws });

    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').slice(0, 2)).toEqual([
      '2026-12-06T12:00:00.000Z  schedule-b  schedule  blocked  +1 -0 members +0 -0 held 30 errors 0 items 1',
      '2026-12-06T11:00:00.000Z  schedule-a  schedule  planned  +2 -0 members +0 -0 held 0 errors 0 items 1',
    ]);
    expect(tables).toEqual(['idc-lifecycle-runs']);
  });

  it('shows one run in full', async () => {
    const { aws } = await withStore(blocked);

    const result = await runCli(['runs', 'schedule-b'], { aws });

    expect(JSON.parse(result.stdout)).toEqual(blocked);
  });
});

describe('idc-lifecycle approve', () => {
  it('puts the Run Approval event on the lifecycle bus for a blocked run', async () => {
    const { aws, events } = await withStore(blocked);

    const result = await runCli(['approve', 'schedule-b', '--by', 'jane@example.com'], { aws });

    expect(result.code).toBe(0);
    expect(events).toEqual([
      {
        eventBusName: 'idc-lifecycle',
        source: 'idc-lifecycle.approval',
        detailType: 'Run Approval',
        detail: JSON.stringify({ runId: 'schedule-b', approvedBy: 'jane@example.com' }),
      },
    ]);
  });

  it.each([
    ['an unknown run', 'schedule-x', /no run schedule-x/],
    ['a run that is not blocked', 'schedule-a', /run schedule-a is planned, not blocked/],
  ])('refuses %s and sends nothing', async (_name, runId, message) => {
    const { aws, events } = await withStore(run('schedule-a', 1));

    const result = await runCli(['approve', runId, '--by', 'jane@example.com'], { aws });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(events).toEqual([]);
  });
});

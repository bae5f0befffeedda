import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../../shared/domain/runs/run.js';
import {
  cachedRunDirectories,
  DIRECTORY_STATE,
  loadRunDirectory,
  type RunDirectory,
  RunDirectoryUnavailableError,
} from '../../../../shared/domain/runs/run-directory.js';
import { InMemoryRunStore } from '../../../support/fakes/index.js';

const directory: RunDirectory = {
  permissionSets: [{ arn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1', name: 'ReadOnlyAccess' }],
  groups: [{ id: 'g-1', displayName: 'Platform' }],
  users: [{ id: 'u-1', userName: 'alice@example.com', active: true }],
  groupMemberships: [{ groupId: 'g-1', userId: 'u-1' }],
  organizationalUnits: [{ id: 'r-ab12', name: 'Root', parentId: null }],
};

const record = (runId: string, trigger: RunRecord['trigger']): RunRecord => ({
  runId,
  trigger,
  status: 'planned',
  startedAt: 0,
  rulesVersion: 'r-1',
  origin: { eventId: 'e-1', eventName: 'Scheduled Event', source: 'aws.scheduler' },
});

describe('loadRunDirectory', () => {
  it('gives the directory the run saved with its read', async () => {
    // Prepare
    const store = new InMemoryRunStore();
    await store.saveState('schedule-1', DIRECTORY_STATE, directory);

    // Act
    const loaded = await loadRunDirectory(store, 'schedule-1');

    // Assess
    expect(loaded).toEqual(directory);
  });

  it('gives no directory for an approval run, whose items read the directory live', async () => {
    const store = new InMemoryRunStore();
    await store.saveRun(record('approval-1', 'approval'));

    expect(await loadRunDirectory(store, 'approval-1')).toBeUndefined();
  });

  it('throws when the directory part of an organization-wide run has not saved its read', async () => {
    const store = new InMemoryRunStore();
    await store.saveRun(record('schedule-1', 'schedule'));

    await expect(loadRunDirectory(store, 'schedule-1')).rejects.toBeInstanceOf(RunDirectoryUnavailableError);
  });

  it('throws when the saved read lacks part of the directory', async () => {
    const store = new InMemoryRunStore();
    const { users: _users, ...partial } = directory;
    await store.saveState('schedule-1', DIRECTORY_STATE, partial);

    await expect(loadRunDirectory(store, 'schedule-1')).rejects.toThrow(/incomplete/);
  });
});

describe('cachedRunDirectories', () => {
  it('loads a run once however many items ask for it', async () => {
    // Prepare
    const loads: string[] = [];
    const runDirectory = cachedRunDirectories(async (runId) => {
      loads.push(runId);
      return directory;
    });

    // Act
    await Promise.all([runDirectory('run-1'), runDirectory('run-1'), runDirectory('run-1')]);

    // Assess
    expect(loads).toEqual(['run-1']);
  });

  it('loads again after a failed load', async () => {
    // Prepare
    let attempts = 0;
    const runDirectory = cachedRunDirectories(async () => {
      attempts++;
      if (attempts === 1) throw new Error('throttled');
      return directory;
    });
    await expect(runDirectory('run-1')).rejects.toThrow('throttled');

    // Act
    const loaded = await runDirectory('run-1');

    // Assess
    expect(loaded).toBe(directory);
    expect(attempts).toBe(2);
  });

  it('keeps the runs used most recently and drops the oldest', async () => {
    // Prepare
    const loads: string[] = [];
    const runDirectory = cachedRunDirectories(async (runId) => {
      loads.push(runId);
      return directory;
    }, 2);

    // Act
    for (const runId of ['run-1', 'run-2', 'run-1', 'run-3', 'run-1', 'run-2']) await runDirectory(runId);

    // Assess
    expect(loads).toEqual(['run-1', 'run-2', 'run-3', 'run-2']);
  });
});

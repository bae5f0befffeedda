import { describe, expect, it } from 'vitest';
import {
  benchColdStart,
  type ColdStartResult,
  FUNCTION_ENVIRONMENT,
  formatColdStartTable,
  GZIP_TARGET_BYTES,
  INIT_TARGET_MS,
  percentile,
} from '../../../bench/cold-start.js';
import { loadConfig } from '../../../shared/runtime/config.js';

describe('percentile', () => {
  it.each([
    [[5], 50, 5],
    [[3, 1, 2], 50, 2],
    [[1, 2, 3, 4], 50, 2],
    [[15, 1, 14, 2, 13, 3, 12, 4, 11, 5, 10, 6, 9, 7, 8], 50, 8],
    [[15, 1, 14, 2, 13, 3, 12, 4, 11, 5, 10, 6, 9, 7, 8], 90, 14],
    [[4, 3, 2, 1], 100, 4],
  ])('takes the nearest rank of %j at p%i', (values, p, expected) => {
    // Act
    const value = percentile(values, p);

    // Assess
    expect(value).toBe(expected);
  });

  it('refuses an empty sample', () => {
    // Act & Assess
    expect(() => percentile([], 50)).toThrow(RangeError);
  });
});

describe('formatColdStartTable', () => {
  const row = (overrides: Partial<ColdStartResult>): ColdStartResult => ({
    function: 'intake',
    bundleBytes: 300 * 1024,
    gzipBytes: 100 * 1024,
    initMsMedian: 60,
    initMsP90: 70,
    ...overrides,
  });

  it.each([
    ['within both targets', row({}), 'met'],
    ['over the gzip target', row({ gzipBytes: GZIP_TARGET_BYTES + 1 }), 'MISSED'],
    ['over the init target', row({ initMsMedian: INIT_TARGET_MS + 0.1 }), 'MISSED'],
  ])('marks a function %s', (_, result, verdict) => {
    // Act
    const table = formatColdStartTable([result]);

    // Assess
    const line = table.split('\n').find((text) => text.startsWith('intake'));
    expect(line?.trim().endsWith(verdict)).toBe(true);
  });

  it('shows sizes in KB and times in ms with one decimal', () => {
    // Act
    const table = formatColdStartTable([row({ gzipBytes: 1536, initMsMedian: 61.26, initMsP90: 70 })]);

    // Assess
    expect(table).toMatch(/intake\s+300\.0\s+1\.5\s+61\.3\s+70\.0\s+met/);
  });
});

describe('benchColdStart', () => {
  it('bundles a function and times its import in fresh processes', async () => {
    // Act
    const [result, ...rest] = await benchColdStart({ runs: 2, functions: ['intake'] });

    // Assess
    expect(rest).toEqual([]);
    expect(result?.function).toBe('intake');
    expect(result?.gzipBytes).toBeGreaterThan(0);
    expect(result?.initMsMedian).toBeGreaterThan(0);
    expect(result?.initMsP90).toBeGreaterThanOrEqual(result?.initMsMedian ?? Number.POSITIVE_INFINITY);
  });
});

describe('the environment each bundle is started with', () => {
  it.each(['intake', 'fanout', 'worker'] as const)("holds every variable the %s's config requires", (name) => {
    // Act & Assess: a bundle whose config throws at import measures nothing.
    expect(() => loadConfig(name, FUNCTION_ENVIRONMENT[name])).not.toThrow();
  });
});

import { readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultAwsServices } from '../../cli/aws-services.js';
import { main } from '../../cli/main.js';
import { startEmulator } from '../../emulator/index.js';
import type { RunningEmulator } from '../../emulator/types.js';
import { parseSnapshot, type Snapshot } from '../../shared/domain/snapshot.js';
import { CapturedStream, runCli } from './support/run-cli.js';

const SNAPSHOT = resolve('examples/snapshot.json');
const RULES = ['settings.yaml', 'workloads.yaml', 'birthright.yaml'].map((f) => resolve('examples/rules', f));
const example: Snapshot = parseSnapshot(JSON.parse(readFileSync(SNAPSHOT, 'utf8')));

/** Order-free form of a snapshot: every list sorted by its JSON text. */
const normalised = (s: Snapshot) =>
  Object.fromEntries(
    Object.entries(s).map(([key, value]) => [
      key,
      Array.isArray(value) ? value.map((v) => JSON.stringify(v, Object.keys(v).sort())).sort() : value,
    ]),
  );

let emulator: RunningEmulator;
beforeAll(async () => {
  // The real SDK clients resolve credentials and Region the ordinary way; give them test values.
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.stubEnv('AWS_REGION', 'us-east-1');
  emulator = await startEmulator({ snapshot: example, quotas: false, pageSize: 5 });
});
afterAll(async () => {
  await emulator.close();
  vi.unstubAllEnvs();
});

describe('idc-lifecycle snapshot (against the emulator)', () => {
  it('exports the organization into a snapshot equal to the one it was seeded from', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'idc-cli-snapshot-'));

    // Act
    const run = await runCli(['snapshot', '--out', 'org.json', '--endpoint-url', emulator.endpoint], {
      cwd: dir,
      aws: defaultAwsServices,
    });

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/discovering the Identity Center instance/);
    expect(run.stderr).toMatch(
      /^wrote org\.json: 12 OUs, 20 accounts, 6 permission sets, 6 groups, 12 users, 9 memberships, 54 assignments$/m,
    );
    const exported = parseSnapshot(JSON.parse(await readFile(join(dir, 'org.json'), 'utf8')));
    expect(normalised(exported)).toEqual(normalised(example));
  });

  it('plans with --live exactly what it plans from the snapshot file', async () => {
    // Act
    const live = await runCli(
      ['plan', '--rules', ...RULES, '--live', '--endpoint-url', emulator.endpoint, '--format', 'json'],
      { aws: defaultAwsServices },
    );
    const offline = await runCli(['plan', '--rules', ...RULES, '--snapshot', SNAPSHOT, '--format', 'json']);

    // Assess
    expect(live.code).toBe(0);
    expect(JSON.parse(live.stdout)).toEqual(JSON.parse(offline.stdout));
  });

  it('uses the ids given on the command line instead of discovering them', async () => {
    // Act
    const run = await runCli(
      [
        'plan',
        '--rules',
        ...RULES,
        '--live',
        '--endpoint-url',
        emulator.endpoint,
        '--instance-arn',
        example.instanceArn,
        '--identity-store-id',
        example.identityStoreId,
        '--management-account-id',
        example.managementAccountId,
        '--format',
        'json',
      ],
      { aws: defaultAwsServices },
    );

    // Assess
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(/discovering/);
  });

  it('reports an unreachable endpoint as an error and exits 1', async () => {
    // Act
    const run = await runCli(
      ['snapshot', '--out', join(tmpdir(), 'never.json'), '--endpoint-url', 'http://127.0.0.1:1'],
      {
        aws: defaultAwsServices,
      },
    );

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: /m);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('idc-lifecycle emulator', () => {
  it('serves the snapshot and the rules files as SSM parameters until stopped', async () => {
    // Prepare
    const stdout = new CapturedStream();
    const stderr = new CapturedStream();
    const stop = new AbortController();

    // Act
    const running = main(['emulator', '--snapshot', SNAPSHOT, '--port', '0', '--rules', ...RULES], {
      stdout,
      stderr,
      env: {},
      signal: stop.signal,
    });
    await vi.waitFor(() => expect(stdout.text).toMatch(/listening on (http:\/\/\S+)/), { timeout: 10_000 });
    const endpoint = /listening on (http:\/\/\S+)/.exec(stdout.text)?.[1];
    const ssm = new SSMClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 't', secretAccessKey: 't' },
    });
    const parameter = await ssm.send(new GetParameterCommand({ Name: '/idc-lifecycle/rules/workloads' }));
    stop.abort();

    // Assess
    expect(await running).toBe(0);
    expect(parameter.Parameter?.Value).toBe(readFileSync(RULES[1] as string, 'utf8'));
    expect(stdout.text).toMatch(/20 accounts, 12 users, 6 groups, 3 parameters/);
    expect(stderr.text).toBe('');
  });

  it('exits 1 before starting when a rules file is invalid', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'idc-cli-emulator-'));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'bad.yaml'), 'version: 1\nassignments: 3\n');

    // Act
    const run = await runCli(['emulator', '--snapshot', SNAPSHOT, '--port', '0', '--rules', 'bad.yaml'], { cwd: dir });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^bad\.yaml:2: assignments: /m);
    expect(run.stdout).toBe('');
  });
});

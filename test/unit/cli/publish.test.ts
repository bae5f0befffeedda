import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetParametersByPathCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parameterNameFor, tierFor } from '../../../cli/actions/publish.js';
import type { AwsServices, AwsTarget } from '../../../cli/context.js';
import { offlineSsmClient, runCli, unreachableAws } from '../../cli/support/run-cli.js';

const SETTINGS = `version: 1
settings:
  managedPermissionSets: [ReadOnlyAccess]
`;
const WORKLOADS = `version: 1
assignments:
  - id: readers
    principals: [{ group: Developers }]
    permissionSets: [ReadOnlyAccess]
    targets: { organizationalUnits: [/Workloads] }
`;
const OTHER_WITH_SAME_ID = WORKLOADS.replace('/Workloads', '/Sandbox');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'idc-cli-publish-'));
  await writeFile(join(dir, 'settings.yaml'), SETTINGS);
  await writeFile(join(dir, 'workloads.yaml'), WORKLOADS);
  await writeFile(join(dir, 'invalid.yaml'), 'version: 1\nassignments: [{ id: x }]\n');
  // A long description pushes the document past the 4 KB of a standard parameter.
  await writeFile(
    join(dir, 'large.yml'),
    WORKLOADS.replace('id: readers', `id: large\n    description: ${'x'.repeat(4200)}`),
  );
  await writeFile(
    join(dir, 'huge.json'),
    WORKLOADS.replace('id: readers', `id: huge\n    description: ${'x'.repeat(9000)}`),
  );
});

let ssm: SSMClient;
let mock: ReturnType<typeof mockClient>;
let targets: AwsTarget[];
let aws: AwsServices;
beforeEach(() => {
  ssm = offlineSsmClient();
  mock = mockClient(ssm);
  targets = [];
  aws = {
    ...unreachableAws,
    ssm: async (target) => {
      targets.push(target);
      return ssm;
    },
  };
});

const stored = (parameters: Record<string, string>) =>
  mock
    .on(GetParametersByPathCommand)
    .resolves({ Parameters: Object.entries(parameters).map(([Name, Value]) => ({ Name, Value })) });

describe('parameterNameFor', () => {
  it.each([
    ['/idc-lifecycle/rules/', 'rules/workloads.yaml', '/idc-lifecycle/rules/workloads'],
    ['/idc-lifecycle/rules/', 'settings.json', '/idc-lifecycle/rules/settings'],
    ['/team/', '../a/b/prod.v2.yml', '/team/prod.v2'],
  ])('names %s + %s as %s', (path, file, name) => {
    expect(parameterNameFor(path, file)).toBe(name);
  });

  it('refuses a file name SSM would not accept', () => {
    expect(() => parameterNameFor('/p/', 'my rules.yaml')).toThrow(/may only hold letters/);
  });
});

describe('tierFor', () => {
  it.each([
    ['a short new document', 100, undefined, 'Standard'],
    ['exactly 4096 characters', 4096, undefined, 'Standard'],
    ['4097 characters', 4097, undefined, 'Advanced'],
    ['2049 two-byte characters (4098 bytes)', -2049, undefined, 'Advanced'],
    ['a short document replacing a long one (no downgrade)', 100, 5000, 'Advanced'],
    ['a short document replacing a short one', 100, 200, 'Standard'],
  ])('picks the tier for %s', (_, length, currentLength, tier) => {
    const text = length < 0 ? 'é'.repeat(-length) : 'x'.repeat(length);
    expect(tierFor(text, currentLength === undefined ? undefined : 'y'.repeat(currentLength))).toBe(tier);
  });
});

describe('idc-lifecycle publish', () => {
  it('writes one parameter per file under the path, skipping unchanged values', async () => {
    // Prepare
    stored({ '/idc-lifecycle/rules/settings': SETTINGS, '/idc-lifecycle/rules/workloads': 'version: 1\n' });
    mock.on(PutParameterCommand).resolves({ Version: 2, Tier: 'Standard' });

    // Act
    const run = await runCli(['publish', 'settings.yaml', 'workloads.yaml', '--region', 'eu-west-1'], {
      cwd: dir,
      aws,
    });

    // Assess
    expect(run.code).toBe(0);
    expect(targets).toEqual([{ region: 'eu-west-1', endpoint: undefined }]);
    expect(mock.commandCalls(GetParametersByPathCommand)[0]?.args[0].input).toMatchObject({
      Path: '/idc-lifecycle/rules/',
      Recursive: true,
    });
    expect(mock.commandCalls(PutParameterCommand).map((c) => c.args[0].input)).toEqual([
      {
        Name: '/idc-lifecycle/rules/workloads',
        Value: WORKLOADS,
        Type: 'String',
        Overwrite: true,
        Tier: 'Standard',
      },
    ]);
    expect(run.stdout).toMatch(/^unchanged {2}\/idc-lifecycle\/rules\/settings {2}from settings\.yaml/m);
    expect(run.stdout).toMatch(/^updated {4}\/idc-lifecycle\/rules\/workloads {2}from workloads\.yaml/m);
    expect(run.stdout).toMatch(/^Published: 0 created, 1 updated, 1 unchanged$/m);
  });

  it('uses the Advanced tier for a document over 4096 characters', async () => {
    // Prepare
    stored({});
    mock.on(PutParameterCommand).resolves({});

    // Act
    const run = await runCli(['publish', '--path', '/team/rules', 'settings.yaml', 'large.yml'], { cwd: dir, aws });

    // Assess
    expect(run.code).toBe(0);
    const puts = mock.commandCalls(PutParameterCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => [p.Name, p.Tier])).toEqual([
      ['/team/rules/settings', 'Standard'],
      ['/team/rules/large', 'Advanced'],
    ]);
  });

  it('writes nothing with --dry-run but reports what would change', async () => {
    // Prepare
    stored({});

    // Act
    const run = await runCli(['publish', '--dry-run', 'settings.yaml', 'workloads.yaml'], { cwd: dir, aws });

    // Assess
    expect(run.code).toBe(0);
    expect(mock.commandCalls(PutParameterCommand)).toHaveLength(0);
    expect(run.stdout).toMatch(/^would create {2}\/idc-lifecycle\/rules\/settings/m);
    expect(run.stdout).toMatch(/^Dry run \(nothing written\): 2 to create, 0 to update, 0 unchanged$/m);
  });

  it('writes nothing and calls no AWS API when a file is invalid', async () => {
    // Act
    const run = await runCli(['publish', 'settings.yaml', 'invalid.yaml'], { cwd: dir, aws });

    // Assess
    expect(run.code).toBe(1);
    expect(targets).toEqual([]);
    expect(run.stderr).toMatch(/^invalid\.yaml:2: /m);
  });

  it('writes nothing when the files clash with another document already under the path', async () => {
    // Prepare
    stored({ '/idc-lifecycle/rules/settings': SETTINGS, '/idc-lifecycle/rules/sandbox': OTHER_WITH_SAME_ID });

    // Act
    const run = await runCli(['publish', 'settings.yaml', 'workloads.yaml'], { cwd: dir, aws });

    // Assess
    expect(run.code).toBe(1);
    expect(mock.commandCalls(PutParameterCommand)).toHaveLength(0);
    expect(run.stderr).toMatch(/readers/);
    expect(run.stderr).toMatch(/not together with the other documents under \/idc-lifecycle\/rules\//);
  });

  it('refuses a document larger than an advanced parameter holds', async () => {
    // Act
    const run = await runCli(['publish', 'settings.yaml', 'huge.json'], { cwd: dir, aws });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^huge\.json:1: the document is \d+ bytes, over the 8192-byte limit/m);
    expect(targets).toEqual([]);
  });

  it('exits 2 when two files would publish the same parameter', async () => {
    // Prepare
    await writeFile(join(dir, 'workloads.json'), '{"version": 1}');

    // Act
    const run = await runCli(['publish', 'settings.yaml', 'workloads.yaml', 'workloads.json'], { cwd: dir, aws });

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/would both publish \/idc-lifecycle\/rules\/workloads/);
  });

  it('reports an SSM failure as an error without a stack trace', async () => {
    // Prepare
    stored({});
    mock.on(PutParameterCommand).rejects(
      Object.assign(new Error('User is not authorized to perform ssm:PutParameter'), {
        name: 'AccessDeniedException',
      }),
    );

    // Act
    const run = await runCli(['publish', 'settings.yaml', 'workloads.yaml'], { cwd: dir, aws });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error: AccessDeniedException: User is not authorized to perform ssm:PutParameter\n');
  });
});

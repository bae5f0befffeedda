import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetParametersByPathCommand } from '@aws-sdk/client-ssm';
import { ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadParameterFiles, runEmulatorCommand } from '../../emulator/cli.js';
import { SnapshotError } from '../../shared/domain/snapshot.js';
import { createClients, INSTANCE_ARN, seedSnapshot } from './emulator-fixture.js';

describe('runEmulatorCommand', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'emulator-cli-'));
    await writeFile(join(dir, 'snapshot.json'), JSON.stringify(seedSnapshot()));
    await mkdir(join(dir, 'rules', 'prod'), { recursive: true });
    await writeFile(join(dir, 'rules', 'base.yaml'), 'version: 1\n');
    await writeFile(join(dir, 'rules', 'prod', 'web.json'), '{"version":1}');
    await writeFile(join(dir, 'rules', 'README.md'), 'not a rules document');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names parameters after their files under the rules path', async () => {
    const parameters = await loadParameterFiles(join(dir, 'rules'));

    expect(parameters).toEqual([
      { name: '/idc-lifecycle/rules/base', value: 'version: 1\n' },
      { name: '/idc-lifecycle/rules/prod/web', value: '{"version":1}' },
    ]);
  });

  it('prints the endpoint and SDK settings, serves until stopped, then closes', async () => {
    const lines: string[] = [];
    const stop = new AbortController();
    let reportEndpoint: (endpoint: string) => void = () => {};
    const endpointPrinted = new Promise<string>((resolve) => {
      reportEndpoint = resolve;
    });
    const running = runEmulatorCommand({
      snapshotPath: join(dir, 'snapshot.json'),
      port: 0,
      parametersDir: join(dir, 'rules'),
      signal: stop.signal,
      write: (line) => {
        lines.push(line);
        const match = /AWS_ENDPOINT_URL=(\S+)/.exec(line);
        if (match?.[1] !== undefined) reportEndpoint(match[1]);
      },
    });
    const endpoint = await endpointPrinted;
    const clients = createClients(endpoint);

    const { Instances } = await clients.ssoAdmin.send(new ListInstancesCommand({}));
    const { Parameters } = await clients.ssm.send(
      new GetParametersByPathCommand({ Path: '/idc-lifecycle/rules', Recursive: true }),
    );
    stop.abort();
    await running;
    clients.destroy();

    expect(Instances?.[0]?.InstanceArn).toBe(INSTANCE_ARN);
    expect(Parameters?.map((p) => p.Name)).toEqual(['/idc-lifecycle/rules/base', '/idc-lifecycle/rules/prod/web']);
    expect(lines).toEqual(expect.arrayContaining(['  export AWS_REGION=us-east-1', '  export AWS_ACCESS_KEY_ID=test']));
    expect(lines.at(-1)).toContain('stopped');
  });

  it('refuses a snapshot that is not valid', async () => {
    await writeFile(join(dir, 'broken.json'), JSON.stringify({ ...seedSnapshot(), accounts: 'none' }));

    await expect(runEmulatorCommand({ snapshotPath: join(dir, 'broken.json'), port: 0 })).rejects.toBeInstanceOf(
      SnapshotError,
    );
  });
});

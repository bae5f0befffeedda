import {
  DeleteParameterCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  GetParametersByPathCommand,
  type GetParametersByPathCommandOutput,
  GetParametersCommand,
  InvalidNextToken,
  ParameterAlreadyExists,
  ParameterNotFound,
  PutParameterCommand,
  ValidationException,
} from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/index.js';
import type { RunningEmulator } from '../../emulator/types.js';
import { type Clients, createClients, rejectionOf, seedSnapshot } from './emulator-fixture.js';

const RULES = '/idc-lifecycle/rules';
const seeded = Array.from({ length: 23 }, (_, i) => ({
  name: `${RULES}/doc-${String(i).padStart(2, '0')}`,
  value: `rules ${i}`,
}));

describe('emulator SSM Parameter Store', () => {
  let emulator: RunningEmulator;
  let clients: Clients;

  beforeEach(async () => {
    emulator = await startEmulator({
      snapshot: seedSnapshot(),
      pageSize: 10,
      parameters: [...seeded, { name: `${RULES}/nested/deep`, value: 'nested' }, { name: '/other/x', value: 'x' }],
    });
    clients = createClients(emulator.endpoint);
  });

  afterEach(async () => {
    clients.destroy();
    await emulator.close();
  });

  const allPages = async (input: { Path: string; Recursive?: boolean; MaxResults?: number }) => {
    const pages: GetParametersByPathCommandOutput[] = [];
    let NextToken: string | undefined;
    do {
      const page = await clients.ssm.send(new GetParametersByPathCommand({ ...input, NextToken }));
      pages.push(page);
      NextToken = page.NextToken;
    } while (NextToken !== undefined);
    return pages;
  };

  it('returns short and empty pages with a NextToken, and every parameter by the end', async () => {
    const pages = await allPages({ Path: RULES, MaxResults: 10 });

    const names = pages.flatMap((p) => (p.Parameters ?? []).map((x) => x.Name));
    expect(names).toEqual(seeded.map((p) => p.name));
    expect(pages.some((p) => (p.Parameters ?? []).length === 0 && p.NextToken !== undefined)).toBe(true);
    expect(pages.some((p) => (p.Parameters ?? []).length > 0 && (p.Parameters ?? []).length < 10 && p.NextToken)).toBe(
      true,
    );
    expect(pages.every((p) => (p.Parameters ?? []).length <= 10)).toBe(true);
  });

  it('respects a MaxResults smaller than the page size', async () => {
    const pages = await allPages({ Path: RULES, MaxResults: 3 });

    expect(pages.every((p) => (p.Parameters ?? []).length <= 3)).toBe(true);
    expect(pages.flatMap((p) => p.Parameters ?? [])).toHaveLength(seeded.length);
  });

  it('includes nested parameters only when Recursive', async () => {
    const flat = (await allPages({ Path: RULES })).flatMap((p) => p.Parameters ?? []);
    const recursive = (await allPages({ Path: `${RULES}/`, Recursive: true })).flatMap((p) => p.Parameters ?? []);

    expect(flat.map((p) => p.Name)).not.toContain(`${RULES}/nested/deep`);
    expect(recursive.map((p) => p.Name)).toContain(`${RULES}/nested/deep`);
    expect(recursive).toHaveLength(seeded.length + 1);
  });

  it('refuses MaxResults above 10', async () => {
    const error = await rejectionOf(clients.ssm.send(new GetParametersByPathCommand({ Path: RULES, MaxResults: 11 })));

    expect(error).toBeInstanceOf(ValidationException);
  });

  it('refuses a NextToken it did not issue', async () => {
    const error = await rejectionOf(
      clients.ssm.send(new GetParametersByPathCommand({ Path: RULES, NextToken: 'not-a-token' })),
    );

    expect(error).toBeInstanceOf(InvalidNextToken);
  });

  it('gets one parameter, several parameters, and reports the missing ones', async () => {
    const one = await clients.ssm.send(new GetParameterCommand({ Name: '/other/x' }));
    const several = await clients.ssm.send(new GetParametersCommand({ Names: ['/other/x', '/missing'] }));
    const missing = await rejectionOf(clients.ssm.send(new GetParameterCommand({ Name: '/missing' })));

    expect(one.Parameter).toMatchObject({ Name: '/other/x', Value: 'x', Version: 1, Type: 'String' });
    expect(one.Parameter?.LastModifiedDate).toBeInstanceOf(Date);
    expect(several.Parameters?.map((p) => p.Name)).toEqual(['/other/x']);
    expect(several.InvalidParameters).toEqual(['/missing']);
    expect(missing).toBeInstanceOf(ParameterNotFound);
  });

  it('increments versions on overwrite and keeps every version in the history', async () => {
    const name = `${RULES}/versioned`;
    await clients.ssm.send(new PutParameterCommand({ Name: name, Value: 'v1', Type: 'String' }));
    const second = await clients.ssm.send(new PutParameterCommand({ Name: name, Value: 'v2', Overwrite: true }));
    await clients.ssm.send(new PutParameterCommand({ Name: name, Value: 'v3', Overwrite: true }));

    const history: { Version?: number; Value?: string }[] = [];
    let NextToken: string | undefined;
    do {
      const page = await clients.ssm.send(new GetParameterHistoryCommand({ Name: name, MaxResults: 2, NextToken }));
      expect(page.Parameters?.length).toBeLessThanOrEqual(2);
      history.push(...(page.Parameters ?? []));
      NextToken = page.NextToken;
    } while (NextToken !== undefined);
    const current = await clients.ssm.send(new GetParameterCommand({ Name: name }));

    expect(second).toMatchObject({ Version: 2, Tier: 'Standard' });
    expect(history.map((h) => [h.Version, h.Value])).toEqual([
      [1, 'v1'],
      [2, 'v2'],
      [3, 'v3'],
    ]);
    expect(current.Parameter?.Version).toBe(3);
  });

  it('answers ParameterAlreadyExists without Overwrite', async () => {
    const error = await rejectionOf(clients.ssm.send(new PutParameterCommand({ Name: '/other/x', Value: 'y' })));

    expect(error).toBeInstanceOf(ParameterAlreadyExists);
  });

  it.each([
    ['Standard', 4096, true],
    ['Standard', 4097, false],
    ['Advanced', 8192, true],
    ['Advanced', 8193, false],
  ] as const)('with tier %s a %i-character value is accepted: %s', async (Tier, length, accepted) => {
    const result = clients.ssm.send(new PutParameterCommand({ Name: '/sized', Value: 'x'.repeat(length), Tier }));

    if (accepted) await expect(result).resolves.toMatchObject({ Version: 1, Tier });
    else await expect(result).rejects.toBeInstanceOf(ValidationException);
  });

  it('explains the standard-tier limit as AWS does', async () => {
    const error = await rejectionOf(
      clients.ssm.send(new PutParameterCommand({ Name: '/big', Value: 'x'.repeat(5000) })),
    );

    expect((error as Error).message).toContain(
      'Standard tier parameters support a maximum parameter value of 4096 characters',
    );
  });

  it('deletes a parameter and answers ParameterNotFound after that', async () => {
    await clients.ssm.send(new DeleteParameterCommand({ Name: '/other/x' }));

    const again = await rejectionOf(clients.ssm.send(new DeleteParameterCommand({ Name: '/other/x' })));

    expect(again).toBeInstanceOf(ParameterNotFound);
  });

  it('sees parameters written through the world API', async () => {
    emulator.world.putParameter(`${RULES}/doc-00`, 'changed');

    const { Parameter } = await clients.ssm.send(new GetParameterCommand({ Name: `${RULES}/doc-00` }));

    expect(Parameter).toMatchObject({ Value: 'changed', Version: 2 });
  });
});

import {
  GetParametersByPathCommand,
  ParameterAlreadyExists,
  PutParameterCommand,
  SSMClient,
  ThrottlingException,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  makeHandler,
  type SeedProperties,
  type SeedRequest,
  type SeedResponse,
  seedEmptyPath,
} from '../../infra/rules-seeder/handler.js';

const ssm = mockClient(SSMClient);
const client = new SSMClient({ region: 'eu-west-1' });

const PROPERTIES: SeedProperties = {
  RulesPath: '/idc-lifecycle/rules/',
  Documents: [
    { name: 'baseline', body: 'version: 1\n', tier: 'Standard' },
    { name: 'workloads', body: 'version: 1\n# long\n', tier: 'Advanced' },
  ],
};

const request = (overrides: Partial<SeedRequest> = {}): SeedRequest => ({
  RequestType: 'Create',
  ResponseURL: 'https://cloudformation-custom-resource-response.example/response',
  StackId: 'arn:aws:cloudformation:eu-west-1:222222222222:stack/IdcLifecycle/1',
  RequestId: 'request-1',
  LogicalResourceId: 'RulesSeed',
  ResourceProperties: PROPERTIES,
  ...overrides,
});

const setup = () => {
  const responses: SeedResponse[] = [];
  const handler = makeHandler({
    ssm: client,
    respond: async (_url, response) => {
      responses.push(response);
    },
    logger: { info: () => {}, error: () => {} },
  });
  return { handler, responses };
};

const putNames = () => ssm.commandCalls(PutParameterCommand).map((call) => call.args[0].input.Name);

describe('seedEmptyPath', () => {
  beforeEach(() => {
    ssm.reset();
    ssm.on(GetParametersByPathCommand).resolves({ Parameters: [] });
    ssm.on(PutParameterCommand).resolves({ Version: 1 });
  });

  it('creates every document under an empty rules path, in its tier, without overwriting', async () => {
    // Act
    const outcome = await seedEmptyPath(client, PROPERTIES);

    // Assess
    expect(outcome).toEqual({
      kind: 'seeded',
      names: ['/idc-lifecycle/rules/baseline', '/idc-lifecycle/rules/workloads'],
    });
    expect(ssm.commandCalls(PutParameterCommand).map((call) => call.args[0].input)).toEqual([
      expect.objectContaining({ Name: '/idc-lifecycle/rules/baseline', Value: 'version: 1\n', Tier: 'Standard' }),
      expect.objectContaining({ Name: '/idc-lifecycle/rules/workloads', Tier: 'Advanced' }),
    ]);
    for (const call of ssm.commandCalls(PutParameterCommand)) expect(call.args[0].input.Overwrite).toBeUndefined();
  });

  it('writes nothing when the rules path already holds a document', async () => {
    // Prepare
    ssm.on(GetParametersByPathCommand).resolves({ Parameters: [{ Name: '/idc-lifecycle/rules/published' }] });

    // Act
    const outcome = await seedEmptyPath(client, PROPERTIES);

    // Assess
    expect(outcome).toEqual({ kind: 'skipped', reason: '/idc-lifecycle/rules/ already holds rules documents' });
    expect(putNames()).toEqual([]);
  });

  it('reads on past empty pages that carry a NextToken before calling the path empty', async () => {
    // Prepare
    ssm
      .on(GetParametersByPathCommand)
      .resolvesOnce({ Parameters: [], NextToken: 'page-2' })
      .resolvesOnce({ Parameters: [{ Name: '/idc-lifecycle/rules/nested/published' }] });

    // Act
    const outcome = await seedEmptyPath(client, PROPERTIES);

    // Assess
    expect(outcome.kind).toBe('skipped');
    expect(ssm.commandCalls(GetParametersByPathCommand).map((call) => call.args[0].input)).toEqual([
      expect.objectContaining({ Path: '/idc-lifecycle/rules', Recursive: true, NextToken: undefined }),
      expect.objectContaining({ Path: '/idc-lifecycle/rules', Recursive: true, NextToken: 'page-2' }),
    ]);
  });

  it('keeps a document published between the check and the write', async () => {
    // Prepare
    ssm
      .on(PutParameterCommand, { Name: '/idc-lifecycle/rules/baseline' })
      .rejects(new ParameterAlreadyExists({ message: 'exists', $metadata: {} }));

    // Act
    const outcome = await seedEmptyPath(client, PROPERTIES);

    // Assess
    expect(outcome).toEqual({ kind: 'seeded', names: ['/idc-lifecycle/rules/workloads'] });
  });
});

describe('rules seed custom resource', () => {
  beforeEach(() => {
    ssm.reset();
    ssm.on(GetParametersByPathCommand).resolves({ Parameters: [] });
    ssm.on(PutParameterCommand).resolves({ Version: 1 });
  });

  it('seeds on create and answers SUCCESS with a physical id named after the rules path', async () => {
    // Prepare
    const { handler, responses } = setup();

    // Act
    await handler(request());

    // Assess
    expect(putNames()).toHaveLength(2);
    expect(responses).toEqual([
      {
        Status: 'SUCCESS',
        PhysicalResourceId: 'idc-lifecycle-rules-seed:/idc-lifecycle/rules',
        StackId: request().StackId,
        RequestId: 'request-1',
        LogicalResourceId: 'RulesSeed',
      },
    ]);
  });

  it.each([
    [
      'an update with new seed files',
      request({ RequestType: 'Update', OldResourceProperties: { ...PROPERTIES, Documents: [] } }),
    ],
    [
      'a delete',
      request({ RequestType: 'Delete', PhysicalResourceId: 'idc-lifecycle-rules-seed:/idc-lifecycle/rules' }),
    ],
  ])('never writes a rules document on %s, and answers SUCCESS', async (_, event) => {
    // Prepare
    const { handler, responses } = setup();

    // Act
    await handler(event);

    // Assess
    expect(ssm.calls()).toEqual([]);
    expect(responses.map((response) => response.Status)).toEqual(['SUCCESS']);
  });

  it('seeds a new rules path on update when that path is empty', async () => {
    // Prepare
    const { handler } = setup();
    const moved = request({
      RequestType: 'Update',
      PhysicalResourceId: 'idc-lifecycle-rules-seed:/old/rules',
      OldResourceProperties: { ...PROPERTIES, RulesPath: '/old/rules/' },
    });

    // Act
    await handler(moved);

    // Assess
    expect(putNames()).toEqual(['/idc-lifecycle/rules/baseline', '/idc-lifecycle/rules/workloads']);
  });

  it('answers FAILED with the reason when SSM fails, so the deployment stops instead of waiting an hour', async () => {
    // Prepare
    ssm
      .on(GetParametersByPathCommand)
      .rejects(new ThrottlingException({ message: 'Rate exceeded', Message: 'Rate exceeded', $metadata: {} }));
    const { handler, responses } = setup();

    // Act
    const outcome = await handler(request());

    // Assess
    expect(outcome.kind).toBe('failed');
    expect(responses).toEqual([
      expect.objectContaining({ Status: 'FAILED', Reason: 'Seeding /idc-lifecycle/rules/ failed: Rate exceeded' }),
    ]);
    expect(putNames()).toEqual([]);
  });
});

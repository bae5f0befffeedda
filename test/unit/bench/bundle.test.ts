import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bundleFunction,
  bytesByPackage,
  FUNCTION_NAMES,
  type FunctionName,
  toEsbuildOptions,
} from '../../../bench/bundle.js';
import { FUNCTION_BUNDLING } from '../../../infra/bundling.js';

const SDK_CLIENTS = [
  'client-dynamodb',
  'client-eventbridge',
  'client-identitystore',
  'client-organizations',
  'client-sns',
  'client-sqs',
  'client-ssm',
  'client-sso-admin',
];

/** The SDK clients each composition root calls, and so the only ones its bundle may hold. */
const CLIENTS_USED: Record<FunctionName, readonly string[]> = {
  intake: ['client-sqs'],
  // The fan-out reads the rules and the organization tree, keeps runs in DynamoDB and queues a
  // run's read parts: no Identity Center client.
  fanout: ['client-dynamodb', 'client-eventbridge', 'client-organizations', 'client-sns', 'client-sqs', 'client-ssm'],
  // SQS for ChangeMessageVisibility: a throttled item comes back within a minute.
  // The run store (DynamoDB) and a run's read parts (SQS: a part's continuation, the run's work) included.
  worker: [
    'client-dynamodb',
    'client-eventbridge',
    'client-identitystore',
    'client-organizations',
    'client-sns',
    'client-sqs',
    'client-ssm',
    'client-sso-admin',
  ],
};

/** The modules that left code in the bundle (esbuild also lists the ones it read and dropped). */
const inputsOf = (metafile: Metafile): string[] =>
  Object.values(metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path),
  );

describe('toEsbuildOptions', () => {
  it('bundles with the settings the functions are deployed with', () => {
    // Act
    const options = toEsbuildOptions('/repo/functions/intake/index.ts', '/out/index.mjs');

    // Assess
    expect(options).toMatchObject({
      bundle: true,
      platform: 'node',
      format: FUNCTION_BUNDLING.format,
      target: FUNCTION_BUNDLING.target,
      minify: FUNCTION_BUNDLING.minify,
      sourcemap: FUNCTION_BUNDLING.sourceMap,
      sourcesContent: FUNCTION_BUNDLING.sourcesContent,
      mainFields: [...FUNCTION_BUNDLING.mainFields],
      banner: { js: FUNCTION_BUNDLING.banner },
      external: [],
    });
  });
});

describe('bytesByPackage', () => {
  it('adds up output bytes per package and per first-party directory, largest first', () => {
    // Prepare
    const metafile: Metafile = {
      inputs: {},
      outputs: {
        'out/index.mjs': {
          bytes: 0,
          imports: [],
          exports: [],
          inputs: {
            'node_modules/@aws-sdk/client-sqs/dist-es/SQSClient.js': { bytesInOutput: 30 },
            'node_modules/@aws-sdk/client-sqs/dist-es/commands/SendMessageBatchCommand.js': { bytesInOutput: 20 },
            'node_modules/yaml/dist/index.js': { bytesInOutput: 40 },
            'shared/events/ids.ts': { bytesInOutput: 5 },
            'shared/events/index.ts': { bytesInOutput: 7 },
            'shared/domain/scope.ts': { bytesInOutput: 0 },
          },
        },
      },
    };

    // Act
    const totals = bytesByPackage(metafile);

    // Assess
    expect(totals).toEqual([
      { name: '@aws-sdk/client-sqs', bytes: 50 },
      { name: 'yaml', bytes: 40 },
      { name: 'shared/events', bytes: 12 },
    ]);
  });
});

describe('bundleFunction', () => {
  let outDir = '';
  const bundles = new Map<FunctionName, Awaited<ReturnType<typeof bundleFunction>>>();

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'idc-bundle-test-'));
    for (const name of FUNCTION_NAMES) bundles.set(name, await bundleFunction(name, outDir));
  });

  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  const bundleOf = (name: FunctionName) => {
    const bundle = bundles.get(name);
    if (bundle === undefined) throw new Error(`${name} was not bundled`);
    return bundle;
  };

  it.each(FUNCTION_NAMES)('measures the %s bundle and its gzip size', (name) => {
    // Act
    const bundle = bundleOf(name);

    // Assess
    expect(bundle.file.endsWith(join(name, 'index.mjs'))).toBe(true);
    expect(bundle.gzipBytes).toBeGreaterThan(0);
    expect(bundle.gzipBytes).toBeLessThan(bundle.bundleBytes);
  });

  it.each(FUNCTION_NAMES)('bundles only the SDK clients the %s function calls', (name) => {
    // Act
    const inputs = inputsOf(bundleOf(name).metafile);

    // Assess
    const bundled = SDK_CLIENTS.filter((client) => inputs.some((input) => input.includes(`@aws-sdk/${client}/`)));
    expect(bundled).toEqual(CLIENTS_USED[name]);
  });

  it('keeps the rules loader and the YAML parser out of the intake bundle', () => {
    // Act
    const inputs = inputsOf(bundleOf('intake').metafile);

    // Assess
    expect(inputs.filter((input) => /node_modules\/yaml\/|shared\/domain\/rules\//.test(input))).toEqual([]);
  });

  it('takes only zod/mini, its core and its English messages into the intake bundle', () => {
    // Act
    const inputs = inputsOf(bundleOf('intake').metafile);

    // Assess
    const zod = inputs.filter((input) => input.includes('node_modules/zod/'));
    expect(zod).not.toEqual([]);
    expect(zod.filter((input) => !/node_modules\/zod\/v4\/(core\/|mini\/|locales\/en\.js$)/.test(input))).toEqual([]);
  });
});

import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { bundleFunction, bytesByPackage, FUNCTION_NAMES, type FunctionBundle, type FunctionName } from './bundle.js';

/**
 * Cold-start benchmark (docs/design.md §8): bundles each function as `cdk deploy` does, then imports each
 * bundle in fresh Node processes and times module initialisation (everything the module does at
 * import, top-level `await` included), as the Lambda runtime does before the first invocation.
 * Targets: init median ≤ 85 ms, bundle ≤ 130 KB gzip.
 *
 * Run directly with `npx tsx bench/cold-start.ts` (add `--why` for the largest packages per bundle).
 */

export interface ColdStartResult {
  readonly function: string;
  readonly bundleBytes: number;
  readonly gzipBytes: number;
  readonly initMsMedian: number;
  readonly initMsP90: number;
}

export interface ColdStartOptions {
  /** Fresh processes per function. @default 15 */
  readonly runs?: number;
  /** @default every function */
  readonly functions?: readonly FunctionName[];
  /** Called with each bundle once it is built (the direct run uses it for `--why`). */
  readonly onBundle?: (bundle: FunctionBundle) => void;
}

export const INIT_TARGET_MS = 85;
export const GZIP_TARGET_BYTES = 130 * 1024;

/** What every function's environment holds in Lambda: the construct's defaults plus the runtime's own. */
const LAMBDA_ENVIRONMENT: Readonly<Record<string, string>> = {
  AWS_REGION: 'eu-west-1',
  AWS_DEFAULT_REGION: 'eu-west-1',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
  POWERTOOLS_SERVICE_NAME: 'idc-lifecycle',
  POWERTOOLS_METRICS_NAMESPACE: 'idc-lifecycle',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  // Set by the LifecycleFunction construct; it makes Node read the bundle's source map at load.
  NODE_OPTIONS: '--enable-source-maps',
  // Dummy credentials and no instance metadata: nothing at import may reach the network.
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'bench-only-not-a-secret',
  AWS_EC2_METADATA_DISABLED: 'true',
  // The SDK warns at client construction on Node < 22; Lambda runs Node 22, where it never does.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/111122223333/idc-lifecycle-work.fifo';
const IDENTITY_CENTER = {
  // Set, so that the composition roots do not call `discoverInstance` (a network call) at init.
  INSTANCE_ARN: 'arn:aws:sso:::instance/ssoins-1111222233334444',
  IDENTITY_STORE_ID: 'd-1111111111',
};
const SHARED = {
  RULES_PATH: '/idc-lifecycle/rules/',
  EVENT_BUS_NAME: 'idc-lifecycle',
  SUMMARY_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:idc-lifecycle-alerts',
  MANAGEMENT_ACCOUNT_ID: '111122223333',
};

/** The variables each function's `loadConfig` requires, as the main stack sets them (dummy values). */
export const FUNCTION_ENVIRONMENT: Readonly<Record<FunctionName, Readonly<Record<string, string>>>> = {
  intake: {
    WORK_QUEUE_URL: QUEUE_URL,
    RULES_PATH: SHARED.RULES_PATH,
    MANAGEMENT_ACCOUNT_ID: SHARED.MANAGEMENT_ACCOUNT_ID,
    AUTOMATION_ACCOUNT_ID: '444455556666',
    WORKER_ROLE_ARN: 'arn:aws:iam::444455556666:role/idc-lifecycle-worker',
    AWS_LAMBDA_FUNCTION_NAME: 'idc-lifecycle-intake',
  },
  fanout: {
    ...SHARED,
    WORK_QUEUE_URL: QUEUE_URL,
    AWS_LAMBDA_FUNCTION_NAME: 'idc-lifecycle-fanout',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  },
  worker: {
    ...SHARED,
    ...IDENTITY_CENTER,
    WORK_QUEUE_URL: QUEUE_URL,
    RULES_CACHE_SECONDS: '60',
    MODE: 'enforce',
    AWS_LAMBDA_FUNCTION_NAME: 'idc-lifecycle-worker',
  },
};

/**
 * Runs in the child: times `import()` of the bundle, checks that it exports a handler, prints JSON.
 * The Lambda runtime loads an ESM handler with `import()` too, after Node itself has started.
 */
const CHILD_SCRIPT = `
const { performance } = await import('node:perf_hooks');
const start = performance.now();
const module = await import(process.argv[1]);
const initMs = performance.now() - start;
if (typeof module.handler !== 'function') throw new Error('the bundle exports no handler function');
process.stdout.write(JSON.stringify({ initMs }));
`;

const execFileAsync = promisify(execFile);

const initOnce = async (bundle: FunctionBundle): Promise<number> => {
  const env = {
    PATH: process.env.PATH ?? '',
    ...LAMBDA_ENVIRONMENT,
    ...FUNCTION_ENVIRONMENT[bundle.function],
  };
  const { stdout } = await execFileAsync(
    process.execPath,
    ['--input-type=module', '--eval', CHILD_SCRIPT, pathToFileURL(bundle.file).href],
    { env, timeout: 30_000, cwd: tmpdir() },
  );
  const parsed: unknown = JSON.parse(stdout);
  if (typeof parsed !== 'object' || parsed === null || !('initMs' in parsed) || typeof parsed.initMs !== 'number') {
    throw new Error(`unexpected output from the ${bundle.function} child: ${stdout.slice(0, 200)}`);
  }
  return parsed.initMs;
};

/** Nearest-rank percentile of a non-empty sample (p50 of 15 values is the 8th smallest). */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) throw new RangeError('percentile of an empty sample');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
};

/**
 * Bundles each function into a temporary directory, then starts `runs` fresh Node processes per
 * function. The processes run one at a time, the functions taking turns, so that load from other
 * work on the machine spreads over all of them; one discarded run per function first warms the
 * file cache.
 */
export async function benchColdStart(options: ColdStartOptions = {}): Promise<ColdStartResult[]> {
  const runs = options.runs ?? 15;
  const names = options.functions ?? FUNCTION_NAMES;
  const outDir = await mkdtemp(join(tmpdir(), 'idc-cold-start-'));
  try {
    const bundles: FunctionBundle[] = [];
    for (const name of names) {
      const bundle = await bundleFunction(name, outDir);
      options.onBundle?.(bundle);
      bundles.push(bundle);
    }
    for (const bundle of bundles) await initOnce(bundle);
    const samples = new Map<FunctionName, number[]>(bundles.map((bundle) => [bundle.function, []]));
    for (let run = 0; run < runs; run++) {
      for (const bundle of bundles) samples.get(bundle.function)?.push(await initOnce(bundle));
    }
    return bundles.map((bundle) => {
      const times = samples.get(bundle.function) ?? [];
      return {
        function: bundle.function,
        bundleBytes: bundle.bundleBytes,
        gzipBytes: bundle.gzipBytes,
        initMsMedian: percentile(times, 50),
        initMsP90: percentile(times, 90),
      };
    });
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

const kb = (bytes: number): string => (bytes / 1024).toFixed(1);

/** The results as a text table, each figure marked against its target. */
export const formatColdStartTable = (rows: readonly ColdStartResult[]): string => {
  const header = ['function', 'bundle KB', 'gzip KB', 'init median ms', 'init p90 ms', 'targets'];
  const cells = rows.map((row) => [
    row.function,
    kb(row.bundleBytes),
    kb(row.gzipBytes),
    row.initMsMedian.toFixed(1),
    row.initMsP90.toFixed(1),
    row.gzipBytes <= GZIP_TARGET_BYTES && row.initMsMedian <= INIT_TARGET_MS ? 'met' : 'MISSED',
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((cell) => (cell[i] ?? '').length)));
  const line = (cell: readonly string[]) =>
    cell.map((value, i) => (i === 0 ? value.padEnd(widths[i] ?? 0) : value.padStart(widths[i] ?? 0))).join('  ');
  return [
    line(header),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...cells.map(line),
    `targets: init median ≤ ${INIT_TARGET_MS} ms, bundle ≤ ${kb(GZIP_TARGET_BYTES)} KB gzip`,
  ].join('\n');
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const why = process.argv.includes('--why');
  const rows = await benchColdStart({
    onBundle: (bundle) => {
      if (!why) return;
      const top = bytesByPackage(bundle.metafile).slice(0, 12);
      console.log(`${bundle.function}: ${top.map((entry) => `${entry.name} ${kb(entry.bytes)} KB`).join(', ')}`);
    },
  });
  console.log(formatColdStartTable(rows));
  // Init times are wall-clock: on a busy machine they stretch, so say how busy it was.
  console.log(`load average (1 min) at the end: ${loadavg()[0]?.toFixed(2)} on ${availableParallelism()} CPUs`);
}

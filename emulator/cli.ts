import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { parseSnapshot, SnapshotError } from '../shared/domain/snapshot.js';
import { startEmulator } from './index.js';

/**
 * `idc-lifecycle emulator`: runs the emulator in the foreground for manual use with the AWS CLI or
 * SDK, until SIGINT/SIGTERM (or `signal`).
 */

/** Where rules documents live in SSM by default (docs/design.md §3). */
export const DEFAULT_RULES_PATH = '/idc-lifecycle/rules/';

const RULES_FILE = /\.(ya?ml|json)$/i;

export interface EmulatorCommandOptions {
  readonly snapshotPath: string;
  readonly port: number;
  readonly latencyMs?: number;
  readonly timeScale?: number;
  /** A directory of rules documents (`.yaml`, `.yml`, `.json`) to seed as SSM parameters. */
  readonly parametersDir?: string;
  /** The SSM path the documents are seeded under (default `/idc-lifecycle/rules/`). */
  readonly parametersPath?: string;
  /** Stops the emulator when aborted (tests; the CLI relies on signals). */
  readonly signal?: AbortSignal;
  /** Where the banner goes (default: stdout). */
  readonly write?: (line: string) => void;
}

export class EmulatorCommandError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EmulatorCommandError';
  }
}

const listFiles = async (dir: string): Promise<string[]> => {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return listFiles(path);
      return Promise.resolve(entry.isFile() && RULES_FILE.test(entry.name) ? [path] : []);
    }),
  );
  return nested.flat().sort();
};

/** `rules/prod/web.yaml` under `/idc-lifecycle/rules/` becomes `/idc-lifecycle/rules/prod/web`. */
export const loadParameterFiles = async (
  dir: string,
  path: string = DEFAULT_RULES_PATH,
): Promise<{ name: string; value: string }[]> => {
  const prefix = path.endsWith('/') ? path : `${path}/`;
  const files = await listFiles(dir);
  return Promise.all(
    files.map(async (file) => ({
      name: `${prefix}${relative(dir, file).split(sep).join('/').replace(RULES_FILE, '')}`,
      value: await readFile(file, 'utf8'),
    })),
  );
};

const readSnapshot = async (snapshotPath: string) => {
  const text = await readFile(snapshotPath, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SnapshotError(snapshotPath, 'not valid JSON', { cause: error });
  }
  return parseSnapshot(parsed, snapshotPath);
};

const waitForStop = (signal: AbortSignal | undefined): Promise<string> =>
  new Promise((resolve) => {
    const stop = (reason: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      signal?.removeEventListener('abort', onAbort);
      resolve(reason);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    const onAbort = () => stop('abort');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    if (signal?.aborted) stop('abort');
    else signal?.addEventListener('abort', onAbort, { once: true });
  });

export const runEmulatorCommand = async (options: EmulatorCommandOptions): Promise<void> => {
  const write = options.write ?? ((line: string) => console.log(line));
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new EmulatorCommandError(`Invalid port ${options.port}`);
  }
  const snapshot = await readSnapshot(options.snapshotPath);
  const parameters =
    options.parametersDir === undefined ? [] : await loadParameterFiles(options.parametersDir, options.parametersPath);
  const emulator = await startEmulator({
    snapshot,
    port: options.port,
    ...(options.latencyMs === undefined ? {} : { assignmentLatencyMs: options.latencyMs }),
    ...(options.timeScale === undefined ? {} : { timeScale: options.timeScale }),
    parameters,
  });
  write(`AWS emulator listening on ${emulator.endpoint}`);
  write(`  Identity Center instance ${snapshot.instanceArn}, identity store ${snapshot.identityStoreId}`);
  write(
    `  ${snapshot.accounts.length} accounts, ${snapshot.users.length} users, ${snapshot.groups.length} groups, ${parameters.length} parameters`,
  );
  write('Point the AWS SDK or CLI at it with:');
  write(`  export AWS_ENDPOINT_URL=${emulator.endpoint}`);
  write('  export AWS_REGION=us-east-1');
  write('  export AWS_ACCESS_KEY_ID=test');
  write('  export AWS_SECRET_ACCESS_KEY=test');
  write('Press Ctrl+C to stop.');
  const reason = await waitForStop(options.signal);
  await emulator.close();
  write(`AWS emulator stopped (${reason}).`);
};

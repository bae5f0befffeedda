import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { assertIsError } from '../shared/domain/errors.js';
import { parseSnapshot, type Snapshot, SnapshotError } from '../shared/domain/snapshot.js';
import type { CliContext } from './context.js';
import { CliError, CliUsageError } from './errors.js';

const isMissing = (error: Error): boolean => 'code' in error && (error.code === 'ENOENT' || error.code === 'EISDIR');

/**
 * Reads a file named on the command line (relative to the working directory). A file that is not
 * there is a usage error (exit 2), not a content error.
 */
export const readInputFile = async (ctx: Pick<CliContext, 'cwd'>, path: string, what: string): Promise<string> => {
  try {
    return await readFile(resolve(ctx.cwd, path), 'utf8');
  } catch (error) {
    assertIsError(error);
    if (isMissing(error))
      throw new CliUsageError(`${what} ${path} does not exist (or is a directory)`, { cause: error });
    throw new CliUsageError(`cannot read ${what} ${path}: ${error.message}`, { cause: error });
  }
};

export const writeOutputFile = async (ctx: Pick<CliContext, 'cwd'>, path: string, text: string): Promise<void> => {
  try {
    await writeFile(resolve(ctx.cwd, path), text, 'utf8');
  } catch (error) {
    assertIsError(error);
    throw new CliError(`cannot write ${path}: ${error.message}`, { cause: error });
  }
};

/** Reads and validates a snapshot file; every content problem names the file. */
export const readSnapshotFile = async (ctx: Pick<CliContext, 'cwd'>, path: string): Promise<Snapshot> => {
  const text = await readInputFile(ctx, path, 'snapshot file');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    assertIsError(error);
    throw new CliError(`Invalid snapshot ${path}: not valid JSON (${error.message})`, { cause: error });
  }
  try {
    return parseSnapshot(value, path);
  } catch (error) {
    assertIsError(error);
    if (error instanceof SnapshotError) throw new CliError(error.message, { cause: error });
    throw error;
  }
};

/** A snapshot as the file format stores it: two-space JSON with a final newline. */
export const formatSnapshot = (snapshot: Snapshot): string => `${JSON.stringify(snapshot, null, 2)}\n`;

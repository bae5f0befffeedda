import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { EmulatorOptions } from '../commands/emulator.js';
import type { CommandContext } from '../context.js';
import { CliUsageError, EXIT_OK } from '../errors.js';
import { readSnapshotFile } from '../files.js';
import { loadRulesFiles } from '../rules-files.js';

/**
 * Starts the local emulator seeded from a snapshot, and optionally with rules files as SSM
 * parameters (`<rules-path><file name without extension>`, as `publish` names them). Both are
 * validated first so that a typo fails here and not on the first request. Runs until Ctrl+C.
 */
export const emulator = async (ctx: CommandContext, options: EmulatorOptions): Promise<number> => {
  await readSnapshotFile(ctx, options.snapshot);
  let parametersDir: string | undefined;
  try {
    if (options.rules !== undefined) {
      const { sources } = await loadRulesFiles(ctx, options.rules);
      // The emulator seeds a directory; a private copy holds exactly the files named here.
      parametersDir = await mkdtemp(join(tmpdir(), 'idc-lifecycle-rules-'));
      const names = new Set<string>();
      for (const source of sources) {
        const name = basename(source.name);
        if (names.has(name)) throw new CliUsageError(`two rules files are named ${name}; their parameters would clash`);
        names.add(name);
        await writeFile(join(parametersDir, name), source.text, 'utf8');
      }
    }
    // Loaded on demand so that the other verbs do not pay for the emulator's start-up.
    const { runEmulatorCommand } = await import('../../emulator/cli.js');
    await runEmulatorCommand({
      snapshotPath: resolve(ctx.cwd, options.snapshot),
      port: options.port,
      ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }),
      ...(options.timeScale === undefined ? {} : { timeScale: options.timeScale }),
      ...(parametersDir === undefined ? {} : { parametersDir, parametersPath: options.rulesPath }),
      ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
      write: (line) => ctx.stdout.write(`${line}\n`),
    });
  } finally {
    if (parametersDir !== undefined) await rm(parametersDir, { recursive: true, force: true });
  }
  return EXIT_OK;
};

import { execFile } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { packAndInstall, REPOSITORY } from '../scripts/packed-cli.js';
import { percentile } from './cold-start.js';

/**
 * CLI start-up benchmark: `idc-lifecycle --version` from a tarball installed as a user installs
 * it (`npm pack`, then `npm install` of the tarball into an empty folder), against a bare
 * `node -e 0` timed in the same run, the two taking turns so that load on the machine falls on
 * both. Target: the CLI starts in no more than three times what Node alone takes. For scale, the
 * same command from the sources through tsx (how the binary ran before it was compiled).
 *
 * Run directly with `npx tsx bench/cli-start.ts`.
 */

export const CLI_START_TARGET_RATIO = 3;

export interface CliStartResult {
  readonly runs: number;
  /** Wall-clock ms from spawn to exit of `node -e 0`. */
  readonly nodeMsMedian: number;
  /** Wall-clock ms from spawn to exit of the installed `node_modules/.bin/idc-lifecycle --version`. */
  readonly cliMsMedian: number;
  readonly cliMsP90: number;
  /** `cliMsMedian / nodeMsMedian`; the target is at most {@link CLI_START_TARGET_RATIO}. */
  readonly ratio: number;
  /** `tsx cli/bin.ts --version` from the repository (fewer runs): the uncompiled way. */
  readonly sourcesMsMedian: number;
  readonly packSeconds: number;
  readonly installSeconds: number;
  /** Files in the tarball. */
  readonly tarballFiles: number;
}

const execFileAsync = promisify(execFile);

const timeOnce = async (file: string, args: readonly string[], cwd: string): Promise<number> => {
  const start = performance.now();
  await execFileAsync(file, args, { cwd, timeout: 60_000 });
  return performance.now() - start;
};

const round = (ms: number): number => Math.round(ms * 10) / 10;

export async function benchCliStart(options: { readonly runs?: number } = {}): Promise<CliStartResult> {
  const runs = options.runs ?? 15;
  const installed = await packAndInstall();
  try {
    const node = (): Promise<number> => timeOnce(process.execPath, ['-e', '0'], installed.dir);
    const cli = (): Promise<number> => timeOnce(installed.bin, ['--version'], installed.dir);
    // One discarded run of each warms the file cache.
    await node();
    await cli();
    const nodeTimes: number[] = [];
    const cliTimes: number[] = [];
    for (let run = 0; run < runs; run++) {
      nodeTimes.push(await node());
      cliTimes.push(await cli());
    }
    const tsx = (): Promise<number> =>
      timeOnce(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'cli/bin.ts', '--version'], REPOSITORY);
    await tsx();
    const sourceTimes: number[] = [];
    for (let run = 0; run < Math.min(runs, 5); run++) sourceTimes.push(await tsx());

    const nodeMsMedian = percentile(nodeTimes, 50);
    const cliMsMedian = percentile(cliTimes, 50);
    return {
      runs,
      nodeMsMedian: round(nodeMsMedian),
      cliMsMedian: round(cliMsMedian),
      cliMsP90: round(percentile(cliTimes, 90)),
      ratio: Math.round((cliMsMedian / nodeMsMedian) * 100) / 100,
      sourcesMsMedian: round(percentile(sourceTimes, 50)),
      packSeconds: installed.packSeconds,
      installSeconds: installed.installSeconds,
      tarballFiles: installed.files.length,
    };
  } finally {
    await installed.remove();
  }
}

/** The result as a text table, marked against the target. */
export const formatCliStartTable = (r: CliStartResult): string => {
  const rows: [string, string][] = [
    ['node -e 0', `${r.nodeMsMedian.toFixed(1)} ms`],
    ['idc-lifecycle --version (installed tarball)', `${r.cliMsMedian.toFixed(1)} ms (p90 ${r.cliMsP90.toFixed(1)})`],
    [
      'ratio',
      `${r.ratio.toFixed(2)} × node (target ≤ ${CLI_START_TARGET_RATIO}: ${r.ratio <= CLI_START_TARGET_RATIO ? 'met' : 'MISSED'})`,
    ],
    ['for scale: tsx cli/bin.ts --version (sources)', `${r.sourcesMsMedian.toFixed(1)} ms`],
    ['npm pack / npm install of the tarball', `${r.packSeconds} s / ${r.installSeconds} s (${r.tarballFiles} files)`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return [
    `median of ${r.runs} runs, wall clock from spawn to exit`,
    ...rows.map(([n, v]) => `${n.padEnd(width)}  ${v}`),
  ].join('\n');
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(formatCliStartTable(await benchCliStart()));
  console.log(`load average (1 min) at the end: ${loadavg()[0]?.toFixed(2)} on ${availableParallelism()} CPUs`);
}

import type { RunRecord } from '../../shared/domain/runs/run.js';
import type { RunsOptions } from '../commands/runs.js';
import type { CommandContext } from '../context.js';
import { CliUsageError, EXIT_FAILURE, EXIT_OK } from '../errors.js';

const target = (options: { region?: string; endpointUrl?: string }) => ({
  ...(options.region === undefined ? {} : { region: options.region }),
  ...(options.endpointUrl === undefined ? {} : { endpoint: options.endpointUrl }),
});

const countsText = (run: RunRecord): string => {
  const c = run.counts;
  if (c === undefined)
    return run.read === undefined ? '' : `reading ${run.read.accounts} accounts in ${run.read.parts} parts`;
  return `+${c.create} -${c.delete} members +${c.membershipAdd} -${c.membershipRemove} held ${c.held} errors ${c.errors} items ${c.items}`;
};

const noteText = (run: RunRecord): string =>
  [
    run.approves === undefined ? '' : `approves ${run.approves} (by ${run.approvedBy ?? '?'}, guard bypassed)`,
    run.approvedIn === undefined ? '' : `approved in ${run.approvedIn}`,
    run.mode === 'report' ? 'report mode' : '',
  ]
    .filter((s) => s !== '')
    .join('; ');

/**
 * Lists recent runs with their status and counts, or shows one run in full (its held changes
 * included) when given its id.
 */
export const runsCommandAction = async (
  ctx: CommandContext,
  runId: string | undefined,
  options: RunsOptions,
): Promise<number> => {
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new CliUsageError('--limit must be 1 to 100');
  const store = ctx.aws.runs(target(options), options.table);
  if (runId !== undefined) {
    const run = await store.getRun(runId);
    if (run === undefined) {
      ctx.stderr.write(`${ctx.err.red(`error: no run ${runId} in ${options.table}`)}\n`);
      return EXIT_FAILURE;
    }
    ctx.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
    return EXIT_OK;
  }
  const runs = await store.listRuns(limit);
  if (options.format === 'json') {
    ctx.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
    return EXIT_OK;
  }
  if (runs.length === 0) {
    ctx.stdout.write('No runs yet.\n');
    return EXIT_OK;
  }
  for (const run of runs) {
    const status = run.status === 'blocked' ? ctx.out.yellow(run.status) : run.status;
    const line = [new Date(run.startedAt).toISOString(), run.runId, run.trigger, status, countsText(run), noteText(run)]
      .filter((s) => s !== '')
      .join('  ');
    ctx.stdout.write(`${line}\n`);
  }
  return EXIT_OK;
};

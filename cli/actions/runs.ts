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
  if (c === undefined) return run.read === undefined ? '' : `read ${run.read.accounts}/${run.read.of} accounts`;
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

import { APPROVAL_DETAIL_TYPE, APPROVAL_SOURCE } from '../../shared/events/approval.js';
import type { ApproveOptions } from '../commands/approve.js';
import type { CommandContext } from '../context.js';
import { EXIT_FAILURE, EXIT_OK } from '../errors.js';

/**
 * Approves a blocked run: checks that the run is blocked, then puts the "Run Approval" event on the
 * lifecycle bus. The fan-out releases the held revocations; each is re-checked live before it is
 * applied. Putting the event needs the stack's approver permission (docs/deployment.md).
 */
export const approveCommandAction = async (
  ctx: CommandContext,
  runId: string,
  options: ApproveOptions,
): Promise<number> => {
  const target = {
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpointUrl === undefined ? {} : { endpoint: options.endpointUrl }),
  };
  const run = await ctx.aws.runs(target, options.table).getRun(runId);
  if (run === undefined || run.status !== 'blocked') {
    const why = run === undefined ? `no run ${runId}` : `run ${runId} is ${run.status}, not blocked`;
    ctx.stderr.write(`${ctx.err.red(`error: ${why}; nothing to approve`)}\n`);
    return EXIT_FAILURE;
  }
  const eventId = await ctx.aws.putEvent(target, {
    eventBusName: options.eventBus,
    source: APPROVAL_SOURCE,
    detailType: APPROVAL_DETAIL_TYPE,
    detail: JSON.stringify({ runId, approvedBy: options.by }),
  });
  const held = run.counts?.held ?? 0;
  ctx.stdout.write(
    `Approval ${eventId} sent for ${runId}: ${held} held revocation(s) will be re-checked and applied.\n`,
  );
  return EXIT_OK;
};

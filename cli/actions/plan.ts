import { evaluate } from '../../shared/domain/evaluate.js';
import { plan as computePlan, countOrganizationTotals } from '../../shared/domain/plan.js';
import type { Plan } from '../../shared/domain/plan-types.js';
import { planOrganizationRun } from '../../shared/domain/runs/organization-run.js';
import { type Snapshot, snapshotAssignments, snapshotView } from '../../shared/domain/snapshot.js';
import { evaluationTime } from '../command.js';
import type { PlanOptions } from '../commands/plan.js';
import type { CommandContext } from '../context.js';
import { CliUsageError, EXIT_FAILURE, EXIT_OK } from '../errors.js';
import { readSnapshotFile } from '../files.js';
import { exportLiveSnapshot, type LiveCommandOptions } from '../live-snapshot.js';
import { formatPlanTable, planJson } from '../plan-format.js';
import { loadRulesFiles } from '../rules-files.js';

/** Where an organization comes from: a snapshot file, or a read-only live export. */
export type OrganizationSource = Pick<PlanOptions, 'snapshot' | 'live'> & LiveCommandOptions;

export const loadOrganization = async (ctx: CommandContext, options: OrganizationSource): Promise<Snapshot> => {
  if ((options.snapshot === undefined) === (options.live !== true)) {
    throw new CliUsageError('give exactly one of --snapshot <file> and --live');
  }
  if (options.snapshot !== undefined) return readSnapshotFile(ctx, options.snapshot);
  return exportLiveSnapshot(ctx, options);
};

/**
 * Computes what reconciliation would change, without changing anything. Exit 1 when a rule has an
 * unresolved reference: the plan is still printed, but rules that do not resolve against the
 * organization are a defect that CI should stop.
 */
export const planCommandAction = async (ctx: CommandContext, options: PlanOptions): Promise<number> => {
  if ((options.snapshot === undefined) === (options.live !== true)) {
    throw new CliUsageError('give exactly one of --snapshot <file> and --live');
  }
  const { ruleSet } = await loadRulesFiles(ctx, options.rules);
  const snapshot = await loadOrganization(ctx, options);
  const view = snapshotView(snapshot);
  const known = new Set(snapshot.accounts.map((a) => a.id));
  const unknown = (options.account ?? []).filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new CliUsageError(`--account ${unknown.join(', ')}: no such account in the organization`);
  }
  const actualAssignments = snapshotAssignments(snapshot);
  const actualMemberships = snapshot.groupMemberships;
  const now = evaluationTime(ctx, options.at);
  // Without --account this is exactly the organization-wide run the deployed fan-out plans; with
  // it, the reconcile an event about those accounts runs, guarded against the organization's totals.
  const result: Plan =
    options.account === undefined
      ? planOrganizationRun({ ruleSet, view, actualAssignments, actualMemberships, now }).plan
      : computePlan({
          ruleSet,
          view,
          actualAssignments,
          actualMemberships,
          accountIds: new Set(options.account),
          organizationTotals: countOrganizationTotals(
            evaluate(ruleSet, view, { now }),
            actualAssignments,
            actualMemberships,
          ),
          now,
        });
  if (options.format === 'json') {
    ctx.stdout.write(`${JSON.stringify(planJson(result), null, 2)}\n`);
  } else {
    ctx.stdout.write(formatPlanTable(result, view, ctx.out));
  }
  if (result.errors.length > 0) {
    const n = result.errors.length;
    ctx.stderr.write(`${ctx.err.red(`error: ${n} ${n === 1 ? 'rule has' : 'rules have'} unresolved references`)}\n`);
    return EXIT_FAILURE;
  }
  return EXIT_OK;
};

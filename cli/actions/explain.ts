import { assertIsError } from '../../shared/domain/errors.js';
import {
  type ExplainedAssignment,
  type ExplainQuery,
  ExplainQueryError,
  type Explanation,
  explain,
} from '../../shared/domain/explain.js';
import { snapshotAssignments, snapshotView } from '../../shared/domain/snapshot.js';
import { evaluationTime } from '../command.js';
import type { ExplainOptions } from '../commands/explain.js';
import type { Colors, CommandContext } from '../context.js';
import { CliUsageError, EXIT_FAILURE, EXIT_OK } from '../errors.js';
import { loadRulesFiles } from '../rules-files.js';
import { loadOrganization } from './plan.js';

const queryOf = (options: ExplainOptions): ExplainQuery => {
  const given = [options.user, options.group, options.account].filter((v) => v !== undefined);
  if (given.length !== 1) throw new CliUsageError('give exactly one of --user, --group and --account');
  if (options.user !== undefined) return { kind: 'user', userName: options.user };
  if (options.group !== undefined) return { kind: 'group', displayName: options.group };
  return { kind: 'account', accountId: options.account as string };
};

/** The JSON contract of `explain --format json`, with exactly these keys in this order. */
export const explanationJson = (explanation: Explanation) => ({
  assignments: explanation.assignments.map((a) => ({
    accountId: a.accountId,
    accountName: a.accountName,
    permissionSetName: a.permissionSetName,
    principalType: a.principalType,
    principalName: a.principalName,
    via: a.via,
    status: a.status,
    ruleIds: [...a.ruleIds],
    exists: a.exists,
  })),
  errors: explanation.errors.map((e) => ({ ruleId: e.ruleId, message: e.message })),
});

const STATUS_TEXT: Record<ExplainedAssignment['status'], string> = {
  wanted: 'wanted',
  drift: 'drift (no rule wants it: it would be revoked)',
  unmanaged: 'unmanaged (outside the scope of authority)',
  protected: 'protected (never changed)',
};

const colourStatus = (c: Colors, a: ExplainedAssignment): string => {
  const text = a.status === 'wanted' && !a.exists ? 'wanted (not yet granted)' : STATUS_TEXT[a.status];
  if (a.status === 'drift') return c.red(text);
  if (a.status === 'wanted') return c.green(text);
  return c.dim(text);
};

/** One block per assignment, so that long names and rule lists stay readable in a terminal. */
export const formatExplanationTable = (explanation: Explanation, c: Colors): string => {
  if (explanation.assignments.length === 0) return 'No assignments.\n';
  const lines: string[] = [];
  for (const a of explanation.assignments) {
    lines.push(`${c.bold(`${a.accountName} (${a.accountId})`)}  ${a.permissionSetName}`);
    lines.push(a.via === null ? `  principal: ${a.principalType} ${a.principalName}` : `  via group: ${a.via}`);
    lines.push(`  status:    ${colourStatus(c, a)}`);
    if (a.ruleIds.length > 0) lines.push(`  rules:     ${a.ruleIds.join(', ')}`);
  }
  const count = (status: ExplainedAssignment['status']) =>
    explanation.assignments.filter((a) => a.status === status).length;
  lines.push(
    '',
    `${explanation.assignments.length} assignments: ${count('wanted')} wanted, ${count('drift')} drift, ${count('unmanaged')} unmanaged, ${count('protected')} protected.`,
  );
  return `${lines.join('\n')}\n`;
};

/**
 * Answers "why does alice have AdministratorAccess on payments-prod?". Exit 1 when a rule has an
 * unresolved reference, as `plan` does: the answer may then miss what that rule would grant.
 */
export const explainCommandAction = async (ctx: CommandContext, options: ExplainOptions): Promise<number> => {
  const query = queryOf(options);
  const { ruleSet } = await loadRulesFiles(ctx, options.rules);
  const snapshot = await loadOrganization(ctx, options);
  let explanation: Explanation;
  try {
    explanation = explain({
      ruleSet,
      view: snapshotView(snapshot),
      actualAssignments: snapshotAssignments(snapshot),
      query,
      now: evaluationTime(ctx, options.at),
    });
  } catch (error) {
    assertIsError(error);
    if (error instanceof ExplainQueryError) throw new CliUsageError(error.message, { cause: error });
    throw error;
  }
  if (options.format === 'json') ctx.stdout.write(`${JSON.stringify(explanationJson(explanation), null, 2)}\n`);
  else ctx.stdout.write(formatExplanationTable(explanation, ctx.out));
  if (explanation.errors.length > 0) {
    for (const e of explanation.errors) ctx.stderr.write(`${ctx.err.red(`error: ${e.ruleId}: ${e.message}`)}\n`);
    return EXIT_FAILURE;
  }
  return EXIT_OK;
};

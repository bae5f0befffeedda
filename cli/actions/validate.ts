import { endedRules } from '../../shared/domain/rule-window.js';
import { loadRuleSet } from '../../shared/domain/rules/load.js';
import type { CommandContext } from '../context.js';
import { EXIT_FAILURE, EXIT_OK } from '../errors.js';
import { readRulesFiles, writeIssues } from '../rules-files.js';

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** Validates every file together, as the worker would merge them: duplicates across files count. */
export const validate = async (ctx: CommandContext, files: readonly string[]): Promise<number> => {
  const sources = await readRulesFiles(ctx, files);
  const result = loadRuleSet(sources);
  if (!result.ok) {
    writeIssues(ctx.stdout, ctx.out, result.issues);
    return EXIT_FAILURE;
  }
  const { ruleSet } = result;
  // An ended window is not an error: the rule is simply silent, but it is worth cleaning up.
  for (const rule of endedRules(ruleSet, (ctx.now ?? Date.now)())) {
    ctx.stdout.write(
      `${ctx.out.yellow(`${ruleSet.sources[rule.id]}: warning: rule "${rule.id}" ended at ${rule.validUntil}; it grants nothing and can be removed`)}\n`,
    );
  }
  ctx.stdout.write(
    `${ctx.out.green(
      `${plural(sources.length, 'document', 'documents')}, ${plural(ruleSet.assignments.length, 'assignment rule', 'assignment rules')}, ` +
        `${plural(ruleSet.memberships.length, 'membership rule', 'membership rules')}: valid`,
    )}\n`,
  );
  return EXIT_OK;
};

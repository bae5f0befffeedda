import { loadRuleSet, type RulesIssue } from '../shared/domain/rules/load.js';
import type { RuleSet } from '../shared/domain/rules/schema.js';
import type { CliContext, Colors, OutputStream } from './context.js';
import { CliError, CliUsageError } from './errors.js';
import { readInputFile } from './files.js';

export interface RulesSource {
  /** The path as given on the command line; issues are reported against it. */
  readonly name: string;
  readonly text: string;
}

export const readRulesFiles = async (
  ctx: Pick<CliContext, 'cwd'>,
  files: readonly string[],
): Promise<RulesSource[]> => {
  if (files.length === 0) throw new CliUsageError('no rules files given');
  const seen = new Set<string>();
  const sources: RulesSource[] = [];
  for (const file of files) {
    if (seen.has(file)) throw new CliUsageError(`rules file ${file} is given twice`);
    seen.add(file);
    sources.push({ name: file, text: await readInputFile(ctx, file, 'rules file') });
  }
  return sources;
};

/** `<file>:<line>: <path>: <reason>`, leaving out the parts an issue does not have. */
export const formatIssue = (issue: RulesIssue): string => {
  const where = issue.line === undefined ? issue.document : `${issue.document}:${issue.line}`;
  return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
};

export const writeIssues = (stream: OutputStream, colors: Colors, issues: readonly RulesIssue[]): void => {
  for (const issue of issues) stream.write(`${colors.red(formatIssue(issue))}\n`);
};

/**
 * Reads and validates rules files as one rule set. Issues go to stderr and end the command with
 * exit 1, because invalid rules must never be planned or published.
 */
export const loadRulesFiles = async (
  ctx: Pick<CliContext, 'cwd' | 'stderr'> & { readonly err: Colors },
  files: readonly string[],
): Promise<{ readonly ruleSet: RuleSet; readonly sources: readonly RulesSource[] }> => {
  const sources = await readRulesFiles(ctx, files);
  const result = loadRuleSet(sources.map((s) => ({ name: s.name, text: s.text })));
  if (!result.ok) {
    writeIssues(ctx.stderr, ctx.err, result.issues);
    const count = result.issues.length;
    throw new CliError(`the rules are invalid (${count} ${count === 1 ? 'issue' : 'issues'})`);
  }
  return { ruleSet: result.ruleSet, sources };
};

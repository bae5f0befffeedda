import { PROTOTYPE_KEY_PROBLEM, prototypeKeyPaths } from '../prototype-keys.js';
import { describeZodIssues, formatPath } from './issue-messages.js';
import {
  type AssignmentRule,
  type MembershipRule,
  type PrincipalRef,
  type RuleSet,
  type RulesDocument,
  rulesDocumentSchema,
  type Settings,
  settingsSchema,
} from './schema.js';
import { parseSourceText, type SourceProblem, type ValuePath } from './source-text.js';

/**
 * Loads rules documents (docs/design.md §3) into one validated {@link RuleSet}. Nothing here throws for a
 * bad document: every problem becomes a {@link RulesIssue}, and all of them are collected, so that
 * one run of `validate` (or one rejected SSM change) lists everything there is to fix. A rule set
 * with any issue is never returned (docs/design.md §4, invariant 2).
 */

/** One rules document: an SSM parameter or a file. */
export interface RulesDocumentSource {
  /** The SSM parameter name or file path; every message about the document names it. */
  readonly name: string;
  readonly text: string;
}

export interface RulesIssue {
  readonly document: string;
  /** `assignments[3].targets.organizationalUnits[0]`; empty for the whole document. */
  readonly path: string;
  /** 1-based, where the text shows it. */
  readonly line?: number;
  readonly message: string;
  /**
   * For an issue between documents (a rule id another document already uses, a second
   * `settings`, a permission set the other document's settings do not manage): the other
   * documents involved, so that a caller can tell who clashes without reading the message.
   */
  readonly conflictsWith?: readonly string[];
}

/** Stands in for a document name when an issue concerns the set of documents as a whole. */
export const RULE_SET_DOCUMENT = '(rule set)';

export type ParseRulesDocumentResult =
  | { readonly ok: true; readonly document: RulesDocument }
  | { readonly ok: false; readonly issues: RulesIssue[] };

export type LoadRuleSetResult =
  | { readonly ok: true; readonly ruleSet: RuleSet }
  | { readonly ok: false; readonly issues: RulesIssue[] };

/** A document that passed the schema, with what is needed to point at its lines later. */
interface CheckedDocument {
  readonly name: string;
  readonly document: RulesDocument;
  readonly issueAt: (path: ValuePath, message: string) => RulesIssue;
  readonly lineOf: (path: ValuePath) => number | undefined;
}

interface DocumentAnalysis {
  readonly issues: RulesIssue[];
  readonly checked?: CheckedDocument;
}

/**
 * Parses and validates one document on its own: syntax (YAML or JSON), size, and the schema.
 * Checks that need every document (unique ids, one `settings`, managed and protected names) are
 * made by {@link loadRuleSet}.
 *
 * @example
 * const result = parseRulesDocument({ name: '/idc-lifecycle/rules/platform', text: 'version: 1\n' });
 * if (!result.ok) console.error(formatIssues(result.issues));
 */
export function parseRulesDocument(source: RulesDocumentSource): ParseRulesDocumentResult {
  const { issues, checked } = analyseDocument(source);
  return checked !== undefined && issues.length === 0
    ? { ok: true, document: checked.document }
    : { ok: false, issues };
}

/**
 * Merges several documents into one rule set: ids unique across documents, at most one document
 * with `settings`, defaults applied, and no rule granting an unmanaged or protected permission set
 * or naming a protected principal. Zero documents is an issue, never an empty rule set.
 *
 * @example
 * const result = loadRuleSet([
 *   { name: '/idc-lifecycle/rules/settings', text: settingsYaml },
 *   { name: '/idc-lifecycle/rules/workloads', text: workloadsYaml },
 * ]);
 * if (result.ok) plan(result.ruleSet);
 * else throw new RulesValidationError(result.issues);
 */
export function loadRuleSet(sources: readonly RulesDocumentSource[]): LoadRuleSetResult {
  if (sources.length === 0) {
    return {
      ok: false,
      issues: [
        {
          document: RULE_SET_DOCUMENT,
          path: '',
          message: "no rules documents: refusing to treat an empty rule set as 'revoke everything'",
        },
      ],
    };
  }

  const issues: RulesIssue[] = [];
  const checked: CheckedDocument[] = [];
  const seenNames = new Set<string>();
  for (const source of sources) {
    if (seenNames.has(source.name)) {
      issues.push({
        document: source.name,
        path: '',
        message: 'this document is given twice; each document must have its own name',
      });
      continue;
    }
    seenNames.add(source.name);
    const analysis = analyseDocument(source);
    issues.push(...analysis.issues);
    if (analysis.checked !== undefined && analysis.issues.length === 0) checked.push(analysis.checked);
  }
  const allValid = checked.length === sources.length;

  const sourcesById = checkUniqueIds(checked, issues);
  const settingsDocument = pickSettingsDocument(checked, issues);
  // Which permission sets are managed or protected is only known when the one settings document
  // is valid; without it the checks below would report guesses.
  const settingsKnown = allValid || settingsDocument !== undefined;
  const settings = applySettingsDefaults(settingsDocument?.document.settings);
  if (settingsKnown) issues.push(...checkAuthority(checked, settings, settingsDocument));

  const assignments = checked.flatMap((doc) => doc.document.assignments ?? []);
  const memberships = checked.flatMap((doc) => doc.document.memberships ?? []);
  if (allValid && assignments.length === 0 && memberships.length === 0) {
    issues.push({
      document: RULE_SET_DOCUMENT,
      path: '',
      message:
        "the documents hold no assignments and no memberships: refusing to treat an empty rule set as 'revoke everything'",
    });
  }

  if (issues.length > 0 || !allValid) return { ok: false, issues: inReadingOrder(issues, sources) };
  return { ok: true, ruleSet: { settings, assignments, memberships, sources: sourcesById } };
}

/** `<document>:<line>: <path>: <message>`, one line per issue, leaving out a missing line or path. */
export function formatIssues(issues: readonly RulesIssue[]): string {
  return issues
    .map((issue) => {
      const where = issue.line === undefined ? issue.document : `${issue.document}:${issue.line}`;
      return issue.path === '' ? `${where}: ${issue.message}` : `${where}: ${issue.path}: ${issue.message}`;
    })
    .join('\n');
}

function analyseDocument(source: RulesDocumentSource): DocumentAnalysis {
  const text = parseSourceText(source.text);
  const toIssue = (problem: SourceProblem): RulesIssue => ({
    document: source.name,
    path: formatPath(problem.path),
    ...(problem.line === undefined ? {} : { line: problem.line }),
    message: problem.message,
  });
  const issues = text.problems.map(toIssue);
  if (!text.parsed) return { issues };

  // On the parsed text, before the schema, which would drop the key without a word.
  const refused: SourceProblem[] = prototypeKeyPaths(text.value).map((path) => ({
    path,
    line: text.lineOf(path),
    message: PROTOTYPE_KEY_PROBLEM,
  }));
  const result = rulesDocumentSchema.safeParse(text.value);
  if (!result.success || refused.length > 0) {
    const problems = result.success
      ? []
      : describeZodIssues(rulesDocumentSchema, result.error.issues, {
          input: text.value,
          lineOf: text.lineOf,
          scalarTextAt: text.scalarTextAt,
        });
    // zod calls a `__proto__` key of a strict object unknown, and a selector left without keys
    // once it is dropped empty; the refusal alone says what is wrong in both places.
    const refusedAt = new Set(
      refused.flatMap((problem) => [formatPath(problem.path), formatPath(problem.path.slice(0, -1))]),
    );
    const others = problems.filter((problem) => !refusedAt.has(formatPath(problem.path)));
    issues.push(...sortByLine([...refused, ...others]).map(toIssue));
    return { issues };
  }
  return {
    issues,
    checked: {
      name: source.name,
      document: result.data,
      issueAt: (path, message) => toIssue({ path, line: text.lineOf(path), message }),
      lineOf: text.lineOf,
    },
  };
}

/** Document by document, in the order given, then line by line, so a reader can fix top-down. */
function inReadingOrder(issues: readonly RulesIssue[], sources: readonly RulesDocumentSource[]): RulesIssue[] {
  const order = new Map<string, number>();
  sources.forEach((source, index) => {
    if (!order.has(source.name)) order.set(source.name, index);
  });
  const rank = (issue: RulesIssue): number => order.get(issue.document) ?? sources.length;
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort(
      (a, b) =>
        rank(a.issue) - rank(b.issue) ||
        (a.issue.line ?? Number.MAX_SAFE_INTEGER) - (b.issue.line ?? Number.MAX_SAFE_INTEGER) ||
        a.index - b.index,
    )
    .map(({ issue }) => issue);
}

function sortByLine(problems: readonly SourceProblem[]): SourceProblem[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => {
      const byLine = (a.problem.line ?? Number.MAX_SAFE_INTEGER) - (b.problem.line ?? Number.MAX_SAFE_INTEGER);
      return byLine !== 0 ? byLine : a.index - b.index;
    })
    .map(({ problem }) => problem);
}

/** Assignments and memberships share one id space, across every document. */
function checkUniqueIds(documents: readonly CheckedDocument[], issues: RulesIssue[]): Record<string, string> {
  const firstSeen = new Map<string, { document: CheckedDocument; path: ValuePath }>();
  const sourcesById: Record<string, string> = {};
  for (const doc of documents) {
    const rules: { path: ValuePath; id: string }[] = [
      ...(doc.document.assignments ?? []).map((rule, i) => ({ path: ['assignments', i, 'id'], id: rule.id })),
      ...(doc.document.memberships ?? []).map((rule, i) => ({ path: ['memberships', i, 'id'], id: rule.id })),
    ];
    for (const { path, id } of rules) {
      const first = firstSeen.get(id);
      if (first === undefined) {
        firstSeen.set(id, { document: doc, path });
        sourcesById[id] = doc.name;
        continue;
      }
      const firstLine = first.document.lineOf(first.path);
      const firstWhere = `${first.document.name}${firstLine === undefined ? '' : `:${firstLine}`} (${formatPath(first.path)})`;
      issues.push(
        clashWith(
          doc.issueAt(
            path,
            `rule id "${id}" is already used in ${firstWhere}: ids must be unique across all rules documents, assignments and memberships alike`,
          ),
          first.document.name,
        ),
      );
    }
  }
  return sourcesById;
}

function pickSettingsDocument(
  documents: readonly CheckedDocument[],
  issues: RulesIssue[],
): CheckedDocument | undefined {
  const holders = documents.filter((doc) => doc.document.settings !== undefined);
  const [first, ...others] = holders;
  for (const other of others) {
    issues.push(
      clashWith(
        other.issueAt(
          ['settings'],
          `settings are already given in ${first?.name}: only one rules document may hold settings; merge them into one`,
        ),
        first?.name,
      ),
    );
  }
  return others.length === 0 ? first : undefined;
}

export function applySettingsDefaults(input: RulesDocument['settings']): Settings {
  const parsed = input ?? settingsSchema.parse({});
  const maxFraction = parsed.revocationGuard?.maxFraction;
  return {
    managedPermissionSets: parsed.managedPermissionSets,
    protected: {
      permissionSets: parsed.protected?.permissionSets ?? [],
      principals: parsed.protected?.principals ?? [],
      accounts: parsed.protected?.accounts ?? [],
    },
    revocationGuard: {
      maxPerRun: parsed.revocationGuard?.maxPerRun ?? 100,
      ...(maxFraction === undefined ? {} : { maxFraction }),
    },
    mode: parsed.mode,
    offboarding: {
      onUserDisabled: parsed.offboarding?.onUserDisabled ?? true,
      removeGroupMemberships: parsed.offboarding?.removeGroupMemberships ?? true,
    },
    includeManagementAccount: parsed.includeManagementAccount,
  };
}

/**
 * The scope of authority (docs/design.md §3): rules may only grant managed permission sets, never a
 * protected one, and never name a protected principal.
 */
function checkAuthority(
  documents: readonly CheckedDocument[],
  settings: Settings,
  settingsDocument: CheckedDocument | undefined,
): RulesIssue[] {
  const issues: RulesIssue[] = [];
  const settingsIn = settingsDocument === undefined ? '' : ` (settings in ${settingsDocument.name})`;
  const managedList = settings.managedPermissionSets === 'all' ? undefined : settings.managedPermissionSets;
  const managed = managedList === undefined ? undefined : new Set(managedList);
  const protectedSets = new Set(settings.protected.permissionSets);
  const protectedGroups = new Set(settings.protected.principals.flatMap((p) => ('group' in p ? [p.group] : [])));
  const protectedUsers = new Set(settings.protected.principals.flatMap((p) => ('user' in p ? [p.user] : [])));

  if (settingsDocument !== undefined) {
    managedList?.forEach((name, i) => {
      if (protectedSets.has(name)) {
        issues.push(
          settingsDocument.issueAt(
            ['settings', 'managedPermissionSets', i],
            `permission set "${name}" is both managed and protected: remove it from one of the two lists`,
          ),
        );
      }
    });
  }

  for (const doc of documents) {
    const settingsElsewhere =
      settingsDocument !== undefined && settingsDocument !== doc ? settingsDocument.name : undefined;
    const issueAt = (path: ValuePath, message: string) => clashWith(doc.issueAt(path, message), settingsElsewhere);
    (doc.document.assignments ?? []).forEach((rule: AssignmentRule, r) => {
      rule.permissionSets.forEach((name, p) => {
        const path = ['assignments', r, 'permissionSets', p];
        if (protectedSets.has(name)) {
          issues.push(
            issueAt(
              path,
              `permission set "${name}" is protected${settingsIn}: rules never grant or revoke it; remove it from this rule`,
            ),
          );
        } else if (managed !== undefined && !managed.has(name)) {
          issues.push(
            issueAt(
              path,
              `permission set "${name}" is not managed: add it to settings.managedPermissionSets${settingsIn} or remove it from this rule`,
            ),
          );
        }
      });
      rule.principals.forEach((principal: PrincipalRef, p) => {
        const named = protectedName(principal, protectedGroups, protectedUsers);
        if (named !== undefined) {
          issues.push(
            issueAt(
              ['assignments', r, 'principals', p],
              `${named} is a protected principal${settingsIn}: rules never grant or revoke its access; remove it from this rule`,
            ),
          );
        }
      });
    });
    (doc.document.memberships ?? []).forEach((rule: MembershipRule, r) => {
      rule.groups.forEach((group, g) => {
        if (protectedGroups.has(group)) {
          issues.push(
            issueAt(
              ['memberships', r, 'groups', g],
              `group "${group}" is a protected principal${settingsIn}: membership rules never change its members; remove it from this rule`,
            ),
          );
        }
      });
    });
  }
  return issues;
}

/** Marks an issue as a clash with another document, when there is one. */
const clashWith = (issue: RulesIssue, other: string | undefined): RulesIssue =>
  other === undefined || other === issue.document ? issue : { ...issue, conflictsWith: [other] };

function protectedName(
  principal: PrincipalRef,
  groups: ReadonlySet<string>,
  users: ReadonlySet<string>,
): string | undefined {
  if ('group' in principal && groups.has(principal.group)) return `group "${principal.group}"`;
  if ('user' in principal && users.has(principal.user)) return `user "${principal.user}"`;
  return undefined;
}

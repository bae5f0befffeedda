import { RulesUnavailableError, RulesValidationError } from '../errors.js';
import type { RulesLoadResult, RulesRejection } from '../ports.js';
import type { RulesDocumentSource, RulesIssue } from './load.js';
import type { RuleSet } from './schema.js';

/**
 * Which version of each stored rules document is in force (docs/design.md §4, invariant 2): the
 * policy that turns what a parameter store holds (every document's newest version, and its
 * history on demand) into one valid rule set and the list of what was refused. It lives in the
 * domain so that every store (SSM today) applies the same policy, and it reads the loader's
 * structured issues (`document`, `conflictsWith`), never the wording of a message.
 */

/** Merges and validates a set of documents: `loadRuleSet`. */
export type ValidateRuleSet = (
  sources: RulesDocumentSource[],
) => { readonly ok: true; readonly ruleSet: RuleSet } | { readonly ok: false; readonly issues: readonly RulesIssue[] };

/** Validates one document on its own: `parseRulesDocument`. */
export type CheckRulesDocument = (
  source: RulesDocumentSource,
) => { readonly ok: true } | { readonly ok: false; readonly issues: readonly RulesIssue[] };

/** The newest version of one stored document. */
export interface StoredDocument {
  readonly name: string;
  readonly text: string;
  readonly version: number;
  /** When it last changed (ms since the epoch), to find the newest change when documents clash. */
  readonly modified?: number;
}

/** One earlier version of a stored document. */
export interface StoredVersion {
  readonly version: number;
  readonly text: string;
}

export interface ChooseRuleSetDeps {
  readonly validate: ValidateRuleSet;
  readonly checkDocument: CheckRulesDocument;
  /** Every stored version of a document, in any order; read only for documents that need a fallback. */
  readonly history: (name: string) => Promise<readonly StoredVersion[]>;
}

interface Chosen {
  readonly source: RulesDocumentSource;
  /** The version in force; absent when the document is left out. */
  readonly version?: number;
  readonly modified?: number;
}

/** How many times a clash between documents may step one of them back before giving up. */
const MAX_CLASH_FALLBACKS = 20;

const describeIssues = (issues: readonly RulesIssue[]): string => new RulesValidationError(issues).message;

/**
 * Chooses the rule set in force. A document whose newest version is invalid on its own is
 * replaced by its newest valid version and reported as a rejection (with `fallbackVersion`); one
 * with no valid version is left out and reported without one. Documents valid on their own can
 * still clash (a rule id used twice, a second `settings`): the most recently changed document
 * among those an issue names steps back to its previous valid version, or is left out, and the
 * merge is tried again. No document, or none usable, throws {@link RulesUnavailableError}: it is
 * never an empty rule set, so deleting every document can never read as "revoke everything".
 *
 * A rejection does not make the rules safe to revoke with: a document left out no longer grants
 * what it granted. The reconcile holds revocations while any document is rejected.
 *
 * @example
 * const { ruleSet, rejections } = await chooseRuleSet(documents, { validate: loadRuleSet, checkDocument: parseRulesDocument, history });
 */
export const chooseRuleSet = async (
  documents: readonly StoredDocument[],
  deps: ChooseRuleSetDeps,
  where: string,
): Promise<RulesLoadResult> => {
  if (documents.length === 0) {
    throw new RulesUnavailableError(`No rules documents under ${where}; refusing to treat that as an empty rule set`);
  }
  const rejections: RulesRejection[] = [];
  const chosen: Chosen[] = [];
  for (const document of [...documents].sort((a, b) => a.name.localeCompare(b.name))) {
    const source = { name: document.name, text: document.text };
    const modified = document.modified === undefined ? {} : { modified: document.modified };
    const check = deps.checkDocument(source);
    if (check.ok) {
      chosen.push({ source, version: document.version, ...modified });
      continue;
    }
    const fallback = await newestValid(deps, document.name, document.version);
    rejections.push({
      document: document.name,
      message: describeIssues(check.issues),
      ...(fallback === undefined ? {} : { fallbackVersion: fallback.version }),
    });
    chosen.push(fallback === undefined ? { source } : { ...fallback, ...modified });
  }

  let usable = chosen.filter((doc) => doc.version !== undefined);
  for (let attempt = 0; usable.length > 0; attempt++) {
    const merged = deps.validate(usable.map((doc) => doc.source));
    if (merged.ok) return { ruleSet: merged.ruleSet, rejections };
    const culprit = attempt < MAX_CLASH_FALLBACKS ? newestChangeNamed(usable, merged.issues) : undefined;
    if (culprit === undefined) {
      throw new RulesUnavailableError(`The rules documents under ${where} do not form a valid rule set`, {
        cause: new RulesValidationError(merged.issues),
      });
    }
    // The newest change among the documents in the clash is the one refused: it steps back to its
    // previous valid version, or is left out when it has none.
    const previous = await newestValid(deps, culprit.source.name, culprit.version);
    const issues = merged.issues.filter((issue) => issue.document === culprit.source.name);
    rejections.push({
      document: culprit.source.name,
      message: `conflicts with the other rules documents: ${describeIssues(issues.length > 0 ? issues : merged.issues)}`,
      ...(previous === undefined ? {} : { fallbackVersion: previous.version }),
    });
    usable = usable.flatMap((doc) =>
      doc !== culprit ? [doc] : previous === undefined ? [] : [{ ...doc, ...previous }],
    );
  }
  throw new RulesUnavailableError(
    `No valid rules document under ${where}:\n${rejections.map((r) => r.message).join('\n')}`,
  );
};

/**
 * Whether some rules document is left out entirely (rejected with no valid version in force): the
 * rules then lack whatever it held, settings included, so that not even a revocation driven by a
 * fact (a leaver, a closed account) can rely on them.
 */
export const leavesDocumentOut = (rejections: readonly RulesRejection[]): boolean =>
  rejections.some((r) => r.fallbackVersion === undefined);

/** The newest version of a document older than `before` that is valid on its own. */
const newestValid = async (
  deps: ChooseRuleSetDeps,
  name: string,
  before: number | undefined,
): Promise<{ source: RulesDocumentSource; version: number } | undefined> => {
  const older = (await deps.history(name))
    .filter((entry) => before === undefined || entry.version < before)
    .sort((a, b) => b.version - a.version);
  for (const entry of older) {
    const candidate: RulesDocumentSource = { name, text: entry.text };
    if (deps.checkDocument(candidate).ok) return { source: candidate, version: entry.version };
  }
  return undefined;
};

/** Of the documents the issues name (as their document or as the other side of a clash), the one changed last. */
const newestChangeNamed = (documents: readonly Chosen[], issues: readonly RulesIssue[]): Chosen | undefined => {
  const named = new Set(issues.flatMap((issue) => [issue.document, ...(issue.conflictsWith ?? [])]));
  return documents
    .filter((doc) => named.has(doc.source.name))
    .reduce<Chosen | undefined>(
      (latest, doc) => (latest === undefined || (doc.modified ?? 0) > (latest.modified ?? 0) ? doc : latest),
      undefined,
    );
};

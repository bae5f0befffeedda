import {
  GetParameterHistoryCommand,
  GetParametersByPathCommand,
  type Parameter,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { RulesUnavailableError, RulesValidationError } from '../domain/errors.js';
import type { RulesLoadResult, RulesRejection, RulesSourcePort } from '../domain/ports.js';
import type { RulesDocumentSource, RulesIssue } from '../domain/rules/load.js';
import type { RuleSet } from '../domain/rules/schema.js';
import { collectPages } from './paginate.js';

/** Merges and validates a set of documents: `loadRuleSet`, injected by the composition root. */
export type ValidateRuleSet = (
  sources: RulesDocumentSource[],
) => { readonly ok: true; readonly ruleSet: RuleSet } | { readonly ok: false; readonly issues: readonly RulesIssue[] };

/** Validates one document on its own: `parseRulesDocument`. */
export type CheckRulesDocument = (
  source: RulesDocumentSource,
) => { readonly ok: true } | { readonly ok: false; readonly issues: readonly RulesIssue[] };

export interface SsmRulesSourceOptions {
  /** The parameter path that holds the documents, e.g. `/idc-lifecycle/rules/`. */
  readonly path: string;
  readonly validate: ValidateRuleSet;
  readonly checkDocument: CheckRulesDocument;
}

interface ChosenDocument {
  readonly source: RulesDocumentSource;
  /** The parameter version in use; absent when the document is left out. */
  readonly version?: number;
  /** When the parameter last changed (ms), to find the newest change when documents clash. */
  readonly modified?: number;
  readonly rejection?: RulesRejection;
}

/** How many times a clash between documents may step one of them back before giving up. */
const MAX_CLASH_FALLBACKS = 20;

const describeIssues = (issues: readonly RulesIssue[]): string => new RulesValidationError(issues).message;

/**
 * {@link RulesSourcePort} over SSM Parameter Store (docs/design.md §4 invariant 2). Every parameter under
 * the path is a document. A document whose newest version is invalid is replaced by its newest
 * valid version from the parameter history and reported as a rejection; one with no valid version
 * is left out. No document at all, or none valid, is an error and never an empty rule set, so that
 * deleting every document can never read as "revoke everything".
 *
 * @example
 * const rules = new SsmRulesSource(clients.ssm, { path: '/idc-lifecycle/rules/', validate: loadRuleSet, checkDocument: parseRulesDocument });
 * const { ruleSet, rejections } = await rules.load();
 */
export class SsmRulesSource implements RulesSourcePort {
  constructor(
    private readonly client: Pick<SSMClient, 'send'>,
    private readonly options: SsmRulesSourceOptions,
  ) {}

  async load(): Promise<RulesLoadResult> {
    const { path } = this.options;
    const parameters = await collectPages(
      (NextToken) =>
        this.client.send(
          new GetParametersByPathCommand({
            Path: path,
            Recursive: true,
            WithDecryption: true,
            MaxResults: 10,
            NextToken,
          }),
        ),
      (page) => page.Parameters,
    );
    if (parameters.length === 0) {
      throw new RulesUnavailableError(`No rules documents under ${path}; refusing to treat that as an empty rule set`);
    }

    const chosen: ChosenDocument[] = [];
    for (const parameter of [...parameters].sort((a, b) => (a.Name ?? '').localeCompare(b.Name ?? ''))) {
      chosen.push(await this.#choose(parameter));
    }
    const rejections = chosen.flatMap((doc) => (doc.rejection ? [doc.rejection] : []));
    let usable = chosen.filter((doc) => doc.version !== undefined);
    for (let attempt = 0; usable.length > 0; attempt++) {
      const merged = this.options.validate(usable.map((doc) => doc.source));
      if (merged.ok) return { ruleSet: merged.ruleSet, rejections };
      const culprit = attempt < MAX_CLASH_FALLBACKS ? newestChangeNamed(usable, merged.issues) : undefined;
      if (culprit === undefined) {
        throw new RulesUnavailableError(`The rules documents under ${path} do not form a valid rule set`, {
          cause: new RulesValidationError(merged.issues),
        });
      }
      // Documents valid on their own can still clash (a rule id reused, a second `settings`). The
      // newest change among those the issues name is the one refused: it steps back to its previous
      // valid version, or is left out when it has none (then it never granted anything).
      const previous = await this.#newestValid(culprit.source.name, culprit.version);
      const issues = merged.issues.filter((issue) => issue.document === culprit.source.name);
      rejections.push({
        document: culprit.source.name,
        message: `conflicts with the other rules documents: ${describeIssues(issues)}`,
        ...(previous === undefined ? {} : { fallbackVersion: previous.version }),
      });
      usable = usable.flatMap((doc) =>
        doc !== culprit ? [doc] : previous === undefined ? [] : [{ ...doc, ...previous }],
      );
    }
    throw new RulesUnavailableError(
      `No valid rules document under ${path}:\n${rejections.map((r) => r.message).join('\n')}`,
    );
  }

  /** The newest version of one document that is valid on its own, with a rejection if it is not the newest. */
  async #choose(parameter: Parameter): Promise<ChosenDocument> {
    const name = parameter.Name ?? '';
    const newest: RulesDocumentSource = { name, text: parameter.Value ?? '' };
    const modified = parameter.LastModifiedDate?.getTime();
    const check = this.options.checkDocument(newest);
    if (check.ok)
      return { source: newest, version: parameter.Version ?? 0, ...(modified === undefined ? {} : { modified }) };

    const message = describeIssues(check.issues);
    const fallback = await this.#newestValid(name, parameter.Version);
    if (fallback === undefined) return { source: newest, rejection: { document: name, message } };
    return {
      ...fallback,
      ...(modified === undefined ? {} : { modified }),
      rejection: { document: name, message, fallbackVersion: fallback.version },
    };
  }

  /** The newest version of a document older than `before` (any version when undefined) that is valid on its own. */
  async #newestValid(
    name: string,
    before: number | undefined,
  ): Promise<{ source: RulesDocumentSource; version: number } | undefined> {
    const history = await collectPages(
      (NextToken) =>
        this.client.send(
          new GetParameterHistoryCommand({ Name: name, WithDecryption: true, MaxResults: 50, NextToken }),
        ),
      (page) => page.Parameters,
    );
    const older = history
      .filter((entry) => entry.Version !== undefined && (before === undefined || entry.Version < before))
      .sort((a, b) => (b.Version ?? 0) - (a.Version ?? 0));
    for (const entry of older) {
      const candidate: RulesDocumentSource = { name, text: entry.Value ?? '' };
      if (this.options.checkDocument(candidate).ok) return { source: candidate, version: entry.Version ?? 0 };
    }
    return undefined;
  }
}

/**
 * Of the documents the issues name (as the issue's document, or in its message: a clash names
 * both sides), the one changed last.
 */
const newestChangeNamed = (
  documents: readonly ChosenDocument[],
  issues: readonly RulesIssue[],
): ChosenDocument | undefined => {
  const names = (doc: ChosenDocument) =>
    issues.some((issue) => issue.document === doc.source.name || issue.message.includes(doc.source.name));
  return documents
    .filter(names)
    .reduce<ChosenDocument | undefined>(
      (latest, doc) => (latest === undefined || (doc.modified ?? 0) > (latest.modified ?? 0) ? doc : latest),
      undefined,
    );
};

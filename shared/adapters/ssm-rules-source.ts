import { GetParameterHistoryCommand, GetParametersByPathCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { RulesLoadResult, RulesSourcePort } from '../domain/ports.js';
import {
  type CheckRulesDocument,
  chooseRuleSet,
  type StoredDocument,
  type StoredVersion,
  type ValidateRuleSet,
} from '../domain/rules/choose-documents.js';
import { collectPages } from './paginate.js';

export type { CheckRulesDocument, ValidateRuleSet } from '../domain/rules/choose-documents.js';

export interface SsmRulesSourceOptions {
  /** The parameter path that holds the documents, e.g. `/idc-lifecycle/rules/`. */
  readonly path: string;
  readonly validate: ValidateRuleSet;
  readonly checkDocument: CheckRulesDocument;
}

/**
 * {@link RulesSourcePort} over SSM Parameter Store (docs/design.md §4 invariant 2). Every parameter under
 * the path is a document, and its parameter history holds the versions to fall back on. Which
 * versions are in force is the domain's policy ({@link chooseRuleSet}); this adapter only reads.
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
    const { path, validate, checkDocument } = this.options;
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
    const documents: StoredDocument[] = parameters.map((parameter) => {
      const modified = parameter.LastModifiedDate?.getTime();
      return {
        name: parameter.Name ?? '',
        text: parameter.Value ?? '',
        version: parameter.Version ?? 0,
        ...(modified === undefined ? {} : { modified }),
      };
    });
    return chooseRuleSet(documents, { validate, checkDocument, history: (name) => this.#history(name) }, path);
  }

  async #history(name: string): Promise<StoredVersion[]> {
    const history = await collectPages(
      (NextToken) =>
        this.client.send(
          new GetParameterHistoryCommand({ Name: name, WithDecryption: true, MaxResults: 50, NextToken }),
        ),
      (page) => page.Parameters,
    );
    return history.flatMap((entry) =>
      entry.Version === undefined ? [] : [{ version: entry.Version, text: entry.Value ?? '' }],
    );
  }
}

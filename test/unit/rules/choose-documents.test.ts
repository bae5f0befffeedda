import { describe, expect, it } from 'vitest';
import { RulesUnavailableError } from '../../../shared/domain/errors.js';
import {
  type ChooseRuleSetDeps,
  chooseRuleSet,
  leavesDocumentOut,
  type StoredDocument,
  type StoredVersion,
} from '../../../shared/domain/rules/choose-documents.js';
import { loadRuleSet, parseRulesDocument } from '../../../shared/domain/rules/load.js';

const rule = (id: string, group = 'Platform Admins') =>
  `version: 1\nassignments:\n  - id: ${id}\n    principals: [{ group: ${group} }]\n    permissionSets: [ReadOnlyAccess]\n    targets: { accounts: ["222233334444"] }\n`;

const deps = (history: Record<string, StoredVersion[]> = {}): ChooseRuleSetDeps => ({
  validate: loadRuleSet,
  checkDocument: parseRulesDocument,
  history: async (name) => history[name] ?? [],
});

const doc = (name: string, text: string, version: number, modified: number): StoredDocument => ({
  name,
  text,
  version,
  modified,
});

describe('chooseRuleSet', () => {
  it('refuses the newest change of a clash when only the other side of the clash names it', async () => {
    // Prepare: /r/a changed last, but the loader files the duplicate id under /r/b
    const documents = [doc('/r/a', rule('shared'), 2, 2_000), doc('/r/b', rule('shared'), 1, 1_000)];
    const history = { '/r/a': [{ version: 1, text: rule('a-only') }] };

    // Act
    const { ruleSet, rejections } = await chooseRuleSet(documents, deps(history), '/r/');

    // Assess
    expect(rejections).toEqual([
      expect.objectContaining({ document: '/r/a', fallbackVersion: 1, message: expect.stringMatching(/^conflicts/) }),
    ]);
    expect(ruleSet.assignments.map((r) => r.id).sort()).toEqual(['a-only', 'shared']);
  });

  it('never takes a document for part of a clash because a message mentions its name', async () => {
    // Prepare: the merge fails once, with an issue filed under /r/b against /r/a whose text
    // happens to mention the newest document, /r/c
    const documents = [
      doc('/r/a', rule('a'), 1, 1_000),
      doc('/r/b', rule('b'), 1, 2_000),
      doc('/r/c', rule('c'), 1, 3_000),
    ];
    let merges = 0;
    const validate: ChooseRuleSetDeps['validate'] = (sources) =>
      merges++ === 0
        ? {
            ok: false,
            issues: [
              { document: '/r/b', path: '', message: 'clashes with /r/a, unlike /r/c', conflictsWith: ['/r/a'] },
            ],
          }
        : loadRuleSet(sources);

    // Act
    const { rejections } = await chooseRuleSet(documents, { ...deps(), validate }, '/r/');

    // Assess
    expect(rejections.map((r) => r.document)).toEqual(['/r/b']);
  });

  it.each([
    ['a rejected document without a valid version', [{ document: '/r/a', message: 'x' }], true],
    ['rejected documents that all have a fallback', [{ document: '/r/a', message: 'x', fallbackVersion: 3 }], false],
    ['no rejection', [], false],
  ])('says whether a document is left out for %s', (_, rejections, expected) => {
    // Act + Assess
    expect(leavesDocumentOut(rejections)).toBe(expected);
  });

  it('throws RulesUnavailableError for no document at all', async () => {
    // Act
    const result = chooseRuleSet([], deps(), '/r/');

    // Assess
    await expect(result).rejects.toBeInstanceOf(RulesUnavailableError);
  });
});

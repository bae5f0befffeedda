import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIssues, loadRuleSet, parseRulesDocument } from '../../../shared/domain/rules/load.js';

/** The YAML examples of docs/rules.md are checked, so that the reference never shows invalid rules. */

const markdown = readFileSync(new URL('../../../docs/rules.md', import.meta.url), 'utf8');

const yamlBlocks = (text: string): string[] =>
  [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');

/** Fragments that show one part of a document get `version: 1` in front; `targets:` and `where:` snippets are not documents. */
const asDocument = (block: string): string | undefined => {
  const firstKey = block.split('\n').find((line) => line.trim() !== '' && !line.startsWith('#'));
  if (firstKey === 'version: 1') return block;
  if (/^(settings|assignments|memberships):/.test(firstKey ?? '')) return `version: 1\n${block}`;
  return undefined;
};

const documents = yamlBlocks(markdown).flatMap((block) => {
  const document = asDocument(block);
  return document === undefined ? [] : [document];
});

describe('docs/rules.md', () => {
  it('holds YAML examples to check', () => {
    expect(documents.length).toBeGreaterThanOrEqual(6);
  });

  it.each(documents.map((document, index) => [index, document] as const))(
    'shows a valid document in example %i',
    (_index, text) => {
      const result = parseRulesDocument({ name: 'docs/rules.md', text });

      expect(result.ok ? '' : formatIssues(result.issues)).toBe('');
    },
  );

  it('shows a worked example whose documents load together', () => {
    const worked = yamlBlocks(markdown.slice(markdown.indexOf('## A worked example')));

    const result = loadRuleSet(worked.map((text, i) => ({ name: `worked-example-${i}`, text })));

    expect(worked).toHaveLength(2);
    expect(result.ok ? '' : formatIssues(result.issues)).toBe('');
  });
});

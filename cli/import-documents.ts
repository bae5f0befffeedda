import { Document, isMap, isSeq, type YAMLSeq } from 'yaml';
import type { ImportedRule, ImportResult } from '../shared/domain/import-rules.js';

/** SSM advanced parameters hold 8 KB, and the loader refuses bigger documents; stay under it. */
export const MAX_DOCUMENT_BYTES = 8000;
/** Accounts per rule: a long list is split into several rules so that every document fits. */
const MAX_ACCOUNTS_PER_RULE = 150;

export interface RenderedDocument {
  /** File name, e.g. `settings.yaml`, `adopted-01.yaml`. */
  readonly name: string;
  readonly text: string;
}

/**
 * Renders an import as rules documents: one with the settings, then as many documents of rules as
 * it takes to keep each under {@link MAX_DOCUMENT_BYTES}. Every rule carries a comment saying
 * which of today's assignments it reproduces.
 *
 * @example
 * for (const doc of renderImport(importRules(view, assignments), 'org.json')) await writeFile(doc.name, doc.text);
 */
export const renderImport = (result: ImportResult, source: string): RenderedDocument[] => {
  const documents: RenderedDocument[] = [{ name: 'settings.yaml', text: renderSettings(result, source) }];
  const rules = result.rules.flatMap(splitLongRule);
  let current: ImportedRule[] = [];
  const flush = () => {
    if (current.length === 0) return;
    documents.push({ name: `adopted-${String(documents.length).padStart(2, '0')}.yaml`, text: renderRules(current) });
    current = [];
  };
  for (const rule of rules) {
    const candidate = [...current, rule];
    if (current.length > 0 && Buffer.byteLength(renderRules(candidate), 'utf8') > MAX_DOCUMENT_BYTES) flush();
    current.push(rule);
  }
  flush();
  return documents;
};

const renderSettings = (result: ImportResult, source: string): string => {
  const protectedBlock = {
    ...(result.protected.principals.length > 0 ? { principals: result.protected.principals } : {}),
    ...(result.protected.accounts.length > 0 ? { accounts: result.protected.accounts } : {}),
  };
  const doc = new Document({
    version: 1,
    settings: {
      managedPermissionSets: result.managedPermissionSets,
      ...(Object.keys(protectedBlock).length > 0 ? { protected: protectedBlock } : {}),
    },
  });
  const unmanaged = result.unmanagedPermissionSets.map((p) => ` - ${p.name}: ${p.reason}`);
  doc.commentBefore = [
    ` Draft rules imported by \`idc-lifecycle import\` from ${source}.`,
    " They reproduce today's assignments: planning with them revokes nothing, so they can be",
    ' deployed in enforce mode on day one and simplified afterwards (docs/rules.md).',
    ' Only the permission sets listed below are managed; every other one is left alone.',
    ...(unmanaged.length > 0 ? [' Permission sets with assignments that are not managed:', ...unmanaged] : []),
  ].join('\n');
  return doc.toString({ lineWidth: 0 });
};

const renderRules = (rules: readonly ImportedRule[]): string => {
  const doc = new Document({ version: 1, assignments: rules.map((r) => r.rule) });
  const seq = doc.get('assignments', true);
  if (isSeq(seq)) {
    (seq as YAMLSeq).items.forEach((item, i) => {
      const rule = rules[i] as ImportedRule;
      if (isMap(item)) item.commentBefore = ` ${rule.origin}`;
    });
  }
  return doc.toString({ lineWidth: 0 });
};

const splitLongRule = (imported: ImportedRule): ImportedRule[] => {
  const accounts = imported.rule.targets.accounts;
  if (accounts === undefined || accounts.length <= MAX_ACCOUNTS_PER_RULE) return [imported];
  const parts: ImportedRule[] = [];
  for (let start = 0; start < accounts.length; start += MAX_ACCOUNTS_PER_RULE) {
    const n = parts.length + 1;
    const chunk = accounts.slice(start, start + MAX_ACCOUNTS_PER_RULE);
    const { organizationalUnits, ...rest } = imported.rule.targets;
    parts.push({
      rule: {
        ...imported.rule,
        id: n === 1 ? imported.rule.id : `${imported.rule.id}-part${n}`,
        // The OUs go with the first part only; every part lists its share of the accounts.
        targets: {
          ...(n === 1 && organizationalUnits !== undefined ? { organizationalUnits } : {}),
          ...rest,
          accounts: chunk,
        },
      },
      origin: `${imported.origin} (part ${n})`,
      assignments: chunk.length * imported.rule.principals.length,
    });
  }
  return parts;
};

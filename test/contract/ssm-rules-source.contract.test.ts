import { afterEach, describe, expect, it } from 'vitest';
import { SsmRulesSource } from '../../shared/adapters/ssm-rules-source.js';
import { RulesUnavailableError } from '../../shared/domain/errors.js';
import { loadRuleSet, parseRulesDocument } from '../../shared/domain/rules/load.js';
import { type EmulatorTarget, startTarget } from './support/emulator-target.js';

const PATH = '/idc-lifecycle/rules/';

const assignmentDocument = (id: string, group: string) =>
  [
    'version: 1',
    'assignments:',
    `  - id: ${id}`,
    '    principals:',
    `      - group: ${group}`,
    '    permissionSets: [ReadOnlyAccess]',
    '    targets:',
    '      organizationalUnits: [/Workloads]',
    '',
  ].join('\n');

/** Twelve documents, two levels deep, so that the listing spans several (short) pages. */
const documents = Array.from({ length: 12 }, (_, i) => ({
  name: `${PATH}${i % 2 === 0 ? 'teams/' : ''}doc-${String(i).padStart(2, '0')}`,
  value: assignmentDocument(`rule-${i}`, `Team ${i}`),
}));

let target: EmulatorTarget | undefined;
const start = async () => {
  target = await startTarget({ pageSize: 3, parameters: documents });
  return target;
};
afterEach(async () => {
  await target?.close();
  target = undefined;
});

const rulesSource = (t: EmulatorTarget) =>
  new SsmRulesSource(t.clients.ssm, { path: PATH, validate: loadRuleSet, checkDocument: parseRulesDocument });

describe('SsmRulesSource against the emulator', () => {
  it('loads every document under the path, nested ones included', async () => {
    // Prepare
    const t = await start();

    // Act
    const { ruleSet, rejections } = await rulesSource(t).load();

    // Assess
    expect(ruleSet.assignments.map((r) => r.id).sort()).toEqual(documents.map((_, i) => `rule-${i}`).sort());
    expect(rejections).toEqual([]);
  });

  it('keeps the last valid version of a document whose newest version is invalid', async () => {
    // Prepare
    const t = await start();
    const broken = documents[3]?.name as string;
    t.emulator.world.putParameter(broken, assignmentDocument('rule-3-v2', 'Team 3'));
    t.emulator.world.putParameter(broken, 'version: 1\nassignments:\n  - id: rule-3-v3\n    principals: []\n');
    t.emulator.world.putParameter(broken, 'version: 1\nassignmentz: []\n');

    // Act
    const { ruleSet, rejections } = await rulesSource(t).load();

    // Assess
    expect(ruleSet.assignments.map((r) => r.id)).toContain('rule-3-v2');
    expect(ruleSet.assignments.map((r) => r.id)).not.toContain('rule-3');
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toMatchObject({ document: broken, fallbackVersion: 2 });
    expect(rejections[0]?.message).toContain(broken);
  });

  it('leaves out a new document that was never valid and still loads the rest', async () => {
    // Prepare
    const t = await start();
    t.emulator.world.putParameter(`${PATH}zz-new`, 'not: [valid');

    // Act
    const { ruleSet, rejections } = await rulesSource(t).load();

    // Assess
    expect(ruleSet.assignments).toHaveLength(12);
    expect(rejections).toEqual([expect.objectContaining({ document: `${PATH}zz-new` })]);
    expect(rejections[0]?.fallbackVersion).toBeUndefined();
  });

  it('throws RulesUnavailableError when every document was deleted', async () => {
    // Prepare
    const t = await start();
    for (const document of documents) t.emulator.world.deleteParameter(document.name);

    // Act
    const result = rulesSource(t).load();

    // Assess
    await expect(result).rejects.toBeInstanceOf(RulesUnavailableError);
  });

  it('keeps the rule set in force and rejects a new document that reuses a rule id', async () => {
    // Prepare
    const t = await start();
    const duplicate = `${PATH}zz-duplicate`;
    t.emulator.world.putParameter(duplicate, assignmentDocument('rule-0', 'Someone Else'));

    // Act
    const { ruleSet, rejections } = await rulesSource(t).load();

    // Assess
    expect(ruleSet.assignments.find((rule) => rule.id === 'rule-0')?.principals).toEqual([{ group: 'Team 0' }]);
    expect(Object.values(ruleSet.sources)).not.toContain(duplicate);
    expect(rejections).toEqual([
      { document: duplicate, message: expect.stringContaining('conflicts with the other rules documents') },
    ]);
  });
});

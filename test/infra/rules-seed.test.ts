import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RulesSeedError, readRulesSeed } from '../../infra/rules-seed.js';
import { rulesFolder } from './support.js';

const document = (bytes: number) => `version: 1\n# ${'x'.repeat(bytes - 14)}\n`;

describe('readRulesSeed', () => {
  it('reads one document per YAML file, named after the file, in name order', () => {
    // Prepare
    const dir = rulesFolder({ workloads: 'version: 1\n', baseline: 'version: 1\n' });

    // Act
    const documents = readRulesSeed(dir);

    // Assess
    expect(documents.map((d) => d.name)).toEqual(['baseline', 'workloads']);
  });

  it.each([
    [4096, 'Standard'],
    [4097, 'Advanced'],
    [8192, 'Advanced'],
  ])('stores a %i-byte document in the %s tier', (bytes, tier) => {
    // Prepare
    const dir = rulesFolder({ rules: document(bytes) });

    // Act
    const [seed] = readRulesSeed(dir);

    // Assess
    expect(seed).toMatchObject({ bytes, tier });
  });

  it.each([
    ['a missing folder', () => join(rulesFolder(), 'missing'), /does not exist/],
    ['a folder without YAML', () => rulesFolder({}), /holds no \*\.yaml file/],
    ['a document over 8 KB', () => rulesFolder({ big: document(8193) }), /8193 bytes.*split it/],
    ['invalid YAML', () => rulesFolder({ broken: 'a: [1, 2\n' }), /broken\.yaml: not valid YAML/],
    ['an empty document', () => rulesFolder({ empty: '  \n' }), /empty\.yaml: the document is empty/],
    ['a name SSM cannot hold', () => rulesFolder({ 'two words': 'version: 1\n' }), /two words\.yaml/],
  ])('fails with a clear error on %s', (_, folder, message) => {
    // Prepare
    const dir = folder();

    // Act / Assess
    expect(() => readRulesSeed(dir)).toThrow(RulesSeedError);
    expect(() => readRulesSeed(dir)).toThrow(message);
  });
});

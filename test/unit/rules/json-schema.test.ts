import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES_JSON_SCHEMA_ID, rulesJsonSchema } from '../../../shared/domain/rules/json-schema.js';

const committedPath = new URL('../../../docs/rules.schema.json', import.meta.url);

/** Follows `properties`/`items` down a JSON Schema, the way an editor does for completion. */
const at = (schema: unknown, ...steps: string[]): Record<string, unknown> => {
  let node = schema as Record<string, unknown>;
  for (const step of steps) node = (node[step] ?? {}) as Record<string, unknown>;
  return node;
};

describe('rulesJsonSchema', () => {
  it('matches the committed docs/rules.schema.json (regenerate it when this fails)', () => {
    const committed = readFileSync(committedPath, 'utf8');

    const generated = `${JSON.stringify(rulesJsonSchema(), null, 2)}\n`;

    // To regenerate: npx tsx -e "import('./shared/domain/rules/json-schema.ts').then(({ rulesJsonSchema }) =>
    //   require('node:fs').writeFileSync('docs/rules.schema.json', JSON.stringify(rulesJsonSchema(), null, 2) + '\n'))"
    expect(committed).toBe(generated);
  });

  it('identifies itself for editors', () => {
    const schema = rulesJsonSchema();

    expect(schema).toMatchObject({
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: RULES_JSON_SCHEMA_ID,
      title: expect.any(String),
      description: expect.any(String),
    });
  });

  it('describes the input side, so keys with defaults are optional', () => {
    const settings = at(rulesJsonSchema(), 'properties', 'settings');

    expect(settings.required).toBeUndefined();
    expect(at(settings, 'properties', 'mode')).toMatchObject({ default: 'enforce' });
  });

  it('refuses unknown keys, as the loader does', () => {
    const targets = at(rulesJsonSchema(), 'properties', 'assignments', 'items', 'properties', 'targets');

    expect(targets.additionalProperties).toBe(false);
  });

  it('requires at least one attribute in a selector, which the zod refinement alone cannot say', () => {
    const where = at(rulesJsonSchema(), 'properties', 'memberships', 'items', 'properties', 'where');

    expect(where.minProperties).toBe(1);
  });
});

import * as z from 'zod';
import { TAG_PATTERN_REGEX } from '../tag-pattern.js';
import { attributeSelectorSchema, rulesDocumentSchema, tagPatternSchema } from './schema.js';

/** Where editors and `# yaml-language-server: $schema=` comments find the schema. */
export const RULES_JSON_SCHEMA_ID = 'https://idc-lifecycle.dev/schema/rules-v1.json';

/**
 * The JSON Schema of one rules document, generated from the zod schema the loader validates with,
 * so that editor completion and validation can never disagree about which keys exist. It describes
 * the input side: keys with defaults are optional.
 *
 * Draft-07 is used because it is the draft that the YAML language server and VS Code's JSON
 * support handle best. Checks a JSON Schema cannot express (ids unique across documents, managed
 * and protected names) are only made by `loadRuleSet`.
 *
 * @example
 * const text = `${JSON.stringify(rulesJsonSchema(), null, 2)}\n`;
 */
export function rulesJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(rulesDocumentSchema, {
    target: 'draft-7',
    io: 'input',
    override: (context) => {
      // The "at least one attribute" refinement does not survive the conversion; minProperties
      // states the same rule so that an empty selector is flagged in the editor too.
      if (context.zodSchema === attributeSelectorSchema) context.jsonSchema.minProperties = 1;
      // Likewise the tag pattern syntax, which the loader checks with a refinement.
      if (context.zodSchema === tagPatternSchema) context.jsonSchema.pattern = TAG_PATTERN_REGEX;
    },
  });
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: RULES_JSON_SCHEMA_ID,
    title: 'idc-lifecycle rules document (version 1)',
    description:
      'One rules document for idc-lifecycle: IAM Identity Center account assignments and group memberships. ' +
      'Several documents (SSM parameters under the rules path, or files) are merged into one rule set.',
    ...rest,
  };
}

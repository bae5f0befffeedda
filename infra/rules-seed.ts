import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parseDocument } from 'yaml';

/** SSM value limits by tier (docs/aws-facts.md §3.5). */
export const STANDARD_TIER_MAX_BYTES = 4096;
export const ADVANCED_TIER_MAX_BYTES = 8192;

/** One rules document to be stored as one SSM parameter under the rules path. */
export interface RulesSeedDocument {
  /** Parameter name relative to the rules path: the file name without its extension. */
  readonly name: string;
  readonly body: string;
  readonly bytes: number;
  readonly tier: 'Standard' | 'Advanced';
}

/** The seed folder the configuration names is missing, empty or holds a document that SSM could not store. */
export class RulesSeedError extends Error {
  override readonly name = 'RulesSeedError';
}

const SSM_NAME_SEGMENT = /^[A-Za-z0-9_.-]+$/;

/**
 * Reads every `*.yaml` / `*.yml` file of `directory` (not recursive), in name order, and checks
 * that each one is YAML that SSM can hold. Rule semantics are the CLI's job (`idc-lifecycle
 * validate`); this only stops a deployment that could not store the documents at all.
 */
export const readRulesSeed = (directory: string): RulesSeedDocument[] => {
  let entries: string[];
  try {
    if (!statSync(directory).isDirectory()) throw new Error('not a folder');
    entries = readdirSync(directory);
  } catch (error) {
    throw new RulesSeedError(
      `The rules seed folder "${directory}" does not exist. Fix "rulesSeedDirectory" in the deploy ` +
        'configuration, or remove it and publish the rules with idc-lifecycle publish (docs/deployment.md §5).',
      { cause: error },
    );
  }
  const files = entries.filter((file) => ['.yaml', '.yml'].includes(extname(file).toLowerCase())).sort();
  if (files.length === 0) {
    throw new RulesSeedError(
      `The rules seed folder "${directory}" holds no *.yaml file. Add the rules documents to seed, or remove ` +
        '"rulesSeedDirectory" from the deploy configuration and publish the rules with idc-lifecycle publish.',
    );
  }
  const names = new Set<string>();
  return files.map((file) => {
    const name = basename(file, extname(file));
    if (!SSM_NAME_SEGMENT.test(name)) {
      throw new RulesSeedError(`${file}: a parameter name may only use letters, digits, ".", "_" and "-"`);
    }
    if (names.has(name)) throw new RulesSeedError(`${file}: two files map to the same parameter name "${name}"`);
    names.add(name);
    const body = readFileSync(join(directory, file), 'utf8');
    if (body.trim() === '') throw new RulesSeedError(`${file}: the document is empty`);
    const parsed = parseDocument(body);
    if (parsed.errors.length > 0) {
      throw new RulesSeedError(`${file}: not valid YAML: ${parsed.errors[0]?.message ?? 'unknown error'}`);
    }
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes > ADVANCED_TIER_MAX_BYTES) {
      throw new RulesSeedError(
        `${file}: ${bytes} bytes is over the ${ADVANCED_TIER_MAX_BYTES}-byte limit of an advanced parameter; split it into several documents`,
      );
    }
    return { name, body, bytes, tier: bytes > STANDARD_TIER_MAX_BYTES ? 'Advanced' : 'Standard' };
  });
};

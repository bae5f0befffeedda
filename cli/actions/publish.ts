import { basename, extname } from 'node:path';
import {
  GetParametersByPathCommand,
  type ParameterTier,
  PutParameterCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { loadRuleSet } from '../../shared/domain/rules/load.js';
import type { PublishOptions } from '../commands/publish.js';
import type { CommandContext } from '../context.js';
import { CliUsageError, EXIT_FAILURE, EXIT_OK } from '../errors.js';
import { loadRulesFiles, writeIssues } from '../rules-files.js';

/**
 * A standard parameter holds 4 KB (docs/aws-facts.md §3.5). Measured in UTF-8 bytes, which is never less
 * than the character count, so a document with non-ASCII text never lands in a tier too small.
 * The 8 KB ceiling of advanced parameters is enforced by rules validation itself.
 */
const STANDARD_LIMIT = 4096;
const size = (text: string): number => Buffer.byteLength(text, 'utf8');
const NAME_PART = /^[A-Za-z0-9_.-]+$/;

interface Change {
  readonly name: string;
  readonly file: string;
  readonly text: string;
  readonly tier: ParameterTier;
  readonly action: 'create' | 'update' | 'unchanged';
}

/** `/idc-lifecycle/rules/` + `workloads.yaml` → `/idc-lifecycle/rules/workloads`. */
export const parameterNameFor = (path: string, file: string): string => {
  const base = basename(file, extname(file));
  if (!NAME_PART.test(base)) {
    throw new CliUsageError(
      `${file}: a parameter name may only hold letters, digits, "_", "." and "-" (got "${base}")`,
    );
  }
  return `${path}${base}`;
};

/**
 * Advanced when the text needs it, and kept Advanced when the stored value shows the parameter
 * already is: SSM never downgrades a parameter, and asking for it fails the call.
 */
export const tierFor = (text: string, current: string | undefined): ParameterTier =>
  size(text) > STANDARD_LIMIT || (current !== undefined && size(current) > STANDARD_LIMIT) ? 'Advanced' : 'Standard';

const readPath = async (ssm: SSMClient, path: string): Promise<Map<string, string>> => {
  const values = new Map<string, string>();
  let nextToken: string | undefined;
  // Pages may be short or even empty while a NextToken remains, so only its absence ends the loop.
  do {
    const page = await ssm.send(
      new GetParametersByPathCommand({ Path: path, Recursive: true, WithDecryption: true, NextToken: nextToken }),
    );
    for (const p of page.Parameters ?? []) {
      if (p.Name !== undefined && p.Value !== undefined) values.set(p.Name, p.Value);
    }
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  return values;
};

/**
 * Validates the files together, then checks the rule set the worker will actually load (every
 * document under the path, with these files replacing theirs), and only then writes, one
 * parameter per file. Nothing is written if anything is invalid.
 */
export const publish = async (
  ctx: CommandContext,
  files: readonly string[],
  options: PublishOptions,
): Promise<number> => {
  const path = options.path.endsWith('/') ? options.path : `${options.path}/`;
  if (!path.startsWith('/')) throw new CliUsageError(`--path must start with "/" (got "${options.path}")`);
  const { sources } = await loadRulesFiles(ctx, files);

  const byName = new Map<string, (typeof sources)[number]>();
  for (const source of sources) {
    const name = parameterNameFor(path, source.name);
    const other = byName.get(name);
    if (other !== undefined) throw new CliUsageError(`${other.name} and ${source.name} would both publish ${name}`);
    byName.set(name, source);
  }

  const ssm = await ctx.aws.ssm({ region: options.region, endpoint: options.endpointUrl });
  const stored = await readPath(ssm, path);

  const merged = [
    ...[...stored.entries()].filter(([name]) => !byName.has(name)).map(([name, text]) => ({ name, text })),
    ...[...byName.entries()].map(([name, s]) => ({ name: `${name} (${s.name})`, text: s.text })),
  ];
  const combined = loadRuleSet(merged);
  if (!combined.ok) {
    writeIssues(ctx.stderr, ctx.err, combined.issues);
    ctx.stderr.write(
      `${ctx.err.red(`error: these files are valid alone, but not together with the other documents under ${path}`)}\n`,
    );
    return EXIT_FAILURE;
  }

  const changes: Change[] = [...byName.entries()].map(([name, source]) => {
    const current = stored.get(name);
    return {
      name,
      file: source.name,
      text: source.text,
      tier: tierFor(source.text, current),
      action: current === undefined ? 'create' : current === source.text ? 'unchanged' : 'update',
    };
  });

  for (const change of changes) {
    if (change.action === 'unchanged' || options.dryRun === true) continue;
    await ssm.send(
      new PutParameterCommand({
        Name: change.name,
        Value: change.text,
        Type: 'String',
        Overwrite: true,
        Tier: change.tier,
      }),
    );
  }

  const verb = (action: Change['action']): string => {
    if (action === 'unchanged') return 'unchanged';
    const past = action === 'create' ? 'created' : 'updated';
    return options.dryRun === true ? `would ${action === 'create' ? 'create' : 'update'}` : past;
  };
  const width = Math.max(...changes.map((c) => verb(c.action).length));
  for (const change of changes) {
    const paint = change.action === 'unchanged' ? ctx.out.dim : ctx.out.green;
    ctx.stdout.write(
      `${paint(verb(change.action).padEnd(width))}  ${change.name}  ${ctx.out.dim(`from ${change.file}, ${change.tier}, ${size(change.text)} bytes`)}\n`,
    );
  }
  const count = (action: Change['action']): number => changes.filter((c) => c.action === action).length;
  ctx.stdout.write(
    options.dryRun === true
      ? `Dry run (nothing written): ${count('create')} to create, ${count('update')} to update, ${count('unchanged')} unchanged\n`
      : `Published: ${count('create')} created, ${count('update')} updated, ${count('unchanged')} unchanged\n`,
  );
  return EXIT_OK;
};

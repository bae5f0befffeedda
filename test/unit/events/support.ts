import { readdirSync, readFileSync } from 'node:fs';
import { scopeKey } from '../../../shared/domain/scope.js';
import { MalformedEventError, type ParseResult, parseEvent, toEventBridgeEvent } from '../../../shared/events/index.js';

export const RULES_PATH = '/idc-lifecycle/rules/';
/** The worker role of the deployment the synthetic fixtures come from (account 111122223333). */
export const WORKER_ROLE_ARN = 'arn:aws:iam::111122223333:role/idc-lifecycle-worker';

/** Published and captured events, copied as found (test/fixtures/events/SOURCES.md gives each one's source). */
export const PUBLIC_SAMPLES = new URL('../../fixtures/events/samples/', import.meta.url);
/** Events we built where no public sample exists; each says how in its `_synthetic` key. */
export const SYNTHETIC_FIXTURES = new URL('../../fixtures/events/synthetic/', import.meta.url);
export const EVENT_FIXTURES = new URL('../../fixtures/events/', import.meta.url);
export const REPOSITORY_ROOT = new URL('../../../', import.meta.url);

/**
 * The repository paths a provenance note names (`docs/aws-facts.md`, `test/fixtures/…`), so that a
 * test can check each one is in the repository: a note that points outside it cannot be followed.
 */
export const pathsNamedIn = (note: string): string[] =>
  [...note.matchAll(/(?<![\w/.])(?:docs|test|shared|examples)\/[\w./-]*[\w/]/g)].map(([path]) => path);

/** Files a note names by an absolute or parent-relative path (`/home/…/x.json`, `../x/y.md`): outside the repository. */
export const outsidePathsIn = (note: string): string[] =>
  [...note.matchAll(/(?:\.\.\/|(?<!\w)\/)(?:[\w.-]+\/)+[\w.-]+\.(?:json|md|ts|yaml)\b/g)].map(([path]) => path);

/** Every `*.json` below a directory, as `subdir/file.json`, sorted. */
export const listJsonFiles = (root: URL): string[] =>
  readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.json'))
    .map((path) => path.split('\\').join('/'))
    .sort();

export const readJson = (root: URL, path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(path, root), 'utf8')) as Record<string, unknown>;

/**
 * The event as a Lambda receives it. Detail-only samples are wrapped; the abridged
 * CreateGroupMembership sample has no `eventSource`, so it is wrapped with the source its
 * provenance states (Identity Store API, SOURCES.md).
 */
export const asDelivered = (path: string, sample: Record<string, unknown>): Record<string, unknown> => {
  if ('detail-type' in sample || 'idc-lifecycle' in sample) return sample;
  return toEventBridgeEvent(sample, path.startsWith('identitystore/') ? { source: 'aws.identitystore' } : {});
};

/** What a parse came to, in one comparable value. */
export type Outcome =
  | { readonly work: readonly string[] }
  | { readonly ignored: string }
  | { readonly malformed: string };

/** What the deployed intake makes of an event: with the rules path and the worker role it is configured with. */
export const outcomeOf = (event: unknown, rulesPath = RULES_PATH): Outcome => {
  let result: ParseResult;
  try {
    result = parseEvent(event, { rulesPath, workerRoleArn: WORKER_ROLE_ARN });
  } catch (error) {
    if (error instanceof MalformedEventError) return { malformed: error.message };
    throw error;
  }
  return result.kind === 'work'
    ? { work: result.items.map((item) => scopeKey(item.scope)) }
    : { ignored: result.reason };
};

/** A deep copy with one field replaced (or removed when `value` is `undefined`). */
export const withField = (event: unknown, path: readonly string[], value: unknown): Record<string, unknown> => {
  const copy = structuredClone(event) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) throw new Error(`no object at ${key} while preparing the test`);
    node = next as Record<string, unknown>;
  }
  const last = path.at(-1);
  if (last === undefined) throw new Error('empty path');
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
};

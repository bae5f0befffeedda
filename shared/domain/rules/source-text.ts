import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from 'yaml';

/**
 * Turns the text of one rules document (YAML, or JSON, which the YAML 1.2 parser reads as well)
 * into a plain value, and answers "on which line is this path?" so that every message can point
 * at the place to fix.
 */

/** The largest value an SSM advanced-tier parameter holds (docs/aws-facts.md §3.5). */
export const MAX_DOCUMENT_BYTES = 8192;

/** A path into a document, as zod reports it. */
export type ValuePath = readonly PropertyKey[];

export interface SourceProblem {
  readonly path: ValuePath;
  readonly line?: number;
  readonly message: string;
}

export interface ParsedSourceText {
  /** `undefined` when the text could not be parsed; `problems` then says why. */
  readonly value: unknown;
  readonly parsed: boolean;
  readonly problems: readonly SourceProblem[];
  /** The 1-based line of the deepest node of `path` that exists in the text. */
  readonly lineOf: (path: ValuePath) => number | undefined;
  /** The text of the scalar at exactly `path`, as written (`012345678901`, not the number it became). */
  readonly scalarTextAt: (path: ValuePath) => string | undefined;
}

/** Aliases make a small text expand into a huge value; rules documents have no use for many. */
const MAX_ALIAS_COUNT = 50;

const encoder = new TextEncoder();

export function byteLength(text: string): number {
  return encoder.encode(text).length;
}

export function looksLikeJson(text: string): boolean {
  const first = text.trimStart()[0];
  return first === '{' || first === '[';
}

/**
 * A carriage return not followed by a line feed (the line ending of classic Mac OS, and of some
 * tools still) is a line break in YAML 1.2 (section 5.4, "Line Break Characters", which also asks
 * a processor to normalise line breaks to LF), but the `yaml` package breaks lines at "\n" only:
 * such a document reads as one long line, which after a leading comment is all comment, and so
 * "empty". Replacing each lone CR by a LF reads the document as YAML defines it and keeps every
 * offset, so lines and columns are those an editor shows. JSON allows CR only as whitespace
 * between tokens, where LF means the same.
 */
const LONE_CR = /\r(?!\n)/g;

export function parseSourceText(original: string): ParsedSourceText {
  const text = original.replace(LONE_CR, '\n');
  const problems: SourceProblem[] = [];
  const size = byteLength(text);
  if (size > MAX_DOCUMENT_BYTES) {
    problems.push({
      path: [],
      line: 1,
      message:
        `the document is ${size} bytes, over the ${MAX_DOCUMENT_BYTES}-byte limit of an SSM advanced parameter ` +
        '(4096 for a standard one): split its rules across several documents under the rules path ' +
        '(for example one per OU or team); they are merged, and ids stay unique across them',
    });
  }

  const format = looksLikeJson(text) ? 'JSON' : 'YAML';
  const lineCounter = new LineCounter();
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  const document = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const lineOf = (path: ValuePath): number | undefined => locate(document.contents, path, lineAt);
  const scalarTextAt = (path: ValuePath): string | undefined => {
    const node = nodeAt(document.contents, path);
    return isScalar(node) && isNodeWithRange(node) ? text.slice(node.range[0], node.range[1]) : undefined;
  };

  // One slip (a missing bracket) makes the parser report a cascade of errors after it; only the
  // first means anything to a reader. Duplicate keys and unknown tags are independent mistakes,
  // so each of those is reported.
  const firstSyntaxError = document.errors.find((error) => error.code !== 'DUPLICATE_KEY');
  const syntax = [
    ...document.errors.filter((error) => error.code === 'DUPLICATE_KEY' || error === firstSyntaxError),
    ...document.warnings,
  ].sort((a, b) => a.pos[0] - b.pos[0]);
  for (const error of syntax) {
    const duplicate =
      error.code === 'DUPLICATE_KEY' ? describeDuplicateKey(document.contents, error.pos[0], lineAt) : undefined;
    problems.push({
      path: duplicate?.path ?? [],
      line: lineAt(error.pos[0]),
      message: duplicate?.message ?? `invalid ${format}: ${plainYamlMessage(error.message)}`,
    });
  }
  if (syntax.length > 0) return { value: undefined, parsed: false, problems, lineOf, scalarTextAt };

  try {
    const value: unknown = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return { value, parsed: true, problems, lineOf, scalarTextAt };
  } catch (cause) {
    // toJS throws on an alias to an anchor that is not defined, or on too many aliases: both are
    // problems of the text, so they are reported like syntax errors rather than thrown.
    const reason = cause instanceof Error ? cause.message : String(cause);
    problems.push({ path: [], message: `invalid ${format}: ${plainYamlMessage(reason)}` });
    return { value: undefined, parsed: false, problems, lineOf, scalarTextAt };
  }
}

function plainYamlMessage(message: string): string {
  const firstLine = message.split('\n')[0] ?? message;
  return firstLine.replace(/ at line \d+, column \d+:?$/, '').trim();
}

interface Located {
  readonly path: ValuePath;
  readonly message: string;
}

/** The parser reports a duplicate key by offset only; find the key to name it and its first use. */
function describeDuplicateKey(root: unknown, offset: number, lineAt: (offset: number) => number): Located | undefined {
  let found: Located | undefined;
  const visit = (node: unknown, path: PropertyKey[]): void => {
    if (found !== undefined) return;
    if (isMap(node)) {
      const firstLine = new Map<string, number | undefined>();
      for (const pair of node.items) {
        const name = keyName(pair.key);
        const keyOffset = isNodeWithRange(pair.key) ? pair.key.range[0] : undefined;
        if (keyOffset === offset && firstLine.has(name)) {
          const first = firstLine.get(name);
          found = {
            path: [...path, name],
            message: `duplicate key "${name}"${first === undefined ? '' : ` (first set on line ${first})`}: a key may appear once in a mapping`,
          };
          return;
        }
        if (!firstLine.has(name)) firstLine.set(name, keyOffset === undefined ? undefined : lineAt(keyOffset));
        visit(pair.value, [...path, name]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        visit(item, [...path, index]);
      });
    }
  };
  visit(root, []);
  return found;
}

function isNodeWithRange(value: unknown): value is Node & { range: [number, number, number] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    'range' in value &&
    Array.isArray((value as { range: unknown }).range)
  );
}

function keyName(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

/**
 * Walks `path` through the parsed nodes. A step through a mapping reports the line of the key,
 * which is where a reader looks for `targets:` even when its value starts on the next line.
 */
function locate(root: unknown, path: ValuePath, lineAt: (offset: number) => number): number | undefined {
  let node: unknown = root;
  let line = isNodeWithRange(root) ? lineAt(root.range[0]) : undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = findPair(node, String(segment));
      if (pair === undefined) break;
      if (isNodeWithRange(pair.key)) line = lineAt(pair.key.range[0]);
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) break;
      if (isNodeWithRange(item)) line = lineAt(item.range[0]);
      node = item;
    } else {
      break;
    }
  }
  return line;
}

function nodeAt(root: unknown, path: ValuePath): unknown {
  let node: unknown = root;
  for (const segment of path) {
    if (isMap(node)) node = findPair(node, String(segment))?.value;
    else if (isSeq(node) && typeof segment === 'number') node = node.items[segment];
    else return undefined;
  }
  return node;
}

function findPair(map: YAMLMap, name: string): YAMLMap['items'][number] | undefined {
  return map.items.find((pair) => keyName(pair.key) === name);
}

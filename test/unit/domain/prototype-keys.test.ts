import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type KeyPath, prototypeKeyPaths } from '../../../shared/domain/prototype-keys.js';

/** A JSON value written as a tree, so that a test knows every key path without reading the value back. */
type Tree =
  | { readonly kind: 'leaf'; readonly value: string | number | boolean | null }
  | { readonly kind: 'array'; readonly items: readonly Tree[] }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, Tree])[] };

const toJson = (tree: Tree): string => {
  if (tree.kind === 'leaf') return JSON.stringify(tree.value);
  if (tree.kind === 'array') return `[${tree.items.map(toJson).join(',')}]`;
  return `{${tree.entries.map(([key, child]) => `${JSON.stringify(key)}:${toJson(child)}`).join(',')}}`;
};

/** Every path whose last key is `__proto__`, parents before children, in document order. */
const expectedPaths = (tree: Tree, path: KeyPath = []): KeyPath[] => {
  if (tree.kind === 'leaf') return [];
  if (tree.kind === 'array') return tree.items.flatMap((item, index) => expectedPaths(item, [...path, index]));
  return tree.entries.flatMap(([key, child]) => [
    ...(key === '__proto__' ? [[...path, key]] : []),
    ...expectedPaths(child, [...path, key]),
  ]);
};

/** Keys that JavaScript treats specially mixed with arbitrary ones. */
const key = fc.oneof(
  { arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'), weight: 1 },
  { arbitrary: fc.string({ maxLength: 8 }), weight: 3 },
);

const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc
      .oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.boolean(), fc.constant(null))
      .map((value): Tree => ({ kind: 'leaf', value })),
    fc.array(tie('tree'), { maxLength: 3 }).map((items): Tree => ({ kind: 'array', items })),
    // JSON.parse keeps the last of two equal keys; unique keys keep the expected paths exact.
    fc
      .uniqueArray(fc.tuple(key, tie('tree')), { maxLength: 4, selector: ([k]) => k })
      .map((entries): Tree => ({ kind: 'object', entries })),
  ),
}));

describe('prototypeKeyPaths', () => {
  it.each<[string, string, KeyPath[]]>([
    ['a value without objects', '"__proto__"', []],
    ['an object without the key', '{"a":{"b":[1,{"c":2}]}}', []],
    ['the key at the top', '{"__proto__":{"a":1}}', [['__proto__']]],
    [
      'the key in a tag map',
      '{"targets":{"accountTags":{"__proto__":["prod"]}}}',
      [['targets', 'accountTags', '__proto__']],
    ],
    ['the key inside an array item', '{"users":[{"id":"u-1"},{"__proto__":null}]}', [['users', 1, '__proto__']]],
    ['the key under the key', '{"__proto__":{"__proto__":1}}', [['__proto__'], ['__proto__', '__proto__']]],
    [
      'constructor, prototype and toString, which are ordinary keys',
      '{"constructor":1,"prototype":2,"toString":3}',
      [],
    ],
  ])('finds %s', (_name, json, paths) => {
    // Act
    const found = prototypeKeyPaths(JSON.parse(json));

    // Assess
    expect(found).toEqual(paths);
  });

  it('walks a value that holds itself once', () => {
    // Prepare
    const value: Record<string, unknown> = JSON.parse('{"tags":{"__proto__":"x"}}');
    value.self = value;

    // Act
    const found = prototypeKeyPaths(value);

    // Assess
    expect(found).toEqual([['tags', '__proto__']]);
  });

  it('finds exactly the __proto__ keys of any JSON document, wherever they are', () => {
    fc.assert(
      fc.property(tree, (written) => {
        // Act
        const found = prototypeKeyPaths(JSON.parse(toJson(written)));

        // Assess
        expect(found).toEqual(expectedPaths(written));
      }),
    );
  });
});

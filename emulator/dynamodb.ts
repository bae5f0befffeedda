import { AwsServiceError } from './errors.js';
import type { JsonObject, RequestInput, ServiceDefinition } from './service.js';

/**
 * Amazon DynamoDB (`DynamoDB_20120810`, AWS JSON 1.0): the subset the run store uses. Tables have
 * a string partition key `pk` and a string sort key `sk`, as the stack creates them; a table
 * exists for any name (the emulator does not model CreateTable). Modeled: PutItem (with
 * `attribute_not_exists(pk)` as the only condition), GetItem, Query with `pk = :pk` and optionally
 * `begins_with(sk, :prefix)` or `sk = :sk`, ScanIndexForward, Limit and ExclusiveStartKey, the
 * 400 KB item size limit and the 1 MB page of a Query; UpdateItem with an update expression of
 * `SET path = :value` and `ADD path :value` actions (a number added to a number, a set's elements
 * added to a set of the same type, either one created when absent, the item too) and every
 * `ReturnValues`. Attribute values are kept as sent (`{"S": …}`, `{"N": …}`).
 */

/** DynamoDB's item size limit, counted as the UTF-8 length of names and values (close to AWS's own count). */
export const ITEM_SIZE_LIMIT = 400 * 1024;
const QUERY_PAGE_LIMIT = 1024 * 1024;

type AttributeValue = Readonly<Record<string, unknown>>;
type Item = Readonly<Record<string, AttributeValue>>;

const validation = (message: string) => new AwsServiceError('ValidationException', message);

const stringKey = (item: Readonly<Record<string, unknown>>, name: string): string => {
  const value = item[name] as { S?: unknown } | undefined;
  if (value === undefined || typeof value.S !== 'string' || value.S.length === 0) {
    throw validation(`One or more parameter values were invalid: Missing the key ${name} in the item`);
  }
  return value.S;
};

const itemSize = (item: Item): number => Buffer.byteLength(JSON.stringify(item));

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

interface KeyCondition {
  readonly pk: string;
  readonly sk?: { readonly op: 'begins_with' | '='; readonly value: string };
}

const parseKeyCondition = (input: RequestInput): KeyCondition => {
  const expression = input.string('KeyConditionExpression');
  const values = (input.raw('ExpressionAttributeValues') ?? {}) as Readonly<Record<string, { S?: unknown }>>;
  const names = (input.raw('ExpressionAttributeNames') ?? {}) as Readonly<Record<string, string>>;
  const name = (token: string) => names[token] ?? token;
  const value = (token: string): string => {
    const v = values[token]?.S;
    if (typeof v !== 'string')
      throw validation(`Value provided in ExpressionAttributeValues unused or missing: ${token}`);
    return v;
  };
  const [first, second, ...rest] = expression.split(/\s+AND\s+/i);
  const pkMatch = first === undefined ? null : /^\s*(#?\w+)\s*=\s*(:\w+)\s*$/.exec(first);
  if (rest.length > 0 || pkMatch === null || name(pkMatch[1] as string) !== 'pk') {
    throw validation(`Unsupported KeyConditionExpression in the emulator: ${expression}`);
  }
  const pk = value(pkMatch[2] as string);
  if (second === undefined) return { pk };
  const begins = /^\s*begins_with\(\s*(#?\w+)\s*,\s*(:\w+)\s*\)\s*$/.exec(second);
  if (begins !== null && name(begins[1] as string) === 'sk')
    return { pk, sk: { op: 'begins_with', value: value(begins[2] as string) } };
  const equals = /^\s*(#?\w+)\s*=\s*(:\w+)\s*$/.exec(second);
  if (equals !== null && name(equals[1] as string) === 'sk')
    return { pk, sk: { op: '=', value: value(equals[2] as string) } };
  throw validation(`Unsupported KeyConditionExpression in the emulator: ${expression}`);
};

type UpdateAction =
  | { readonly op: 'SET'; readonly path: string; readonly value: AttributeValue }
  | { readonly op: 'ADD'; readonly path: string; readonly value: AttributeValue };

const SET_TYPES = ['SS', 'NS', 'BS'] as const;
const setTypeOf = (value: AttributeValue): (typeof SET_TYPES)[number] | undefined =>
  SET_TYPES.find((type) => Array.isArray(value[type]));

/**
 * Parses the subset of update expressions the emulator models: `SET` clauses of `path = :value`
 * and `ADD` clauses of `path :value`, in any order, each keyword at most once (as DynamoDB
 * requires), with `#name` placeholders. Also enforces DynamoDB's rules that every placeholder in
 * the request is used, and that no action names a key attribute.
 */
const parseUpdateExpression = (input: RequestInput): UpdateAction[] => {
  const expression = input.string('UpdateExpression');
  const values = (input.raw('ExpressionAttributeValues') ?? {}) as Readonly<Record<string, AttributeValue>>;
  const names = (input.raw('ExpressionAttributeNames') ?? {}) as Readonly<Record<string, string>>;
  const usedValues = new Set<string>();
  const usedNames = new Set<string>();
  const path = (token: string): string => {
    if (!token.startsWith('#')) return token;
    const name = names[token];
    if (name === undefined) {
      throw validation(
        `Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: ${token}`,
      );
    }
    usedNames.add(token);
    return name;
  };
  const value = (token: string): AttributeValue => {
    const v = values[token];
    if (v === undefined) {
      throw validation(
        `Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: ${token}`,
      );
    }
    usedValues.add(token);
    return v;
  };
  const clauses = [...expression.matchAll(/\b(SET|ADD|REMOVE|DELETE)\b/gi)];
  if (clauses.length === 0 || (clauses[0]?.index ?? 0) !== expression.search(/\S/)) {
    throw validation(`Invalid UpdateExpression: Syntax error; expression: ${expression}`);
  }
  const seen = new Set<string>();
  const actions: UpdateAction[] = [];
  clauses.forEach((clause, i) => {
    const keyword = (clause[1] as string).toUpperCase();
    if (seen.has(keyword)) {
      throw validation(
        `Invalid UpdateExpression: The "${keyword}" section can only be used once in an update expression;`,
      );
    }
    seen.add(keyword);
    if (keyword !== 'SET' && keyword !== 'ADD') {
      throw validation(`Unsupported UpdateExpression in the emulator: ${expression}`);
    }
    const body = expression.slice((clause.index ?? 0) + keyword.length, clauses[i + 1]?.index ?? expression.length);
    for (const text of body.split(',')) {
      const match =
        keyword === 'SET' ? /^\s*(#?\w+)\s*=\s*(:\w+)\s*$/.exec(text) : /^\s*(#?\w+)\s+(:\w+)\s*$/.exec(text);
      if (match === null) throw validation(`Unsupported UpdateExpression in the emulator: ${expression}`);
      actions.push({ op: keyword, path: path(match[1] as string), value: value(match[2] as string) });
    }
  });
  const unusedValues = Object.keys(values).filter((k) => !usedValues.has(k));
  if (unusedValues.length > 0) {
    throw validation(
      `Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`,
    );
  }
  const unusedNames = Object.keys(names).filter((k) => !usedNames.has(k));
  if (unusedNames.length > 0) {
    throw validation(
      `Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`,
    );
  }
  for (const action of actions) {
    if (action.path === 'pk' || action.path === 'sk') {
      throw validation(
        `One or more parameter values were invalid: Cannot update attribute ${action.path}. This attribute is part of the key`,
      );
    }
  }
  return actions;
};

/** One `ADD` action: a number added to a number, or a set's elements added to a set of the same type. */
const addTo = (current: AttributeValue | undefined, operand: AttributeValue): AttributeValue => {
  const setType = setTypeOf(operand);
  if (setType !== undefined) {
    const elements = operand[setType] as unknown[];
    if (elements.length === 0)
      throw validation('One or more parameter values were invalid: An string set  may not be empty');
    if (current === undefined) return { [setType]: [...new Set(elements)] };
    if (!Array.isArray(current[setType])) {
      throw validation('An operand in the update expression has an incorrect data type');
    }
    return { [setType]: [...new Set([...(current[setType] as unknown[]), ...elements])] };
  }
  if (typeof operand.N === 'string') {
    if (current === undefined) return { N: operand.N };
    if (typeof current.N !== 'string')
      throw validation('An operand in the update expression has an incorrect data type');
    return { N: String(Number(current.N) + Number(operand.N)) };
  }
  throw validation('Incorrect operand type for operator or function; operator: ADD, operand type: STRING');
};

const RETURN_VALUES = ['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW'] as const;

export interface DynamoDbState {
  /** Table name → partition key → sort key → item. */
  readonly tables: Map<string, Map<string, Map<string, Item>>>;
}

export const createDynamoDbState = (): DynamoDbState => ({ tables: new Map() });

export const createDynamoDbService = (state: DynamoDbState): ServiceDefinition => {
  const partitionOf = (table: string, pk: string, create: boolean) => {
    let partitions = state.tables.get(table);
    if (partitions === undefined) {
      partitions = new Map();
      state.tables.set(table, partitions);
    }
    let partition = partitions.get(pk);
    if (partition === undefined && create) {
      partition = new Map();
      partitions.set(pk, partition);
    }
    return partition;
  };

  return {
    targetPrefix: 'DynamoDB_20120810',
    family: 'dynamodb',
    operations: {
      PutItem: (input) => {
        const table = input.string('TableName');
        const item = input.raw('Item') as Item | undefined;
        if (item === undefined || item === null || typeof item !== 'object') throw validation('Item is required');
        const pk = stringKey(item, 'pk');
        const sk = stringKey(item, 'sk');
        if (itemSize(item) > ITEM_SIZE_LIMIT) throw validation('Item size has exceeded the maximum allowed size');
        const condition = input.optionalString('ConditionExpression');
        const partition = partitionOf(table, pk, true) as Map<string, Item>;
        if (condition !== undefined) {
          if (!/^\s*attribute_not_exists\(\s*#?\w+\s*\)\s*$/.test(condition)) {
            throw validation(`Unsupported ConditionExpression in the emulator: ${condition}`);
          }
          if (partition.has(sk)) {
            throw new AwsServiceError('ConditionalCheckFailedException', 'The conditional request failed');
          }
        }
        partition.set(sk, JSON.parse(JSON.stringify(item)) as Item);
        return {};
      },
      UpdateItem: (input) => {
        const table = input.string('TableName');
        const key = (input.raw('Key') ?? {}) as JsonObject;
        const pk = stringKey(key, 'pk');
        const sk = stringKey(key, 'sk');
        if (input.optionalString('ConditionExpression') !== undefined) {
          throw validation('Unsupported ConditionExpression in the emulator on UpdateItem');
        }
        const returnValues = input.optionalString('ReturnValues') ?? 'NONE';
        if (!(RETURN_VALUES as readonly string[]).includes(returnValues)) {
          throw validation(
            `1 validation error detected: Value '${returnValues}' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [${RETURN_VALUES.join(', ')}]`,
          );
        }
        const actions = parseUpdateExpression(input);
        const partition = partitionOf(table, pk, true) as Map<string, Item>;
        const old = partition.get(sk);
        const next: Record<string, AttributeValue> = { ...(old ?? { pk: { S: pk }, sk: { S: sk } }) };
        for (const action of actions) {
          next[action.path] = action.op === 'SET' ? action.value : addTo(next[action.path], action.value);
        }
        if (itemSize(next) > ITEM_SIZE_LIMIT) throw validation('Item size has exceeded the maximum allowed size');
        const stored = JSON.parse(JSON.stringify(next)) as Item;
        partition.set(sk, stored);
        const updated = new Set(actions.map((a) => a.path));
        const only = (item: Item | undefined): Record<string, AttributeValue> =>
          Object.fromEntries(Object.entries(item ?? {}).filter(([name]) => updated.has(name)));
        const attributes =
          returnValues === 'ALL_OLD'
            ? { ...(old ?? {}) }
            : returnValues === 'UPDATED_OLD'
              ? only(old)
              : returnValues === 'ALL_NEW'
                ? { ...stored }
                : returnValues === 'UPDATED_NEW'
                  ? only(stored)
                  : {};
        return Object.keys(attributes).length === 0 ? {} : { Attributes: attributes };
      },
      GetItem: (input) => {
        const table = input.string('TableName');
        const key = (input.raw('Key') ?? {}) as JsonObject;
        const item = partitionOf(table, stringKey(key, 'pk'), false)?.get(stringKey(key, 'sk'));
        return item === undefined ? {} : { Item: item };
      },
      Query: (input) => {
        const table = input.string('TableName');
        const condition = parseKeyCondition(input);
        const forward = input.optionalBoolean('ScanIndexForward') ?? true;
        const limit = input.raw('Limit');
        if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)) {
          throw validation('Limit must be an integer of at least 1');
        }
        const start = input.raw('ExclusiveStartKey') as JsonObject | undefined;
        const startSk = start === undefined ? undefined : stringKey(start, 'sk');
        const partition = partitionOf(table, condition.pk, false) ?? new Map<string, Item>();
        let keys = [...partition.keys()].sort(compare);
        if (!forward) keys.reverse();
        const sk = condition.sk;
        if (sk !== undefined) {
          keys = keys.filter((k) => (sk.op === '=' ? k === sk.value : k.startsWith(sk.value)));
        }
        if (startSk !== undefined) keys = keys.filter((k) => (forward ? k > startSk : k < startSk));
        const items: Item[] = [];
        let size = 0;
        let truncated = false;
        for (const key of keys) {
          const item = partition.get(key) as Item;
          if (
            (limit !== undefined && items.length >= limit) ||
            (items.length > 0 && size + itemSize(item) > QUERY_PAGE_LIMIT)
          ) {
            truncated = true;
            break;
          }
          items.push(item);
          size += itemSize(item);
        }
        const last = items.at(-1);
        return {
          Items: items,
          Count: items.length,
          ScannedCount: items.length,
          ...(truncated && last !== undefined ? { LastEvaluatedKey: { pk: last.pk, sk: last.sk } } : {}),
        };
      },
    },
  };
};

import { AwsServiceError } from './errors.js';
import type { JsonObject, RequestInput, ServiceDefinition } from './service.js';

/**
 * Amazon DynamoDB (`DynamoDB_20120810`, AWS JSON 1.0): the subset the run store uses. Tables have
 * a string partition key `pk` and a string sort key `sk`, as the stack creates them; a table
 * exists for any name (the emulator does not model CreateTable). Modeled: PutItem (with
 * `attribute_not_exists(pk)` as the only condition), GetItem, Query with `pk = :pk` and optionally
 * `begins_with(sk, :prefix)` or `sk = :sk`, ScanIndexForward, Limit and ExclusiveStartKey, the
 * 400 KB item size limit and the 1 MB page of a Query. Attribute values are kept as sent
 * (`{"S": …}`, `{"N": …}`).
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

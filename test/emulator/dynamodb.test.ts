import {
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../emulator/index.js';
import { createDynamoDbClient } from '../../shared/adapters/clients.js';
import { orgBuilder } from '../support/org-builder.js';

const TABLE = 'runs';
const item = (pk: string, sk: string, body = 'x') => ({ pk: { S: pk }, sk: { S: sk }, body: { S: body } });

describe('emulated DynamoDB', () => {
  let emulator: RunningEmulator;
  let client: DynamoDBClient;

  beforeAll(async () => {
    emulator = await startEmulator({ snapshot: orgBuilder().managementAccount('111111111111').snapshot() });
    client = createDynamoDbClient({
      endpoint: emulator.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('refuses an item over 400 KB', async () => {
    const put = client.send(new PutItemCommand({ TableName: TABLE, Item: item('p', 's', 'x'.repeat(410 * 1024)) }));

    await expect(put).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('fails a put whose attribute_not_exists condition does not hold', async () => {
    await client.send(new PutItemCommand({ TableName: TABLE, Item: item('c', 'one') }));

    const again = client.send(
      new PutItemCommand({ TableName: TABLE, Item: item('c', 'one'), ConditionExpression: 'attribute_not_exists(pk)' }),
    );

    await expect(again).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
  });

  it('answers GetItem without Item for a missing key', async () => {
    const got = await client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'none' }, sk: { S: 'x' } } }));

    expect(got.Item).toBeUndefined();
  });

  it('pages a Query by Limit with LastEvaluatedKey, in sort key order, filtered by begins_with', async () => {
    for (const sk of ['a#3', 'a#1', 'b#1', 'a#2']) {
      await client.send(new PutItemCommand({ TableName: TABLE, Item: item('q', sk) }));
    }
    const query = (start?: Record<string, { S: string }>) =>
      client.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': { S: 'q' }, ':p': { S: 'a#' } },
          Limit: 2,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );

    const first = await query();
    const second = await query(first.LastEvaluatedKey as Record<string, { S: string }>);

    expect(first.Items?.map((i) => i.sk?.S)).toEqual(['a#1', 'a#2']);
    expect(second.Items?.map((i) => i.sk?.S)).toEqual(['a#3']);
    expect(second.LastEvaluatedKey).toBeUndefined();
  });

  describe('UpdateItem', () => {
    const addPart = (sk: string, part: string, extra: Partial<UpdateItemCommandInput> = {}) =>
      client.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: { pk: { S: 'u' }, sk: { S: sk } },
          UpdateExpression: 'ADD #parts :part SET expiresAt = :expiresAt',
          ExpressionAttributeNames: { '#parts': 'parts' },
          ExpressionAttributeValues: { ':part': { SS: [part] }, ':expiresAt': { N: '100' } },
          ReturnValues: 'UPDATED_OLD',
          ...extra,
        }),
      );

    it('creates the item and the set on a first ADD, answering no old attributes', async () => {
      const first = await addPart('set-1', 'a');

      const item = await client.send(
        new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'u' }, sk: { S: 'set-1' } } }),
      );
      expect(first.Attributes).toBeUndefined();
      expect(item.Item).toEqual({ pk: { S: 'u' }, sk: { S: 'set-1' }, parts: { SS: ['a'] }, expiresAt: { N: '100' } });
    });

    it('adds to a set once per element and answers the updated attributes as they were before', async () => {
      await addPart('set-2', 'a');
      await addPart('set-2', 'b');

      const again = await addPart('set-2', 'a');

      expect(again.Attributes).toEqual({ parts: { SS: ['a', 'b'] }, expiresAt: { N: '100' } });
      const after = await addPart('set-2', 'c', { ReturnValues: 'UPDATED_NEW' });
      expect(after.Attributes?.parts).toEqual({ SS: ['a', 'b', 'c'] });
    });

    it('adds a number to a number, starting from zero', async () => {
      const add = () =>
        client.send(
          new UpdateItemCommand({
            TableName: TABLE,
            Key: { pk: { S: 'u' }, sk: { S: 'count' } },
            UpdateExpression: 'ADD done :one',
            ExpressionAttributeValues: { ':one': { N: '1' } },
            ReturnValues: 'ALL_NEW',
          }),
        );
      await add();

      const second = await add();

      expect(second.Attributes?.done).toEqual({ N: '2' });
    });

    it.each<[string, Partial<UpdateItemCommandInput>]>([
      [
        'an expression value that no expression uses',
        { ExpressionAttributeValues: { ':part': { SS: ['a'] }, ':expiresAt': { N: '1' }, ':x': { S: 'x' } } },
      ],
      ['an update of a key attribute', { UpdateExpression: 'ADD #parts :part SET sk = :expiresAt' }],
      ['an ADD of a string', { ExpressionAttributeValues: { ':part': { S: 'a' }, ':expiresAt': { N: '1' } } }],
      ['a keyword used twice', { UpdateExpression: 'ADD #parts :part ADD expiresAt :expiresAt' }],
    ])('refuses %s', async (_name, extra) => {
      await expect(addPart('refused', 'a', extra)).rejects.toMatchObject({ name: 'ValidationException' });
    });

    it('refuses to ADD elements to an attribute of another type', async () => {
      await client.send(new PutItemCommand({ TableName: TABLE, Item: item('u', 'typed') }));

      const add = addPart('typed', 'a', {
        UpdateExpression: 'ADD body :part SET expiresAt = :expiresAt',
        ExpressionAttributeNames: {},
      });

      await expect(add).rejects.toMatchObject({ name: 'ValidationException' });
    });
  });
});

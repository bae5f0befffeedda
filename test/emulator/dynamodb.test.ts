import { type DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
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
});

import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbRunStore } from '../../../shared/adapters/dynamodb-run-store.js';

const dynamoDb = mockClient(DynamoDBClient);
const NOW = Date.UTC(2026, 0, 1);

beforeEach(() => {
  dynamoDb.reset();
});

describe('DynamoDbRunStore.markPartRead', () => {
  it('adds the part to the string set of the run in one UpdateItem that answers the set as it was', async () => {
    // Prepare
    dynamoDb.on(UpdateItemCommand).resolves({ Attributes: { parts: { SS: ['directory'] } } });
    const store = new DynamoDbRunStore(new DynamoDBClient({}), 'idc-lifecycle-runs', () => NOW);

    // Act
    const before = await store.markPartRead('schedule-1', 'accounts-3');

    // Assess
    expect(before).toEqual(['directory']);
    expect(dynamoDb.commandCalls(UpdateItemCommand).map((c) => c.args[0].input)).toEqual([
      {
        TableName: 'idc-lifecycle-runs',
        Key: { pk: { S: 'run#schedule-1' }, sk: { S: 'parts-read' } },
        UpdateExpression: 'ADD #parts :part SET #expiresAt = :expiresAt',
        ExpressionAttributeNames: { '#parts': 'parts', '#expiresAt': 'expiresAt' },
        ExpressionAttributeValues: {
          ':part': { SS: ['accounts-3'] },
          ':expiresAt': { N: String(NOW / 1000 + 30 * 24 * 60 * 60) },
        },
        ReturnValues: 'UPDATED_OLD',
      },
    ]);
  });

  it('answers no parts when none was marked before', async () => {
    dynamoDb.on(UpdateItemCommand).resolves({});
    const store = new DynamoDbRunStore(new DynamoDBClient({}), 'idc-lifecycle-runs', () => NOW);

    expect(await store.markPartRead('schedule-1', 'directory')).toEqual([]);
  });
});

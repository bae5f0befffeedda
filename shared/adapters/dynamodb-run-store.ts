import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { OrganizationState, RunStorePort } from '../domain/ports.js';
import type { RunRecord } from '../domain/runs/run.js';

/**
 * Characters of JSON per item. DynamoDB items hold at most 400 KB; 90,000 characters stay under it
 * even if every character took four bytes in UTF-8.
 */
const PIECE_CHARS = 90_000;
/** Runs and their state expire after 30 days (the table's TTL attribute). */
const RETENTION_SECONDS = 30 * 24 * 60 * 60;

const RUNS_PARTITION = 'runs';
const ORGANIZATION_PARTITION = 'organization';
/** The sort key, within a run's partition, of the set of its read parts marked done. */
const PARTS_READ = 'parts-read';

type Item = Record<string, AttributeValue>;

/**
 * {@link RunStorePort} over one DynamoDB table with a string partition key `pk` and sort key `sk`.
 *
 * - A run's state (its record, the organization read, account chunks) is JSON split into pieces
 *   under `pk = run#<runId>`, `sk = <name>#<generation>#<piece>`; a pointer item `sk = <name>`
 *   names the generation written last, so a reader never mixes pieces of two writes.
 * - `sk = parts-read` in the same partition holds the string set of the read parts marked done,
 *   grown by `UpdateItem` `ADD`, so that concurrent marks never overwrite each other.
 * - `pk = runs` lists run summaries by start time for `idc-lifecycle runs`.
 * - `pk = organization` holds the accepted rules version and the latest organization totals.
 *
 * @example
 * const store = new DynamoDbRunStore(clients.dynamoDb, config.runTableName);
 * await store.saveRun(run);
 */
export class DynamoDbRunStore implements RunStorePort {
  constructor(
    private readonly client: Pick<DynamoDBClient, 'send'>,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async saveRun(run: RunRecord): Promise<void> {
    await this.saveState(run.runId, 'record', run);
    const { blocked: _blocked, errors: _errors, ...summary } = run;
    await this.#put({
      pk: { S: RUNS_PARTITION },
      sk: { S: `${String(run.startedAt).padStart(15, '0')}#${run.runId}` },
      body: { S: JSON.stringify(summary) },
    });
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    return (await this.loadState(runId, 'record')) as RunRecord | undefined;
  }

  async listRuns(limit: number): Promise<RunRecord[]> {
    const response = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: RUNS_PARTITION } },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (response.Items ?? []).map((item) => JSON.parse(item.body?.S ?? '{}') as RunRecord);
  }

  async saveState(runId: string, name: string, value: unknown): Promise<void> {
    const text = JSON.stringify(value);
    const generation = randomUUID();
    const pieces = Math.max(1, Math.ceil(text.length / PIECE_CHARS));
    for (let i = 0; i < pieces; i++) {
      await this.#put({
        pk: { S: `run#${runId}` },
        sk: { S: `${name}#${generation}#${String(i).padStart(5, '0')}` },
        body: { S: text.slice(i * PIECE_CHARS, (i + 1) * PIECE_CHARS) },
      });
    }
    await this.#put({
      pk: { S: `run#${runId}` },
      sk: { S: name },
      generation: { S: generation },
      pieces: { N: String(pieces) },
    });
  }

  async loadState(runId: string, name: string): Promise<unknown> {
    const pointer = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { pk: { S: `run#${runId}` }, sk: { S: name } },
        ConsistentRead: true,
      }),
    );
    const generation = pointer.Item?.generation?.S;
    const expected = Number(pointer.Item?.pieces?.N ?? 0);
    if (generation === undefined) return undefined;
    const parts: string[] = [];
    let start: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': { S: `run#${runId}` }, ':prefix': { S: `${name}#${generation}#` } },
          ConsistentRead: true,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      for (const item of page.Items ?? []) parts.push(item.body?.S ?? '');
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    if (parts.length !== expected) {
      throw new RunStoreError(`state ${name} of run ${runId} has ${parts.length} of its ${expected} pieces`);
    }
    return JSON.parse(parts.join(''));
  }

  async markPartRead(runId: string, part: string): Promise<readonly string[]> {
    // ADD to a string set is atomic and idempotent; UPDATED_OLD answers the set as it was before
    // this call (absent when no part was marked yet), which is what tells the part that completes
    // the set from any other.
    const response = await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { pk: { S: `run#${runId}` }, sk: { S: PARTS_READ } },
        UpdateExpression: 'ADD #parts :part SET #expiresAt = :expiresAt',
        ExpressionAttributeNames: { '#parts': 'parts', '#expiresAt': 'expiresAt' },
        ExpressionAttributeValues: { ':part': { SS: [part] }, ':expiresAt': { N: String(this.#expiresAt()) } },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    return response.Attributes?.parts?.SS ?? [];
  }

  async partsRead(runId: string): Promise<readonly string[]> {
    const response = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { pk: { S: `run#${runId}` }, sk: { S: PARTS_READ } },
        ConsistentRead: true,
      }),
    );
    return response.Item?.parts?.SS ?? [];
  }

  async organizationState(): Promise<OrganizationState> {
    const response = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: ORGANIZATION_PARTITION } },
        ConsistentRead: true,
      }),
    );
    const state: { acceptedRules?: unknown; totals?: unknown } = {};
    for (const item of response.Items ?? []) {
      const body = JSON.parse(item.body?.S ?? 'null') as unknown;
      if (item.sk?.S === 'accepted-rules') state.acceptedRules = body;
      if (item.sk?.S === 'totals') state.totals = body;
    }
    return state as OrganizationState;
  }

  async acceptRules(accepted: NonNullable<OrganizationState['acceptedRules']>): Promise<void> {
    await this.#put({
      pk: { S: ORGANIZATION_PARTITION },
      sk: { S: 'accepted-rules' },
      body: { S: JSON.stringify(accepted) },
    });
  }

  async saveTotals(totals: NonNullable<OrganizationState['totals']>): Promise<void> {
    await this.#put({ pk: { S: ORGANIZATION_PARTITION }, sk: { S: 'totals' }, body: { S: JSON.stringify(totals) } });
  }

  async #put(item: Item): Promise<void> {
    await this.client.send(
      new PutItemCommand({ TableName: this.tableName, Item: { ...item, expiresAt: { N: String(this.#expiresAt()) } } }),
    );
  }

  #expiresAt(): number {
    return Math.floor(this.now() / 1000) + RETENTION_SECONDS;
  }
}

/** The store holds something it cannot read back (a torn write); the item is retried. */
export class RunStoreError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RunStoreError';
  }
}

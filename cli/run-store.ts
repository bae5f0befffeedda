import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { createDynamoDbClient } from '../shared/adapters/clients.js';
import { DynamoDbRunStore } from '../shared/adapters/dynamodb-run-store.js';

/** The deployed run store, as `runs` and `approve` read it. */
export const runStore = (config: { region?: string; endpoint?: string }, tableName: string): DynamoDbRunStore =>
  new DynamoDbRunStore(createDynamoDbClient(config), tableName);

/** Puts one event on a bus and returns its id; a refused entry is an error. */
export const putEvent = async (
  config: { region?: string; endpoint?: string },
  entry: {
    readonly eventBusName: string;
    readonly source: string;
    readonly detailType: string;
    readonly detail: string;
  },
): Promise<string> => {
  const response = await new EventBridgeClient(config).send(
    new PutEventsCommand({
      Entries: [
        { EventBusName: entry.eventBusName, Source: entry.source, DetailType: entry.detailType, Detail: entry.detail },
      ],
    }),
  );
  const result = response.Entries?.[0];
  if (result?.EventId === undefined || (response.FailedEntryCount ?? 0) > 0) {
    throw new Error(
      `EventBridge refused the event: ${result?.ErrorCode ?? 'unknown'} ${result?.ErrorMessage ?? ''}`.trim(),
    );
  }
  return result.EventId;
};

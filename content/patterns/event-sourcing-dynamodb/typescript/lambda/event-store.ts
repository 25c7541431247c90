import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactionConflictException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { type AccountEvent, type AccountState, EVENT_SCHEMA_VERSION, evolve, initialState, upcast } from './domain';

/** Another writer appended at the version this command expected to write first. */
export class ConcurrencyConflict extends Error {
  constructor(readonly version: number) {
    super(`Version ${version} is already taken.`);
    this.name = 'ConcurrencyConflict';
  }
}

export interface LoadedAggregate {
  state: AccountState;
  version: number;
  snapshotVersion: number;
  eventsReplayed: number;
}

/** The minimum a DynamoDB client must do here, so tests can pass an in-memory stand-in. */
export type Sender = Pick<DynamoDBClient, 'send'>;

export interface EventStoreConfig {
  eventsTable: string;
  snapshotsTable: string;
}

/** Returns the state after the latest snapshot at or below asOf, plus every later event up to asOf. */
export async function loadAggregate(client: Sender, config: EventStoreConfig, aggregateId: string, asOf?: number): Promise<LoadedAggregate> {
  const snapshot = await client.send(
    new GetItemCommand({ TableName: config.snapshotsTable, Key: { aggregateId: { S: aggregateId } }, ConsistentRead: true }),
  );
  let state = initialState;
  let snapshotVersion = 0;
  const snapVersion = Number(snapshot.Item?.version?.N ?? 0);
  // A snapshot newer than the requested point in time is of no use: replay from the start.
  if (snapshot.Item && (asOf === undefined || snapVersion <= asOf)) {
    state = JSON.parse(snapshot.Item.state?.S ?? 'null') as AccountState;
    snapshotVersion = snapVersion;
  }
  let version = snapshotVersion;
  let eventsReplayed = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: config.eventsTable,
        KeyConditionExpression:
          asOf === undefined ? 'aggregateId = :id AND version > :from' : 'aggregateId = :id AND version BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':id': { S: aggregateId },
          // BETWEEN is inclusive, so start one after the snapshot either way.
          ':from': { N: String(asOf === undefined ? snapshotVersion : snapshotVersion + 1) },
          ...(asOf === undefined ? {} : { ':to': { N: String(asOf) } }),
        },
        // Read your own writes: a command must see the event appended a moment ago.
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      state = evolve(state, upcastItem(item));
      version = Number(item.version.N);
      eventsReplayed += 1;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { state, version, snapshotVersion, eventsReplayed };
}

/** A stored event item in the current event shape. */
export function upcastItem(item: Record<string, AttributeValue>): AccountEvent {
  return upcast(item.type.S ?? '', Number(item.schemaVersion.N), JSON.parse(item.data.S ?? '{}'));
}

export function eventItem(aggregateId: string, version: number, event: AccountEvent, commandId: string, recordedAt: string) {
  return {
    aggregateId: { S: aggregateId },
    version: { N: String(version) },
    type: { S: event.type },
    schemaVersion: { N: String(EVENT_SCHEMA_VERSION) },
    data: { S: JSON.stringify(event.data) },
    commandId: { S: commandId },
    recordedAt: { S: recordedAt },
  };
}

/** Cancellation reasons that mean another writer holds or took one of the versions being appended. */
const CONFLICT_REASONS = new Set(['ConditionalCheckFailed', 'TransactionConflict']);

/**
 * Appends events at expectedVersion + 1, + 2, ... Each put is conditional on that (aggregateId, version)
 * not existing yet, so of two writers racing for a version exactly one succeeds.
 * One event is a plain conditional PutItem; several go in one TransactWriteItems, all or nothing.
 */
export async function appendEvents(
  client: Sender,
  config: EventStoreConfig,
  aggregateId: string,
  expectedVersion: number,
  events: readonly AccountEvent[],
  commandId: string,
  now: () => Date = () => new Date(),
): Promise<number> {
  const recordedAt = now().toISOString();
  const puts = events.map((event, i) => ({
    TableName: config.eventsTable,
    Item: eventItem(aggregateId, expectedVersion + 1 + i, event, commandId, recordedAt),
    ConditionExpression: 'attribute_not_exists(version)',
  }));
  try {
    if (puts.length === 1) {
      // A transaction costs twice the write units; a single put is atomic on its own.
      await client.send(new PutItemCommand(puts[0]));
    } else {
      await client.send(new TransactWriteItemsCommand({ TransactItems: puts.map((Put) => ({ Put })) }));
    }
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new ConcurrencyConflict(expectedVersion + 1);
    // A rival writer's transaction still in flight on the same version item: DynamoDB refuses a
    // put with TransactionConflictException, and cancels a transaction with reason TransactionConflict.
    // Either way another writer is taking that version, which is a conflict, not a server error.
    if (error instanceof TransactionConflictException) throw new ConcurrencyConflict(expectedVersion + 1);
    if (error instanceof TransactionCanceledException && error.CancellationReasons?.some((r) => r.Code && CONFLICT_REASONS.has(r.Code))) {
      throw new ConcurrencyConflict(expectedVersion + 1);
    }
    throw error;
  }
  return expectedVersion + events.length;
}

/** The command id recorded on the event at this version, if there is one. */
export async function commandIdAt(client: Sender, config: EventStoreConfig, aggregateId: string, version: number): Promise<string | undefined> {
  const result = await client.send(
    new QueryCommand({
      TableName: config.eventsTable,
      KeyConditionExpression: 'aggregateId = :id AND version = :v',
      ExpressionAttributeValues: { ':id': { S: aggregateId }, ':v': { N: String(version) } },
      ConsistentRead: true,
    }),
  );
  return result.Items?.[0]?.commandId?.S;
}

/** True when appending took the stream across a multiple of `every`, e.g. from 49 to 50 or 51. */
export function crossesSnapshotBoundary(before: number, after: number, every: number): boolean {
  return Math.floor(before / every) < Math.floor(after / every);
}

/**
 * Keeps one snapshot per aggregate. The condition stops a slow writer from replacing a newer snapshot
 * with an older one. Snapshots are derived data, so a failed write only costs a longer replay later.
 */
export async function saveSnapshot(client: Sender, config: EventStoreConfig, aggregateId: string, version: number, state: AccountState): Promise<void> {
  try {
    await client.send(
      new PutItemCommand({
        TableName: config.snapshotsTable,
        Item: { aggregateId: { S: aggregateId }, version: { N: String(version) }, state: { S: JSON.stringify(state) } },
        ConditionExpression: 'attribute_not_exists(version) OR version < :v',
        ExpressionAttributeValues: { ':v': { N: String(version) } },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return;
    throw error;
  }
}

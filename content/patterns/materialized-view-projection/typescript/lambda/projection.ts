/**
 * Moving one order's view forward, shared by the stream projector and the rebuild. Both call
 * `advance` with the events they happen to hold (a stream batch, a scan page); it reads the view,
 * fills any gap from the event table, folds with `evolve` and writes with a condition on the
 * version it read. Whichever path gets there first wins; the other finds the work done.
 */
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { type OrderView, ProjectionError, evolve, parseEvent, versionOf } from './orders';

/** The view table, as the fold needs it. */
export interface Views {
  /** The current item, read strongly consistent so the condition below is checked against what was read. */
  load(orderId: string): Promise<OrderView | undefined>;
  /** Writes the item only if it is still at `expectedVersion` (0: absent); false when another writer got there first. */
  save(view: OrderView, expectedVersion: number): Promise<boolean>;
}

/** The event table, read only. */
export interface EventLog {
  /** The stored events of one order with afterVersion < version <= upToVersion, oldest first. */
  history(orderId: string, afterVersion: number, upToVersion: number): Promise<Record<string, unknown>[]>;
  /** One page of a (segmented) scan of every event. */
  page(segment: number, totalSegments: number, startKey?: Record<string, unknown>): Promise<{ items: Record<string, unknown>[]; nextKey?: Record<string, unknown> }>;
}

/** The event at `version` could not be applied; the view now reflects every event before it. */
export class StuckAt extends Error {
  constructor(
    readonly orderId: string,
    readonly version: number,
    readonly reason: string,
  ) {
    super(`${orderId} is stuck at version ${version}: ${reason}`);
    this.name = 'StuckAt';
  }
}

export interface Advanced {
  orderId: string;
  /** Version of the view before and after; equal when everything offered was already applied. */
  from: number;
  to: number;
}

/** How often `advance` re-reads after losing a conditional write to the other path before giving up for now. */
export const MAX_ATTEMPTS = 3;

/**
 * Events per rebuild scan page. Without a limit a page is 1 MB, thousands of small events and as many
 * orders to advance one after another, which could outrun the time the rebuild keeps in reserve.
 */
export const SCAN_PAGE_LIMIT = 500;

/**
 * Brings the view of one order up to the highest version among `known` (unmarshalled event items of
 * that order, any order, duplicates allowed). Versions at or below the view's are ignored; versions
 * missing from `known` are read from the event table. A bad event stops the fold just before it: the
 * events before it are still written, then StuckAt is thrown.
 */
export async function advance(views: Views, log: EventLog, orderId: string, known: readonly Record<string, unknown>[]): Promise<Advanced> {
  const target = Math.max(...known.map(versionOf));
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const current = await views.load(orderId);
    const from = current?.lastVersion ?? 0;
    if (target <= from) return { orderId, from, to: from };

    const pending = new Map<number, Record<string, unknown>>();
    for (const item of known) if (versionOf(item) > from) pending.set(versionOf(item), item);
    if (pending.size < target - from) {
      // A gap: an earlier event is in another batch, another shard, another scan page, or older than the
      // stream's 24 hours. The event table has it.
      for (const item of await log.history(orderId, from, target)) pending.set(versionOf(item), item);
    }

    let view = current;
    let stuck: StuckAt | undefined;
    for (let version = from + 1; version <= target; version++) {
      const item = pending.get(version);
      try {
        if (!item) throw new ProjectionError(`version ${version} is missing from the event table`);
        view = evolve(view, parseEvent(item));
      } catch (error) {
        stuck = new StuckAt(orderId, version, error instanceof Error ? error.message : String(error));
        break;
      }
    }
    if (view !== current && view !== undefined && !(await views.save(view, from))) continue; // lost the race: look again
    if (stuck) throw stuck;
    return { orderId, from, to: view?.lastVersion ?? from };
  }
  throw new Error(`the view of ${orderId} kept moving under ${MAX_ATTEMPTS} attempts; retry later`);
}

/** The minimum of a DynamoDB client used here, so tests can pass a stand-in. */
export type Sender = Pick<DynamoDBClient, 'send'>;

type Item = Record<string, AttributeValue>;

export function dynamoViews(client: Sender, tableName: string): Views {
  return {
    async load(orderId) {
      const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: { orderId: { S: orderId } }, ConsistentRead: true }));
      return Item ? (unmarshall(Item) as OrderView) : undefined;
    },
    async save(view, expectedVersion) {
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: marshall(view, { removeUndefinedValues: true }),
            // The heart of the pattern: a write from a stale read, a duplicate or a slower path is refused.
            ...(expectedVersion === 0
              ? { ConditionExpression: 'attribute_not_exists(orderId)' }
              : { ConditionExpression: 'lastVersion = :expected', ExpressionAttributeValues: { ':expected': { N: String(expectedVersion) } } }),
          }),
        );
        return true;
      } catch (error) {
        if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },
  };
}

export function dynamoEventLog(client: Sender, tableName: string): EventLog {
  return {
    async history(orderId, afterVersion, upToVersion) {
      const items: Record<string, unknown>[] = [];
      let startKey: Item | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'aggregateId = :id AND version BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':id': { S: orderId }, ':from': { N: String(afterVersion + 1) }, ':to': { N: String(upToVersion) } },
            // The stream only ever carries events that are already stored, so a consistent read finds every earlier one.
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return items;
    },
    async page(segment, totalSegments, startKey) {
      const page = await client.send(
        new ScanCommand({
          TableName: tableName,
          Segment: segment,
          TotalSegments: totalSegments,
          ConsistentRead: true,
          Limit: SCAN_PAGE_LIMIT,
          ExclusiveStartKey: startKey ? marshall(startKey) : undefined,
        }),
      );
      return {
        items: (page.Items ?? []).map((item) => unmarshall(item)),
        nextKey: page.LastEvaluatedKey ? unmarshall(page.LastEvaluatedKey) : undefined,
      };
    },
  };
}

import { DynamoDBClient, TransactWriteItemsCommand, type TransactWriteItem, type TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

/** The entity type the view is built from; the event source mapping lets nothing else through. */
export const ORDER_ENTITY = 'ORDER';
/** A cancelled order stays in the table but no longer counts towards its customer's totals. */
export const UNCOUNTED_STATUSES: readonly string[] = ['CANCELLED'];
/** Sort key of the one item per customer that holds the running totals. */
export const TOTALS_SK = 'TOTALS';

/** What one order adds to its customer's totals. */
export type Contribution = { orders: number; cents: number };

/** One stream record of an order, reduced to what the view needs. */
export type OrderChange = {
  customerId: string;
  orderId: string;
  /** Version of the order before the write; absent when the order was created. */
  fromVersion?: number;
  /** Version after the write; absent when the order was deleted. */
  toVersion?: number;
  delta: Contribution;
  sequenceNumber: string;
};

export type Outcome = 'applied' | 'duplicate';

/** The one DynamoDB call the projector makes, so tests can stand in for the client. */
export type WriteTransaction = (input: TransactWriteItemsCommandInput) => Promise<unknown>;

/** Where the projector sends its output: one JSON object per call, as a log line. */
export type Emit = (line: Record<string, unknown>) => void;

type Image = Record<string, unknown>;
type OrderState = { version: number; counted: boolean; cents: number };

function imageOf(raw: Record<string, unknown> | undefined): Image | undefined {
  // aws-lambda and the SDK each declare their own AttributeValue type; the wire format is the same.
  return raw ? unmarshall(raw as Parameters<typeof unmarshall>[0]) : undefined;
}

function keyPart(value: unknown, prefix: string, seq: string): string {
  if (typeof value !== 'string' || !value.startsWith(prefix) || value.length === prefix.length) {
    throw new Error(`record ${seq} has a key ${String(value)} without the ${prefix} prefix`);
  }
  return value.slice(prefix.length);
}

function wholeNumber(value: unknown, name: string, seq: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new Error(`record ${seq} has an order with ${name} ${String(value)}`);
  }
  return value;
}

/** The part of an image the view depends on; undefined when the image is not an order. */
function orderState(image: Image | undefined, seq: string): OrderState | undefined {
  if (image?.entityType !== ORDER_ENTITY) return undefined;
  if (typeof image.status !== 'string') throw new Error(`record ${seq} has an order without a status`);
  return {
    version: wholeNumber(image.version, 'version', seq, 1),
    counted: !UNCOUNTED_STATUSES.includes(image.status),
    // Integer cents: ADD on floating-point amounts would drift.
    cents: wholeNumber(image.totalCents, 'totalCents', seq, 0),
  };
}

function contribution(state: OrderState | undefined): Contribution {
  return state?.counted ? { orders: 1, cents: state.cents } : { orders: 0, cents: 0 };
}

/**
 * Turns a raw stream record into the change it makes to the view, or undefined when neither
 * image is an order. Throws on an order the view cannot account for.
 */
export function toOrderChange(record: DynamoDBRecord): OrderChange | undefined {
  const sequenceNumber = record.dynamodb?.SequenceNumber;
  if (!sequenceNumber) throw new Error('stream record without a sequence number');
  const before = orderState(imageOf(record.dynamodb?.OldImage), sequenceNumber);
  const after = orderState(imageOf(record.dynamodb?.NewImage), sequenceNumber);
  if (!before && !after) return undefined;

  const keys = imageOf(record.dynamodb?.Keys) ?? {};
  const customerId = keyPart(keys.pk, 'CUSTOMER#', sequenceNumber);
  const orderId = keyPart(keys.sk, 'ORDER#', sequenceNumber);
  // Idempotency rests on every write raising the version; a write that does not is refused
  // here, so it ends up in the failure queue instead of being counted twice on a retry.
  if (before && after && after.version <= before.version) {
    throw new Error(`record ${sequenceNumber} rewrote order ${orderId} without raising its version (${before.version} to ${after.version})`);
  }
  const was = contribution(before);
  const is = contribution(after);
  return {
    customerId,
    orderId,
    fromVersion: before?.version,
    toVersion: after?.version,
    delta: { orders: is.orders - was.orders, cents: is.cents - was.cents },
    sequenceNumber,
  };
}

/**
 * One transaction per change: move the order's marker from the version the record starts from
 * to the version it ends at, and ADD the difference to the customer's totals. If the marker is
 * not where the record starts, this record (or a later one) was already applied, and the whole
 * transaction is refused, totals included.
 */
export function transactionFor(change: OrderChange, tableName: string, now: string): TransactWriteItemsCommandInput {
  const customer = { S: change.customerId };
  const markerKey = { customerId: customer, sk: { S: `ORDER#${change.orderId}` } };
  const fromCondition =
    change.fromVersion === undefined
      ? { ConditionExpression: 'attribute_not_exists(sk)' }
      : {
          ConditionExpression: '#version = :from',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':from': { N: String(change.fromVersion) } },
        };
  const marker: TransactWriteItem =
    change.toVersion === undefined
      ? { Delete: { TableName: tableName, Key: markerKey, ...fromCondition } }
      : { Put: { TableName: tableName, Item: { ...markerKey, version: { N: String(change.toVersion) } }, ...fromCondition } };
  const items: TransactWriteItem[] = [marker];
  if (change.delta.orders !== 0 || change.delta.cents !== 0) {
    items.push({
      Update: {
        TableName: tableName,
        Key: { customerId: customer, sk: { S: TOTALS_SK } },
        // ADD is atomic and creates the attributes at zero, so two orders of one customer never race.
        UpdateExpression: 'ADD orderCount :orders, totalCents :cents SET updatedAt = :now',
        ExpressionAttributeValues: {
          ':orders': { N: String(change.delta.orders) },
          ':cents': { N: String(change.delta.cents) },
          ':now': { S: now },
        },
      },
    });
  }
  return { TransactItems: items };
}

function isConditionRefusal(error: unknown): boolean {
  const reasons = (error as { name?: string; CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  return (error as { name?: string }).name === 'TransactionCanceledException' && (reasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');
}

export async function applyChange(write: WriteTransaction, tableName: string, change: OrderChange, now: string): Promise<Outcome> {
  try {
    await write(transactionFor(change, tableName, now));
    return 'applied';
  } catch (error) {
    // Throttling or a conflicting transaction is worth a retry; a failed condition is a redelivery.
    if (isConditionRefusal(error)) return 'duplicate';
    throw error;
  }
}

export type Deps = { write: WriteTransaction; tableName: string; emit: Emit; now?: () => string };

export function createHandler({ write, tableName, emit, now = () => new Date().toISOString() }: Deps) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    for (const record of event.Records) {
      try {
        const change = toOrderChange(record);
        if (!change) {
          emit({ level: 'WARN', message: 'not an order, ignored', sequenceNumber: record.dynamodb?.SequenceNumber });
          continue;
        }
        const outcome = await applyChange(write, tableName, change, now());
        emit({ level: 'INFO', message: 'order change', outcome, ...change });
      } catch (error) {
        emit({ level: 'ERROR', message: 'order change not applied', sequenceNumber: record.dynamodb?.SequenceNumber, error: String(error) });
        // Changes of one order must be applied in order, so stop here: Lambda retries from this
        // record, and the records after it have not been touched yet.
        return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
      }
    }
    return { batchItemFailures: [] };
  };
}

// Created once per execution environment, so warm invocations reuse the connection.
const client = new DynamoDBClient({});
export const handler = createHandler({
  write: (input) => client.send(new TransactWriteItemsCommand(input)),
  tableName: process.env.TOTALS_TABLE_NAME ?? '',
  emit: (line) => process.stdout.write(`${JSON.stringify(line)}\n`),
});

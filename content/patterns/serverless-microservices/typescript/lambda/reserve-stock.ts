import {
  DynamoDBClient,
  GetItemCommand,
  type GetItemCommandInput,
  TransactWriteItemsCommand,
  type TransactWriteItemsCommandInput,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { EventBridgeEvent } from 'aws-lambda';
import { INVENTORY_SOURCE, type OrderPlacedDetail, STOCK_RESERVED, STOCK_UNAVAILABLE, type StockOutcomeDetail } from './contracts';

export type InventoryPorts = {
  transact: (input: TransactWriteItemsCommandInput) => Promise<unknown>;
  get: (input: GetItemCommandInput) => Promise<{ Item?: Record<string, { S?: string }> }>;
  publish: (entry: PutEventsRequestEntry) => Promise<void>;
};

/** Reservations live in the Inventory table next to the stock, under a key no SKU can have. */
export const reservationKey = (orderId: string) => ({ sku: { S: `ORDER#${orderId}` } });

export function outcomeEntry(busName: string, detail: StockOutcomeDetail): PutEventsRequestEntry {
  return {
    EventBusName: busName,
    Source: INVENTORY_SOURCE,
    DetailType: detail.outcome === 'RESERVED' ? STOCK_RESERVED : STOCK_UNAVAILABLE,
    Detail: JSON.stringify(detail),
  };
}

const cancelled = (error: unknown, index: number) =>
  error instanceof TransactionCanceledException && error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed';

/**
 * Reserves every line of an order, or none, exactly once per order id. The reservation record
 * and the stock decrements are one transaction; a redelivered OrderPlaced finds the record,
 * changes nothing and republishes the outcome it recorded the first time.
 */
export function createReserveStock(ports: InventoryPorts, tableName: string, busName: string, now = () => new Date()) {
  const record = (orderId: string, outcome: StockOutcomeDetail['outcome'], decidedAt: string) => ({
    Put: {
      TableName: tableName,
      Item: { ...reservationKey(orderId), outcome: { S: outcome }, decidedAt: { S: decidedAt } },
      ConditionExpression: 'attribute_not_exists(sku)',
    },
  });

  return async (event: EventBridgeEvent<string, OrderPlacedDetail>): Promise<StockOutcomeDetail> => {
    const { orderId, lines } = event.detail;
    const decidedAt = now().toISOString();
    let detail: StockOutcomeDetail = { orderId, outcome: 'RESERVED', decidedAt };
    try {
      await ports.transact({
        TransactItems: [
          record(orderId, 'RESERVED', decidedAt),
          ...lines.map((line) => ({
            Update: {
              TableName: tableName,
              Key: { sku: { S: line.sku } },
              UpdateExpression: 'SET available = available - :q',
              ConditionExpression: 'available >= :q',
              ExpressionAttributeValues: { ':q': { N: String(line.quantity) } },
            },
          })),
        ],
      });
    } catch (error) {
      if (cancelled(error, 0)) {
        // Seen before: answer with what was decided then, and touch no stock.
        const { Item } = await ports.get({ TableName: tableName, Key: reservationKey(orderId), ConsistentRead: true });
        detail = { orderId, outcome: Item?.outcome?.S === 'RESERVED' ? 'RESERVED' : 'UNAVAILABLE', decidedAt: Item?.decidedAt?.S ?? decidedAt };
      } else if (lines.some((_, i) => cancelled(error, i + 1))) {
        // Not enough of at least one SKU: nothing was decremented. Record the refusal once.
        detail = { orderId, outcome: 'UNAVAILABLE', decidedAt };
        try {
          await ports.transact({ TransactItems: [record(orderId, 'UNAVAILABLE', decidedAt)] });
        } catch (again) {
          if (!cancelled(again, 0)) throw again;
          const { Item } = await ports.get({ TableName: tableName, Key: reservationKey(orderId), ConsistentRead: true });
          detail = { orderId, outcome: Item?.outcome?.S === 'RESERVED' ? 'RESERVED' : 'UNAVAILABLE', decidedAt: Item?.decidedAt?.S ?? decidedAt };
        }
      } else {
        // Throttling or an outage: throw, so Lambda retries and then parks the event in the DLQ.
        throw error;
      }
    }
    await ports.publish(outcomeEntry(busName, detail));
    return detail;
  };
}

const dynamo = new DynamoDBClient({});
const events = new EventBridgeClient({});
export const handler = createReserveStock(
  {
    transact: (input) => dynamo.send(new TransactWriteItemsCommand(input)),
    get: (input) => dynamo.send(new GetItemCommand(input)) as Promise<{ Item?: Record<string, { S?: string }> }>,
    publish: async (entry) => {
      const result = await events.send(new PutEventsCommand({ Entries: [entry] }));
      if ((result.FailedEntryCount ?? 0) > 0) throw new Error(`PutEvents rejected the entry: ${result.Entries?.[0]?.ErrorCode ?? 'unknown'}`);
    },
  },
  process.env.INVENTORY_TABLE_NAME ?? '',
  process.env.EVENT_BUS_NAME ?? '',
);

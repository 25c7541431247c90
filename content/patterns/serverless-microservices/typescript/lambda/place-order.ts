import { randomUUID } from 'node:crypto';
import { DeleteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { MAX_LINES, MAX_QUANTITY, ORDER_PLACED, ORDERS_SOURCE, type OrderLine, type OrderPlacedDetail, isSku, json } from './contracts';

/** The calls the handler makes, so tests can stand in for DynamoDB and EventBridge. */
export type OrdersPorts = {
  putOrder: (item: OrderPlacedDetail) => Promise<void>;
  deleteOrder: (orderId: string) => Promise<void>;
  publish: (entry: PutEventsRequestEntry) => Promise<void>;
};

export function parseLines(body: string | undefined): OrderLine[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body ?? '');
  } catch {
    return undefined;
  }
  const lines = (value as { lines?: unknown } | null)?.lines;
  if (!Array.isArray(lines) || lines.length === 0 || lines.length > MAX_LINES) return undefined;
  const parsed: OrderLine[] = [];
  for (const line of lines as { sku?: unknown; quantity?: unknown }[]) {
    const { sku, quantity } = line ?? {};
    if (!isSku(sku) || typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) return undefined;
    if (parsed.some((p) => p.sku === sku)) return undefined;
    parsed.push({ sku, quantity });
  }
  return parsed;
}

/** The OrderPlaced event exactly as the Inventory service's rule expects it. */
export function orderPlacedEntry(busName: string, detail: OrderPlacedDetail): PutEventsRequestEntry {
  return { EventBusName: busName, Source: ORDERS_SOURCE, DetailType: ORDER_PLACED, Detail: JSON.stringify(detail) };
}

export function createPlaceOrder(ports: OrdersPorts, busName: string, now = () => new Date(), newId: () => string = randomUUID) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const lines = parseLines(event.body);
    if (!lines) {
      return json(400, { message: `Send {"lines": [{"sku": "ABC-1", "quantity": 1-${MAX_QUANTITY}}]} with 1-${MAX_LINES} distinct SKUs.` });
    }
    const order: OrderPlacedDetail = { orderId: newId(), lines, placedAt: now().toISOString() };
    try {
      await ports.putOrder(order);
    } catch (error) {
      console.error(JSON.stringify({ level: 'ERROR', message: 'order write failed', error: String(error) }));
      return json(500, { message: 'The order could not be stored; nothing was placed.' });
    }
    try {
      await ports.publish(orderPlacedEntry(busName, order));
    } catch (error) {
      // Two writes are not one transaction. Undo the first so the caller can simply retry;
      // if even that fails, the log names the order for someone to settle by hand.
      console.error(JSON.stringify({ level: 'ERROR', message: 'OrderPlaced publish failed', orderId: order.orderId, error: String(error) }));
      try {
        await ports.deleteOrder(order.orderId);
      } catch (undo) {
        console.error(JSON.stringify({ level: 'ERROR', message: 'orphaned order', orderId: order.orderId, error: String(undo) }));
      }
      return json(503, { message: 'The order was not placed; try again.' });
    }
    // Accepted, not confirmed: Inventory decides asynchronously and the status changes later.
    return json(202, { orderId: order.orderId, status: 'PLACED', lines });
  };
}

const dynamo = new DynamoDBClient({});
const events = new EventBridgeClient({});
const tableName = process.env.ORDERS_TABLE_NAME ?? '';
export const handler = createPlaceOrder(
  {
    putOrder: async (order) => {
      await dynamo.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            orderId: { S: order.orderId },
            status: { S: 'PLACED' },
            lines: { S: JSON.stringify(order.lines) },
            placedAt: { S: order.placedAt },
          },
          ConditionExpression: 'attribute_not_exists(orderId)',
        }),
      );
    },
    deleteOrder: async (orderId) => {
      await dynamo.send(new DeleteItemCommand({ TableName: tableName, Key: { orderId: { S: orderId } }, ConditionExpression: '#s = :placed', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':placed': { S: 'PLACED' } } }));
    },
    publish: async (entry) => {
      const result = await events.send(new PutEventsCommand({ Entries: [entry] }));
      // PutEvents reports a rejected entry in the response, not as an exception.
      if ((result.FailedEntryCount ?? 0) > 0) throw new Error(`PutEvents rejected the entry: ${result.Entries?.[0]?.ErrorCode ?? 'unknown'}`);
    },
  },
  process.env.EVENT_BUS_NAME ?? '',
);

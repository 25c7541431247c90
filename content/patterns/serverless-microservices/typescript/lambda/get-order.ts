import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { json } from './contracts';

export type OrderView = { orderId: string; status: string; lines: unknown; placedAt?: string; decidedAt?: string };
export type ReadOrder = (orderId: string) => Promise<OrderView | undefined>;

const ORDER_ID = /^[0-9a-f-]{36}$/;

export function createGetOrder(read: ReadOrder) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const orderId = event.pathParameters?.orderId;
    if (!orderId || !ORDER_ID.test(orderId)) return json(400, { message: 'An order id is the UUID POST /orders returned.' });
    try {
      const order = await read(orderId);
      return order ? json(200, order) : json(404, { message: `No order ${orderId}.` });
    } catch (error) {
      console.error(JSON.stringify({ level: 'ERROR', message: 'order read failed', orderId, error: String(error) }));
      return json(500, { message: 'Orders are unavailable right now.' });
    }
  };
}

const dynamo = new DynamoDBClient({});
export const handler = createGetOrder(async (orderId) => {
  const { Item } = await dynamo.send(new GetItemCommand({ TableName: process.env.ORDERS_TABLE_NAME ?? '', Key: { orderId: { S: orderId } } }));
  if (!Item) return undefined;
  return { orderId, status: Item.status?.S ?? 'UNKNOWN', lines: JSON.parse(Item.lines?.S ?? '[]'), placedAt: Item.placedAt?.S, decidedAt: Item.decidedAt?.S };
});

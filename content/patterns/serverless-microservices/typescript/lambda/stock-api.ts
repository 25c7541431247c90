import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { isSku, json } from './contracts';

export type StockPorts = { read: (sku: string) => Promise<number | undefined>; write: (sku: string, available: number) => Promise<void> };

export const MAX_STOCK = 1_000_000;

/** GET /stock/{sku} reads the level; PUT /stock/{sku} sets it (a restock). */
export function createStockApi(ports: StockPorts) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const sku = event.pathParameters?.sku;
    if (!isSku(sku)) return json(400, { message: 'A SKU is 1 to 32 upper-case letters, digits or dashes.' });
    try {
      if (event.requestContext.http.method === 'PUT') {
        let available: unknown;
        try {
          available = (JSON.parse(event.body ?? '') as { available?: unknown }).available;
        } catch {
          available = undefined;
        }
        if (typeof available !== 'number' || !Number.isInteger(available) || available < 0 || available > MAX_STOCK) {
          return json(400, { message: `Send {"available": 0-${MAX_STOCK}}.` });
        }
        await ports.write(sku, available);
        return json(200, { sku, available });
      }
      const available = await ports.read(sku);
      return available === undefined ? json(404, { message: `No stock record for ${sku}.` }) : json(200, { sku, available });
    } catch (error) {
      console.error(JSON.stringify({ level: 'ERROR', message: 'stock request failed', sku, error: String(error) }));
      return json(500, { message: 'Inventory is unavailable right now.' });
    }
  };
}

const dynamo = new DynamoDBClient({});
const tableName = process.env.INVENTORY_TABLE_NAME ?? '';
export const handler = createStockApi({
  read: async (sku) => {
    const { Item } = await dynamo.send(new GetItemCommand({ TableName: tableName, Key: { sku: { S: sku } } }));
    return Item?.available?.N === undefined ? undefined : Number(Item.available.N);
  },
  write: async (sku, available) => {
    await dynamo.send(new PutItemCommand({ TableName: tableName, Item: { sku: { S: sku }, available: { N: String(available) } } }));
  },
});

import { type AttributeValue, DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type OrderView, STATUSES } from './orders';

export const INDEX_NAME = 'ByCustomerStatus';
export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 100;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const CURSOR_KEYS = ['customerId', 'orderId', 'statusAt'];

/** Where a page of a customer's orders ends: the last item's table and index keys. */
export type PageKey = Record<'customerId' | 'orderId' | 'statusAt', string>;

/** The two reads the API makes, so tests can stand in for DynamoDB. */
export interface ViewReader {
  getOrder(orderId: string): Promise<OrderView | undefined>;
  ordersOfCustomer(customerId: string, status: string | undefined, limit: number, startKey?: PageKey): Promise<{ orders: OrderView[]; nextKey?: PageKey }>;
}

/** The public shape of a view item: the version it reflects is kept, index plumbing is not. */
export function present(view: OrderView): Record<string, unknown> {
  const rest: Partial<OrderView> = { ...view };
  delete rest.statusAt;
  delete rest.lastVersion;
  return { ...rest, version: view.lastVersion };
}

export function encodeCursor(key: PageKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Reads a cursor back, or undefined when it is not one this API issued for this customer. */
export function decodeCursor(cursor: string, customerId: string): PageKey | undefined {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const keys = Object.keys(key).sort();
    if (keys.join() !== CURSOR_KEYS.join() || !keys.every((k) => typeof key[k] === 'string')) return undefined;
    return key.customerId === customerId ? (key as PageKey) : undefined;
  } catch {
    return undefined;
  }
}

function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

const badRequest = (message: string) => json(400, { message });

export function createQueries(reader: ViewReader) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const params = event.pathParameters ?? {};
    const query = event.queryStringParameters ?? {};
    try {
      if (event.routeKey === 'GET /orders/{orderId}') {
        const orderId = params.orderId ?? '';
        if (!ID.test(orderId)) return badRequest('orderId must be 1-64 letters, digits, - or _.');
        if (Object.keys(query).length) return badRequest('This route takes no query parameters.');
        const view = await reader.getOrder(orderId);
        return view ? json(200, present(view)) : json(404, { message: `No order ${orderId} in the view.` });
      }
      if (event.routeKey === 'GET /customers/{customerId}/orders') {
        const customerId = params.customerId ?? '';
        if (!ID.test(customerId)) return badRequest('customerId must be 1-64 letters, digits, - or _.');
        const unknown = Object.keys(query).filter((k) => !['status', 'limit', 'cursor'].includes(k));
        if (unknown.length) return badRequest(`Unknown query parameters: ${unknown.join(', ')}.`);
        const status = query.status;
        if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) return badRequest(`status must be one of ${STATUSES.join(', ')}.`);
        const limit = query.limit === undefined ? DEFAULT_LIMIT : Number(query.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return badRequest(`limit must be an integer from 1 to ${MAX_LIMIT}.`);
        const startKey = query.cursor === undefined ? undefined : decodeCursor(query.cursor, customerId);
        if (query.cursor !== undefined && !startKey) return badRequest('cursor is not one this API returned for this customer.');
        const page = await reader.ordersOfCustomer(customerId, status, limit, startKey);
        return json(200, { orders: page.orders.map(present), next: page.nextKey ? encodeCursor(page.nextKey) : null });
      }
      return json(404, { message: 'No such route.' });
    } catch (error) {
      // Log the cause for operators; keep table names and internals out of the public answer.
      console.error(JSON.stringify({ level: 'ERROR', message: 'view query failed', routeKey: event.routeKey, error: String(error) }));
      return json(500, { message: 'The order view is unavailable right now.' });
    }
  };
}

export function dynamoReader(client: Pick<DynamoDBClient, 'send'>, tableName: string): ViewReader {
  return {
    async getOrder(orderId) {
      // Eventually consistent is enough: the view already trails the event table by the stream's delay.
      const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: { orderId: { S: orderId } } }));
      return Item ? (unmarshall(Item) as OrderView) : undefined;
    },
    async ordersOfCustomer(customerId, status, limit, startKey) {
      const values: Record<string, AttributeValue> = { ':customer': { S: customerId } };
      if (status) values[':status'] = { S: `${status}#` };
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: INDEX_NAME,
          KeyConditionExpression: status ? 'customerId = :customer AND begins_with(statusAt, :status)' : 'customerId = :customer',
          ExpressionAttributeValues: values,
          // Newest first within a status.
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: startKey ? Object.fromEntries(Object.entries(startKey).map(([k, v]) => [k, { S: v }])) : undefined,
        }),
      );
      const last = page.LastEvaluatedKey ? (unmarshall(page.LastEvaluatedKey) as PageKey) : undefined;
      return { orders: (page.Items ?? []).map((item) => unmarshall(item) as OrderView), nextKey: last };
    },
  };
}

const client = new DynamoDBClient({});
export const handler = createQueries(dynamoReader(client, process.env.VIEW_TABLE_NAME ?? ''));

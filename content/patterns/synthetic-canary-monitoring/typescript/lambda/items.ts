import { randomUUID } from 'node:crypto';
import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** What the API stores and returns for one item. */
export type Item = { id: string; name: string; createdAt: string };

/** The three table calls the handler makes, so tests can stand in for DynamoDB. */
export type ItemStore = {
  put(item: Item, expiresAt?: number): Promise<void>;
  get(id: string): Promise<Item | undefined>;
  delete(id: string): Promise<void>;
};

/** Longest item name accepted; longer names are refused before DynamoDB is called. */
export const MAX_NAME_LENGTH = 200;
/** Requests carrying this header come from the canary: their items expire on their own. */
export const SYNTHETIC_HEADER = 'x-synthetic-run';
/** How long a canary item may outlive a run that died before its DELETE step. */
export const SYNTHETIC_ITEM_TTL_SECONDS = 3600;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function dynamoStore(client: DynamoDBClient, tableName: string): ItemStore {
  return {
    async put(item, expiresAt) {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            id: { S: item.id },
            name: { S: item.name },
            createdAt: { S: item.createdAt },
            ...(expiresAt === undefined ? {} : { expiresAt: { N: String(expiresAt) } }),
          },
          // A fresh UUID never collides; the condition makes sure a create can never overwrite.
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
    },
    async get(id) {
      const { Item: found } = await client.send(new GetItemCommand({ TableName: tableName, Key: { id: { S: id } }, ConsistentRead: true }));
      if (!found) return undefined;
      return { id: found.id?.S ?? id, name: found.name?.S ?? '', createdAt: found.createdAt?.S ?? '' };
    },
    async delete(id) {
      await client.send(new DeleteItemCommand({ TableName: tableName, Key: { id: { S: id } } }));
    },
  };
}

/** Parses and checks a create request's body; returns the name or the reason it was refused. */
export function parseName(body: string | undefined, isBase64Encoded = false): { name: string } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(isBase64Encoded ? Buffer.from(body ?? '', 'base64').toString('utf8') : (body ?? ''));
  } catch {
    return { error: 'The body must be JSON: {"name": "..."}.' };
  }
  const name = (parsed as { name?: unknown } | null)?.name;
  if (typeof name !== 'string' || name.trim() === '') return { error: 'name must be a non-empty string.' };
  if (name.length > MAX_NAME_LENGTH) return { error: `name must be at most ${MAX_NAME_LENGTH} characters.` };
  return { name };
}

type Clock = () => Date;

export function createHandler(store: ItemStore, now: Clock = () => new Date()) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    try {
      switch (event.routeKey) {
        case 'POST /items': {
          const parsed = parseName(event.body, event.isBase64Encoded);
          if ('error' in parsed) return json(400, { message: parsed.error });
          const at = now();
          const item: Item = { id: randomUUID(), name: parsed.name, createdAt: at.toISOString() };
          const synthetic = event.headers?.[SYNTHETIC_HEADER] !== undefined;
          await store.put(item, synthetic ? Math.floor(at.getTime() / 1000) + SYNTHETIC_ITEM_TTL_SECONDS : undefined);
          return json(201, item, { location: `/items/${item.id}` });
        }
        case 'GET /items/{id}': {
          const id = event.pathParameters?.id ?? '';
          // An id that is not a UUID was never issued: answer without a table read.
          const item = UUID.test(id) ? await store.get(id) : undefined;
          return item ? json(200, item) : json(404, { message: 'No such item.' });
        }
        case 'DELETE /items/{id}': {
          const id = event.pathParameters?.id ?? '';
          if (!UUID.test(id)) return json(404, { message: 'No such item.' });
          // Deleting is idempotent: a second DELETE of the same id also answers 204.
          await store.delete(id);
          return { statusCode: 204 };
        }
        default:
          return json(404, { message: 'No such route.' });
      }
    } catch (error) {
      // Log the cause for operators; keep internals out of the public response.
      console.error(JSON.stringify({ level: 'ERROR', message: 'item request failed', routeKey: event.routeKey, error: String(error) }));
      return json(500, { message: 'The item service is unavailable right now.' });
    }
  };
}

function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

// Created once per execution environment, so warm invocations reuse the connection.
export const handler = createHandler(dynamoStore(new DynamoDBClient({}), process.env.ITEMS_TABLE_NAME ?? ''));

import { DynamoDBClient, type DynamoDBClientConfig, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** What a client stores and reads back. `writtenIn` shows which Region took the write. */
export type Item = { id: string; value: string; updatedAt: string; writtenIn: string };

/** The three calls the handler makes on this Region's replica, so tests can stand in for DynamoDB. */
export type Store = {
  /** One cheap read that proves the replica answers; throws when it does not. */
  probe(): Promise<void>;
  get(id: string): Promise<(Item & { expiresAt: number }) | undefined>;
  put(item: Item, expiresAt: number): Promise<void>;
};

/** A key no client can write (ids match ID_PATTERN), read by every health probe. */
export const HEALTH_KEY = '#health';
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_VALUE_LENGTH = 1000;
/** Items expire this long after their last write; DynamoDB's TTL deletes them in both Regions. */
export const RETENTION_SECONDS = 7 * 24 * 60 * 60;

/**
 * Route 53 counts a probe as failed unless the answer arrives within two seconds of connecting, and
 * a replica that slow is unhealthy anyway: one second per attempt, two attempts, then a 503 or 500
 * instead of a function hanging until its timeout.
 */
export const CLIENT_CONFIG = {
  maxAttempts: 2,
  requestHandler: { connectionTimeout: 1000, requestTimeout: 1000 },
} satisfies DynamoDBClientConfig;

export function dynamoStore(client: DynamoDBClient, tableName: string): Store {
  return {
    async probe() {
      // Data plane, not DescribeTable: the question is whether reads work here, now.
      await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: HEALTH_KEY } }, ProjectionExpression: 'pk' }));
    },
    async get(id) {
      const { Item: item } = await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: id } } }));
      if (!item) return undefined;
      return {
        id,
        value: item.value?.S ?? '',
        updatedAt: item.updatedAt?.S ?? '',
        writtenIn: item.writtenIn?.S ?? '',
        expiresAt: Number(item.expiresAt?.N ?? 0),
      };
    },
    async put(item, expiresAt) {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            pk: { S: item.id },
            value: { S: item.value },
            updatedAt: { S: item.updatedAt },
            writtenIn: { S: item.writtenIn },
            expiresAt: { N: String(expiresAt) },
          },
        }),
      );
    },
  };
}

type Response = APIGatewayProxyStructuredResultV2;

function json(statusCode: number, body: unknown): Response {
  return { statusCode, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(body) };
}

function log(level: 'INFO' | 'ERROR', message: string, fields: Record<string, unknown>): void {
  console[level === 'ERROR' ? 'error' : 'log'](JSON.stringify({ level, message, ...fields }));
}

/** The request body's `value`, or the reason it is refused. */
export function parseValue(event: APIGatewayProxyEventV2): { value: string } | { error: string } {
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return { error: 'The body must be JSON like {"value": "..."}.' };
  }
  const value = (body as { value?: unknown } | null)?.value;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_VALUE_LENGTH) {
    return { error: `"value" must be a string of 1 to ${MAX_VALUE_LENGTH} characters.` };
  }
  return { value };
}

export function createHandler(store: Store, region: string, now: () => Date = () => new Date()) {
  return async (event: APIGatewayProxyEventV2): Promise<Response> => {
    if (event.routeKey === 'GET /health') {
      try {
        await store.probe();
        return json(200, { status: 'ok', region });
      } catch (error) {
        // Route 53 only reads the status code; the cause stays in the logs.
        log('ERROR', 'health probe failed', { region, error: String(error) });
        return json(503, { status: 'unavailable', region });
      }
    }

    const id = event.pathParameters?.id ?? '';
    if (!ID_PATTERN.test(id)) return json(400, { message: 'An item id is 1 to 64 letters, digits, - or _.' });
    try {
      if (event.routeKey === 'PUT /items/{id}') {
        const parsed = parseValue(event);
        if ('error' in parsed) return json(400, { message: parsed.error });
        const at = now();
        const item: Item = { id, value: parsed.value, updatedAt: at.toISOString(), writtenIn: region };
        await store.put(item, Math.floor(at.getTime() / 1000) + RETENTION_SECONDS);
        return json(200, { ...item, servedBy: region });
      }
      if (event.routeKey === 'GET /items/{id}') {
        const found = await store.get(id);
        // TTL deletes lazily, sometimes days late: an expired item is already gone to callers.
        if (!found || found.expiresAt * 1000 <= now().getTime()) return json(404, { message: `No item ${id}.`, servedBy: region });
        const { expiresAt: _expiresAt, ...item } = found;
        return json(200, { ...item, servedBy: region });
      }
    } catch (error) {
      log('ERROR', 'request failed', { region, route: event.routeKey, id, error: String(error) });
      return json(500, { message: 'The service is unavailable right now.' });
    }
    return json(404, { message: 'Not found.' });
  };
}

// Created once per execution environment, so warm invocations reuse the connection. The SDK
// picks the Region Lambda runs in, so each function reaches only the replica next to it.
const region = process.env.AWS_REGION ?? '';
export const handler = createHandler(dynamoStore(new DynamoDBClient(CLIENT_CONFIG), process.env.TABLE_NAME ?? ''), region);

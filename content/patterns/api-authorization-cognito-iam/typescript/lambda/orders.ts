import { randomUUID } from 'node:crypto';
import { DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** Scopes the people routes demand; API Gateway checks them first, the handler checks again. */
export const READ_SCOPE = 'orders/read';
export const WRITE_SCOPE = 'orders/write';
/** At most this many orders come back from one list call. */
export const PAGE_SIZE = 50;

/** A person signed in to the user pool, as API Gateway's Cognito authorizer describes them. */
export type UserCaller = { kind: 'user'; sub: string; username: string; clientId: string; scopes: string[] };
/** A workload that signed the request with SigV4, as API Gateway's IAM authorization describes it. */
export type ServiceCaller = { kind: 'service'; arn: string; accountId: string };
export type Caller = UserCaller | ServiceCaller;

export type Order = { owner: string; orderId: string; item: string; quantity: number; createdAt: string; createdBy: string };

/** The two table calls the handler makes, so tests can stand in for DynamoDB. */
export type OrdersStore = {
  list(owner: string): Promise<Order[]>;
  put(order: Order): Promise<void>;
};

// Cognito user ids (`sub`) are UUIDs; anything else in the owner path segment is a mistake.
const OWNER = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Who called, read only from what API Gateway itself put in the request context after it
 * authorized the call: the verified token's claims, or the SigV4 signer's ARN. Headers and
 * body are never trusted for identity. Returns undefined when neither is there.
 */
export function callerFrom(event: APIGatewayProxyEvent): Caller | undefined {
  const claims = event.requestContext?.authorizer?.claims as Record<string, unknown> | undefined;
  if (claims && typeof claims.sub === 'string' && claims.sub !== '' && claims.token_use === 'access') {
    return {
      kind: 'user',
      sub: claims.sub,
      username: typeof claims.username === 'string' ? claims.username : '',
      clientId: typeof claims.client_id === 'string' ? claims.client_id : '',
      scopes: typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [],
    };
  }
  const identity = event.requestContext?.identity;
  if (identity?.userArn && identity.accountId) {
    return { kind: 'service', arn: identity.userArn, accountId: identity.accountId };
  }
  return undefined;
}

export type NewOrder = { item: string; quantity: number };

/** The same rules as the API's request model, so a call that skips the model is still checked. */
export function parseNewOrder(body: string | null): NewOrder | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body ?? '');
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { item, quantity, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return undefined;
  if (typeof item !== 'string' || item.trim().length === 0 || item.length > 100) return undefined;
  if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > 100) return undefined;
  return { item: item.trim(), quantity };
}

export function dynamoStore(client: DynamoDBClient, tableName: string): OrdersStore {
  return {
    async list(owner) {
      const result = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': { S: owner } },
          Limit: PAGE_SIZE,
        }),
      );
      return (result.Items ?? []).map((i) => ({
        owner: i.owner?.S ?? '',
        orderId: i.orderId?.S ?? '',
        item: i.item?.S ?? '',
        quantity: Number(i.quantity?.N ?? '0'),
        createdAt: i.createdAt?.S ?? '',
        createdBy: i.createdBy?.S ?? '',
      }));
    },
    async put(order) {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            owner: { S: order.owner },
            orderId: { S: order.orderId },
            item: { S: order.item },
            quantity: { N: String(order.quantity) },
            createdAt: { S: order.createdAt },
            createdBy: { S: order.createdBy },
          },
          // A fresh UUID never collides; the condition turns a bug that reuses one into an error, not an overwrite.
          ConditionExpression: 'attribute_not_exists(orderId)',
        }),
      );
    },
  };
}

type Route = 'GET /orders' | 'POST /orders' | 'GET /internal/orders/{owner}' | 'POST /internal/orders/{owner}';

export function createHandler(store: OrdersStore, now: () => Date = () => new Date(), newId: () => string = randomUUID) {
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const caller = callerFrom(event);
    // API Gateway never invokes this function without an authorized caller; if it ever
    // does (an authorizer removed by mistake), refuse rather than serve an anonymous call.
    if (!caller) return json(401, { message: 'No verified caller identity on this request.' });

    const route = `${event.httpMethod} ${event.resource}` as Route;
    const isServiceRoute = route.endsWith('/internal/orders/{owner}');
    // People routes are for tokens, service routes for SigV4; never the other way round.
    if (isServiceRoute !== (caller.kind === 'service')) {
      return json(403, { message: 'This route is not for your kind of caller.' });
    }

    let owner: string;
    if (caller.kind === 'user') {
      const needed = event.httpMethod === 'GET' ? READ_SCOPE : WRITE_SCOPE;
      if (!caller.scopes.includes(needed)) return json(403, { message: `The access token lacks the ${needed} scope.` });
      // A person only ever sees and writes their own orders: the key comes from the verified token.
      owner = caller.sub;
    } else {
      owner = event.pathParameters?.owner ?? '';
      if (!OWNER.test(owner)) return json(400, { message: 'The owner must be a user pool sub (a UUID).' });
    }

    try {
      switch (route) {
        case 'GET /orders':
        case 'GET /internal/orders/{owner}': {
          const orders = await store.list(owner);
          return json(200, { caller: describe(caller), owner, orders });
        }
        case 'POST /orders':
        case 'POST /internal/orders/{owner}': {
          const input = parseNewOrder(event.body);
          if (!input) return json(400, { message: 'Send {"item": "1-100 characters", "quantity": 1-100}.' });
          const order: Order = {
            owner,
            orderId: newId(),
            ...input,
            createdAt: now().toISOString(),
            createdBy: caller.kind === 'user' ? `user:${caller.sub}` : caller.arn,
          };
          await store.put(order);
          return json(201, { caller: describe(caller), order });
        }
        default:
          return json(404, { message: 'No such route.' });
      }
    } catch (error) {
      // Log the cause for operators; keep internals out of the response.
      console.error(JSON.stringify({ level: 'ERROR', message: 'orders call failed', route, error: String(error) }));
      return json(500, { message: 'Orders are unavailable right now.' });
    }
  };
}

/** What the caller is told about themselves: enough to see which identity the API saw. */
function describe(caller: Caller): Record<string, unknown> {
  return caller.kind === 'user'
    ? { type: 'user', sub: caller.sub, username: caller.username, clientId: caller.clientId, scopes: caller.scopes }
    : { type: 'service', arn: caller.arn, accountId: caller.accountId };
}

function json(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

// Created once per execution environment, so warm invocations reuse the connection.
export const handler = createHandler(dynamoStore(new DynamoDBClient({}), process.env.ORDERS_TABLE_NAME ?? ''));

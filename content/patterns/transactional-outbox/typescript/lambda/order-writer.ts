import { randomUUID } from 'node:crypto';
import { DynamoDBClient, TransactWriteItemsCommand, type TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { EVENT_SOURCE, OUTBOX_RETENTION_DAYS, type OutboxItem } from './outbox-item';

const ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;
const CURRENCY_PATTERN = /^[A-Z]{3}$/;
const MAX_AMOUNT = 10_000_000;
const MAX_REASON = 200;

export type NewOrder = { orderId: string; customerId: string; amount: number; currency: string };
export type Cancellation = { orderId: string; expectedVersion: number; reason: string };
export type Tables = { orders: string; outbox: string };

/** Raised for a request the writer refuses before touching DynamoDB. */
export class BadRequest extends Error {}

function object(body: string | undefined): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    throw new BadRequest('The body must be JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new BadRequest('The body must be a JSON object.');
  return parsed as Record<string, unknown>;
}

export function parseNewOrder(body: string | undefined): NewOrder {
  const { orderId, customerId, amount, currency } = object(body);
  if (typeof orderId !== 'string' || !ID_PATTERN.test(orderId)) throw new BadRequest('orderId: 1-64 letters, digits or hyphens.');
  if (typeof customerId !== 'string' || !ID_PATTERN.test(customerId)) throw new BadRequest('customerId: 1-64 letters, digits or hyphens.');
  if (!Number.isInteger(amount) || (amount as number) < 1 || (amount as number) > MAX_AMOUNT) {
    throw new BadRequest(`amount: a whole number of cents from 1 to ${MAX_AMOUNT}.`);
  }
  if (typeof currency !== 'string' || !CURRENCY_PATTERN.test(currency)) throw new BadRequest('currency: a three-letter ISO code.');
  return { orderId, customerId, amount: amount as number, currency };
}

export function parseCancellation(orderId: string | undefined, body: string | undefined): Cancellation {
  if (typeof orderId !== 'string' || !ID_PATTERN.test(orderId)) throw new BadRequest('The order id in the path is not valid.');
  const { expectedVersion, reason } = object(body);
  if (!Number.isInteger(expectedVersion) || (expectedVersion as number) < 1) throw new BadRequest('expectedVersion: the version you last read, 1 or more.');
  if (typeof reason !== 'string' || reason.length < 1 || reason.length > MAX_REASON) throw new BadRequest(`reason: 1-${MAX_REASON} characters.`);
  return { orderId, expectedVersion: expectedVersion as number, reason };
}

function outboxItem(eventId: string, orderId: string, version: number, eventType: string, at: Date, data: Record<string, unknown>): OutboxItem {
  const occurredAt = at.toISOString();
  return {
    eventId,
    aggregateId: orderId,
    version,
    source: EVENT_SOURCE,
    eventType,
    // The event is built here, from the very values written to the order in the same call.
    detail: JSON.stringify({ eventId, orderId, version, occurredAt, ...data }),
    occurredAt,
    expiresAt: Math.floor(at.getTime() / 1000) + OUTBOX_RETENTION_DAYS * 86_400,
  };
}

/**
 * One transaction: the new order, and the OrderPlaced event about it. The condition on the
 * order makes a repeated order id fail the whole transaction, so no second event appears.
 */
export function placeOrderTransaction(order: NewOrder, eventId: string, at: Date, tables: Tables): TransactWriteItemsCommandInput {
  const version = 1;
  const status = 'PLACED';
  const event = outboxItem(eventId, order.orderId, version, 'OrderPlaced', at, {
    customerId: order.customerId,
    amount: order.amount,
    currency: order.currency,
    status,
  });
  return {
    // The same token on a retry of this call makes DynamoDB treat it as the same transaction.
    ClientRequestToken: eventId,
    TransactItems: [
      {
        Put: {
          TableName: tables.orders,
          Item: marshall({ ...order, status, version, updatedAt: event.occurredAt }),
          ConditionExpression: 'attribute_not_exists(orderId)',
        },
      },
      { Put: { TableName: tables.outbox, Item: marshall(event), ConditionExpression: 'attribute_not_exists(eventId)' } },
    ],
  };
}

/**
 * One transaction: the order moves from PLACED to CANCELLED only if it is still at the version
 * the caller read, and the OrderCancelled event is written with the version that results.
 */
export function cancelOrderTransaction(cancel: Cancellation, eventId: string, at: Date, tables: Tables): TransactWriteItemsCommandInput {
  const version = cancel.expectedVersion + 1;
  const status = 'CANCELLED';
  const event = outboxItem(eventId, cancel.orderId, version, 'OrderCancelled', at, { status, reason: cancel.reason });
  return {
    ClientRequestToken: eventId,
    TransactItems: [
      {
        Update: {
          TableName: tables.orders,
          Key: marshall({ orderId: cancel.orderId }),
          UpdateExpression: 'SET #status = :cancelled, #version = :next, updatedAt = :at, cancelReason = :reason',
          ConditionExpression: '#status = :placed AND #version = :expected',
          ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
          ExpressionAttributeValues: marshall({
            ':cancelled': status,
            ':placed': 'PLACED',
            ':next': version,
            ':expected': cancel.expectedVersion,
            ':at': event.occurredAt,
            ':reason': cancel.reason,
          }),
        },
      },
      { Put: { TableName: tables.outbox, Item: marshall(event), ConditionExpression: 'attribute_not_exists(eventId)' } },
    ],
  };
}

/** True when DynamoDB cancelled the transaction because the order's own condition failed. */
export function orderConditionFailed(error: unknown): boolean {
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] } | undefined;
  return e?.name === 'TransactionCanceledException' && e.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
}

type Sender = { send(command: TransactWriteItemsCommand): Promise<unknown> };
type Log = (line: Record<string, unknown>) => void;

export type WriterDeps = { client: Sender; tables: Tables; newId?: () => string; now?: () => Date; log?: Log };

const reply = (statusCode: number, body: Record<string, unknown>): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export function createHandler({ client, tables, newId = randomUUID, now = () => new Date(), log = () => {} }: WriterDeps) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const body = event.body && event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    const eventId = newId();
    let input: TransactWriteItemsCommandInput;
    let conflict: string;
    let answer: Record<string, unknown>;
    try {
      if (event.routeKey === 'POST /orders') {
        const order = parseNewOrder(body);
        input = placeOrderTransaction(order, eventId, now(), tables);
        conflict = `Order ${order.orderId} already exists.`;
        answer = { orderId: order.orderId, status: 'PLACED', version: 1, eventId };
      } else if (event.routeKey === 'POST /orders/{orderId}/cancel') {
        const cancel = parseCancellation(event.pathParameters?.orderId, body);
        input = cancelOrderTransaction(cancel, eventId, now(), tables);
        conflict = `Order ${cancel.orderId} is not PLACED at version ${cancel.expectedVersion}.`;
        answer = { orderId: cancel.orderId, status: 'CANCELLED', version: cancel.expectedVersion + 1, eventId };
      } else {
        return reply(404, { message: 'Not found.' });
      }
    } catch (error) {
      if (error instanceof BadRequest) return reply(400, { message: error.message });
      throw error;
    }

    try {
      await client.send(new TransactWriteItemsCommand(input));
    } catch (error) {
      // A failed condition cancels both writes: neither the order change nor its event exists.
      if (orderConditionFailed(error)) return reply(409, { message: conflict });
      log({ level: 'ERROR', message: 'order transaction failed', eventId, error: String(error) });
      return reply(500, { message: 'The order could not be saved; please retry.' });
    }
    log({ level: 'INFO', message: 'order saved with its event', ...answer });
    return reply(answer.status === 'PLACED' ? 201 : 200, answer);
  };
}

export const handler = createHandler({
  client: new DynamoDBClient({}),
  tables: { orders: process.env.ORDERS_TABLE_NAME ?? '', outbox: process.env.OUTBOX_TABLE_NAME ?? '' },
  log: (line) => process.stdout.write(`${JSON.stringify(line)}\n`),
});

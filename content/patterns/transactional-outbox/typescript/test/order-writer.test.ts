import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TransactionCanceledException, TransactWriteItemsCommand, type TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createHandler } from '../lambda/order-writer';
import { EVENT_SOURCE, OUTBOX_RETENTION_DAYS } from '../lambda/outbox-item';

const tables = { orders: 'Orders-table', outbox: 'Outbox-table' };
const AT = new Date('2026-12-05T10:00:00.000Z');
const EVENT_ID = '0b7c6f0e-5d55-4d8f-9a53-2f1b8b8a7c01';

/** A DynamoDB client stand-in that records each command and answers as told. */
function stubClient(answer: (input: TransactWriteItemsCommandInput) => unknown = () => ({})) {
  const sent: TransactWriteItemsCommandInput[] = [];
  return {
    sent,
    client: {
      async send(command: TransactWriteItemsCommand) {
        assert.ok(command instanceof TransactWriteItemsCommand);
        sent.push(command.input);
        const result = answer(command.input);
        if (result instanceof Error) throw result;
        return result;
      },
    },
  };
}

function request(routeKey: string, body: unknown, orderId?: string): APIGatewayProxyEventV2 {
  return {
    routeKey,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
    pathParameters: orderId ? { orderId } : undefined,
  } as unknown as APIGatewayProxyEventV2;
}

const writer = (client: ReturnType<typeof stubClient>['client']) => createHandler({ client, tables, newId: () => EVENT_ID, now: () => AT });

const canceled = (...codes: string[]) =>
  new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

const ORDER = { orderId: 'o-1001', customerId: 'c-42', amount: 2599, currency: 'EUR' };

describe('order writer', () => {
  test('writes the order and its OrderPlaced event in one transaction, each under its condition', async () => {
    const stub = stubClient();
    const response = await writer(stub.client)(request('POST /orders', ORDER));
    assert.equal(response.statusCode, 201);
    assert.deepEqual(JSON.parse(response.body!), { orderId: 'o-1001', status: 'PLACED', version: 1, eventId: EVENT_ID });

    assert.equal(stub.sent.length, 1);
    const [input] = stub.sent;
    assert.equal(input!.ClientRequestToken, EVENT_ID);
    const [order, event] = input!.TransactItems!;
    assert.equal(input!.TransactItems!.length, 2);
    assert.equal(order!.Put!.TableName, 'Orders-table');
    assert.equal(order!.Put!.ConditionExpression, 'attribute_not_exists(orderId)');
    assert.equal(event!.Put!.TableName, 'Outbox-table');
    assert.equal(event!.Put!.ConditionExpression, 'attribute_not_exists(eventId)');

    const saved = unmarshall(order!.Put!.Item!);
    assert.deepEqual(saved, { ...ORDER, status: 'PLACED', version: 1, updatedAt: AT.toISOString() });
    const outbox = unmarshall(event!.Put!.Item!);
    assert.deepEqual(
      { ...outbox, detail: undefined },
      {
        eventId: EVENT_ID,
        aggregateId: 'o-1001',
        version: 1,
        source: EVENT_SOURCE,
        eventType: 'OrderPlaced',
        detail: undefined,
        occurredAt: AT.toISOString(),
        expiresAt: AT.getTime() / 1000 + OUTBOX_RETENTION_DAYS * 86_400,
      },
    );
    // The event says exactly what the order item says, because both come from the same values.
    const detail = JSON.parse(outbox.detail as string);
    assert.deepEqual(detail, {
      eventId: EVENT_ID,
      orderId: saved.orderId,
      version: saved.version,
      occurredAt: saved.updatedAt,
      customerId: saved.customerId,
      amount: saved.amount,
      currency: saved.currency,
      status: saved.status,
    });
  });

  test('cancels only a PLACED order at the expected version and gives the event the version that results', async () => {
    const stub = stubClient();
    const response = await writer(stub.client)(request('POST /orders/{orderId}/cancel', { expectedVersion: 1, reason: 'changed my mind' }, 'o-1001'));
    assert.equal(response.statusCode, 200);
    const [update, event] = stub.sent[0]!.TransactItems!;
    assert.equal(update!.Update!.TableName, 'Orders-table');
    assert.deepEqual(unmarshall(update!.Update!.Key!), { orderId: 'o-1001' });
    assert.equal(update!.Update!.ConditionExpression, '#status = :placed AND #version = :expected');
    const values = unmarshall(update!.Update!.ExpressionAttributeValues!);
    assert.deepEqual([values[':placed'], values[':expected'], values[':cancelled'], values[':next']], ['PLACED', 1, 'CANCELLED', 2]);
    const outbox = unmarshall(event!.Put!.Item!);
    assert.equal(outbox.eventType, 'OrderCancelled');
    assert.equal(outbox.version, 2);
    assert.deepEqual(JSON.parse(outbox.detail as string), {
      eventId: EVENT_ID,
      orderId: 'o-1001',
      version: values[':next'],
      occurredAt: values[':at'],
      status: values[':cancelled'],
      reason: values[':reason'],
    });
  });

  test('answers 409 when the order condition cancels the transaction, so neither item is written', async () => {
    const stub = stubClient(() => canceled('ConditionalCheckFailed', 'None'));
    const again = await writer(stub.client)(request('POST /orders', ORDER));
    assert.equal(again.statusCode, 409);
    assert.match(JSON.parse(again.body!).message, /already exists/);
    const stale = await writer(stub.client)(request('POST /orders/{orderId}/cancel', { expectedVersion: 3, reason: 'late' }, 'o-1001'));
    assert.equal(stale.statusCode, 409);
    assert.match(JSON.parse(stale.body!).message, /not PLACED at version 3/);
    // Each attempt was one transaction holding both writes: DynamoDB applies all of it or none.
    for (const input of stub.sent) assert.equal(input.TransactItems!.length, 2);
  });

  test('refuses a malformed request with 400 before calling DynamoDB', async () => {
    const stub = stubClient();
    const handler = writer(stub.client);
    const bad: [string, unknown, string?][] = [
      ['POST /orders', 'not json'],
      ['POST /orders', [ORDER]],
      ['POST /orders', { ...ORDER, orderId: 'o 1"' }],
      ['POST /orders', { ...ORDER, amount: 25.99 }],
      ['POST /orders', { ...ORDER, amount: 0 }],
      ['POST /orders', { ...ORDER, amount: true }],
      ['POST /orders', { ...ORDER, currency: 'euro' }],
      ['POST /orders/{orderId}/cancel', { expectedVersion: 0, reason: 'x' }, 'o-1001'],
      ['POST /orders/{orderId}/cancel', { expectedVersion: 1, reason: '' }, 'o-1001'],
      ['POST /orders/{orderId}/cancel', { expectedVersion: 1, reason: 'x'.repeat(201) }, 'o-1001'],
    ];
    for (const [route, body, id] of bad) assert.equal((await handler(request(route, body, id))).statusCode, 400, JSON.stringify(body));
    assert.equal(stub.sent.length, 0);
  });

  test('answers a generic 500 when the transaction fails for any other reason', async () => {
    const lines: Record<string, unknown>[] = [];
    const stub = stubClient(() => canceled('None', 'TransactionConflict'));
    const handler = createHandler({ client: stub.client, tables, newId: () => EVENT_ID, now: () => AT, log: (l) => lines.push(l) });
    const response = await handler(request('POST /orders', ORDER));
    assert.equal(response.statusCode, 500);
    assert.doesNotMatch(response.body!, /table|Transaction/i);
    assert.equal(lines[0]?.message, 'order transaction failed');
  });
});

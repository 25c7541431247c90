import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { MAX_LIMIT, createQueries, decodeCursor, dynamoReader, encodeCursor } from '../lambda/order-queries';
import { VIEW, account, event, projectorFor, batch, insertRecord } from './histories';

function request(routeKey: string, pathParameters: Record<string, string>, query?: Record<string, string>): APIGatewayProxyEventV2 {
  return { routeKey, pathParameters, queryStringParameters: query } as unknown as APIGatewayProxyEventV2;
}
const order = (orderId: string) => request('GET /orders/{orderId}', { orderId });
const ordersOf = (customerId: string, query?: Record<string, string>) => request('GET /customers/{customerId}/orders', { customerId }, query);
const body = (response: { body?: string }) => JSON.parse(String(response.body));

/** A view holding four orders of customer c-1 and one of c-2, projected from their events. */
async function projectedView() {
  const events = [
    event('o-1', 1, 'OrderPlaced', { customerId: 'c-1' }, 1),
    event('o-1', 2, 'ItemAdded', { sku: 'mug', quantity: 2, unitPriceCents: 1250 }, 2),
    event('o-1', 3, 'OrderPaid', {}, 3),
    event('o-2', 1, 'OrderPlaced', { customerId: 'c-1' }, 4),
    event('o-2', 2, 'OrderPaid', {}, 5),
    event('o-3', 1, 'OrderPlaced', { customerId: 'c-1' }, 6),
    event('o-4', 1, 'OrderPlaced', { customerId: 'c-1' }, 7),
    event('o-4', 2, 'OrderPaid', {}, 8),
    event('o-5', 1, 'OrderPlaced', { customerId: 'c-2' }, 9),
  ];
  const fake = account(events);
  await projectorFor(fake)(batch(events.map(insertRecord)));
  fake.calls.length = 0;
  return fake;
}

describe('order queries', () => {
  test('answers one order with the version it reflects and without index plumbing', async () => {
    const fake = await projectedView();
    const response = await createQueries(dynamoReader(fake, VIEW))(order('o-1'));
    assert.equal(response.statusCode, 200);
    assert.deepEqual(body(response), {
      orderId: 'o-1',
      customerId: 'c-1',
      status: 'PAID',
      lines: [{ sku: 'mug', quantity: 2, unitPriceCents: 1250 }],
      itemCount: 2,
      totalCents: 2500,
      placedAt: '2026-01-01T09:01:00.000Z',
      updatedAt: '2026-01-01T09:03:00.000Z',
      version: 3,
    });
    assert.equal((await createQueries(dynamoReader(fake, VIEW))(order('o-404'))).statusCode, 404);
  });

  test("lists a customer's orders of one status, newest first, a page at a time", async () => {
    const fake = await projectedView();
    const queries = createQueries(dynamoReader(fake, VIEW));
    const first = await queries(ordersOf('c-1', { status: 'PAID', limit: '2' }));
    assert.equal(first.statusCode, 200);
    assert.deepEqual(body(first).orders.map((o: { orderId: string }) => o.orderId), ['o-4', 'o-2']);
    const input = fake.calls.find((c) => c.name === 'Query')!.input;
    assert.deepEqual(
      [input.IndexName, input.KeyConditionExpression, input.ExpressionAttributeValues, input.ScanIndexForward, input.Limit],
      ['ByCustomerStatus', 'customerId = :customer AND begins_with(statusAt, :status)', { ':customer': { S: 'c-1' }, ':status': { S: 'PAID#' } }, false, 2],
    );
    const second = await queries(ordersOf('c-1', { status: 'PAID', limit: '2', cursor: body(first).next }));
    assert.deepEqual(body(second).orders.map((o: { orderId: string }) => o.orderId), ['o-1']);
    assert.equal(body(second).next, null);
    const all = await queries(ordersOf('c-1'));
    assert.deepEqual(body(all).orders.map((o: { orderId: string }) => o.orderId).sort(), ['o-1', 'o-2', 'o-3', 'o-4']);
  });

  test('refuses bad ids, statuses, limits, unknown parameters and foreign cursors without a query', async () => {
    const fake = await projectedView();
    const queries = createQueries(dynamoReader(fake, VIEW));
    const cursorOfC2 = encodeCursor({ customerId: 'c-2', orderId: 'o-5', statusAt: 'PLACED#x' });
    const bad = [
      order('o 1'),
      order('x'.repeat(65)),
      request('GET /orders/{orderId}', { orderId: 'o-1' }, { fields: 'all' }),
      ordersOf('c-1', { status: 'LOST' }),
      ordersOf('c-1', { limit: '0' }),
      ordersOf('c-1', { limit: String(MAX_LIMIT + 1) }),
      ordersOf('c-1', { limit: '2.5' }),
      ordersOf('c-1', { sort: 'asc' }),
      ordersOf('c-1', { cursor: 'not-a-cursor' }),
      ordersOf('c-1', { cursor: cursorOfC2 }),
      ordersOf('c-1', { cursor: Buffer.from(JSON.stringify({ customerId: 'c-1', orderId: 'o-1' })).toString('base64url') }),
    ];
    for (const r of bad) assert.equal((await queries(r)).statusCode, 400, JSON.stringify(r));
    assert.equal(fake.calls.length, 0);
    assert.deepEqual(decodeCursor(encodeCursor({ customerId: 'c-1', orderId: 'o-1', statusAt: 'PAID#t' }), 'c-1'), { customerId: 'c-1', orderId: 'o-1', statusAt: 'PAID#t' });
  });

  test('answers 500 without leaking the cause when DynamoDB fails', async () => {
    const fake = await projectedView();
    fake.failWith = () => new Error('AccessDeniedException on table secret-view-table');
    const original = console.error;
    console.error = () => {};
    try {
      const response = await createQueries(dynamoReader(fake, VIEW))(order('o-1'));
      assert.equal(response.statusCode, 500);
      assert.doesNotMatch(String(response.body), /secret-view-table|AccessDenied/);
    } finally {
      console.error = original;
    }
  });
});

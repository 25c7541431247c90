import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { OrderPlacedDetail } from '../lambda/contracts';
import { type OrdersPorts, createPlaceOrder } from '../lambda/place-order';

process.env.AWS_REGION ??= 'us-east-1';

const NOW = () => new Date('2026-12-05T10:00:00.000Z');
const ID = () => '0b9f3c8e-2d1a-4c5e-9f00-123456789abc';
const post = (body: unknown) => ({ body: typeof body === 'string' ? body : JSON.stringify(body) }) as unknown as APIGatewayProxyEventV2;

function fakePorts(failPublish = false, failDelete = false) {
  const calls: { stored: OrderPlacedDetail[]; deleted: string[]; published: PutEventsRequestEntry[] } = { stored: [], deleted: [], published: [] };
  const ports: OrdersPorts = {
    putOrder: async (o) => void calls.stored.push(o),
    deleteOrder: async (id) => {
      if (failDelete) throw new Error('delete failed');
      calls.deleted.push(id);
    },
    publish: async (e) => {
      if (failPublish) throw new Error('PutEvents rejected the entry: InternalFailure');
      calls.published.push(e);
    },
  };
  return { ports, calls };
}

describe('place order', () => {
  test('stores the order, then publishes one OrderPlaced with the order on the shared bus', async () => {
    const { ports, calls } = fakePorts();
    const response = await createPlaceOrder(ports, 'CommerceBus', NOW, ID)(post({ lines: [{ sku: 'TENT-2P', quantity: 1 }, { sku: 'STOVE', quantity: 2 }] }));
    assert.equal(response.statusCode, 202);
    const order = { orderId: ID(), lines: [{ sku: 'TENT-2P', quantity: 1 }, { sku: 'STOVE', quantity: 2 }], placedAt: '2026-12-05T10:00:00.000Z' };
    assert.deepEqual(calls.stored, [order]);
    assert.deepEqual(calls.published, [{ EventBusName: 'CommerceBus', Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify(order) }]);
    assert.deepEqual(JSON.parse(String(response.body)), { orderId: ID(), status: 'PLACED', lines: order.lines });
  });

  test('refuses empty, oversized, duplicated or malformed lines without storing or publishing', async () => {
    const { ports, calls } = fakePorts();
    const place = createPlaceOrder(ports, 'CommerceBus', NOW, ID);
    const bad = [
      { lines: [] },
      { lines: Array.from({ length: 11 }, (_, i) => ({ sku: `SKU-${i}`, quantity: 1 })) },
      { lines: [{ sku: 'TENT', quantity: 1 }, { sku: 'TENT', quantity: 2 }] },
      { lines: [{ sku: 'tent', quantity: 1 }] },
      { lines: [{ sku: 'TENT', quantity: 0 }] },
      { lines: [{ sku: 'TENT', quantity: 1.5 }] },
      { lines: [{ sku: 'TENT', quantity: 101 }] },
      '{not json',
      null,
    ];
    for (const body of bad) assert.equal((await place(post(body))).statusCode, 400, JSON.stringify(body));
    assert.deepEqual(calls, { stored: [], deleted: [], published: [] });
  });

  test('undoes the stored order and answers 503 when OrderPlaced cannot be published', async () => {
    const original = console.error;
    console.error = () => {};
    try {
      const { ports, calls } = fakePorts(true);
      const response = await createPlaceOrder(ports, 'CommerceBus', NOW, ID)(post({ lines: [{ sku: 'TENT', quantity: 1 }] }));
      assert.equal(response.statusCode, 503);
      assert.deepEqual(calls.deleted, [ID()]);
    } finally {
      console.error = original;
    }
  });

  test('logs the order id as orphaned when even the undo fails', async () => {
    const original = console.error;
    const logged: string[] = [];
    console.error = (line: string) => logged.push(line);
    try {
      const { ports } = fakePorts(true, true);
      const response = await createPlaceOrder(ports, 'CommerceBus', NOW, ID)(post({ lines: [{ sku: 'TENT', quantity: 1 }] }));
      assert.equal(response.statusCode, 503);
      assert.ok(logged.some((l) => JSON.parse(l).message === 'orphaned order' && JSON.parse(l).orderId === ID()));
    } finally {
      console.error = original;
    }
  });
});

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { PAYMENT_LIMIT_CENTS, SOLD_OUT_PREFIX } from '../lambda/contract';
import { ChoreographySagaStack } from '../lib/choreography-saga-stack';
import { appFromCdkJson } from './cdk-app';
import { sagaWorld, submitted } from './saga-world';

process.env.AWS_REGION ??= 'us-east-1';

const HAPPY = { orderId: 'ord-1001', amountCents: 4_200, sku: 'BOOK-42', quantity: 1 };
const DECLINED = { orderId: 'ord-1002', amountCents: PAYMENT_LIMIT_CENTS + 1, sku: 'BOOK-42', quantity: 1 };
const SOLD_OUT = { orderId: 'ord-1003', amountCents: 4_200, sku: `${SOLD_OUT_PREFIX}LAMP`, quantity: 2 };

// The whole saga, end to end: real handlers over fake tables, connected only by the synthesized rules.
describe("the order saga, routed by the stack's own rules", () => {
  let template: Template;
  before(() => {
    template = Template.fromStack(new ChoreographySagaStack(appFromCdkJson(), 'Saga-Under-Test'));
  });

  test('settles a good order as CONFIRMED, CHARGED and RESERVED, one event per step', async () => {
    const world = sagaWorld(template);
    await world.put(submitted(HAPPY));
    assert.deepEqual(world.published.map((e) => e['detail-type']), ['OrderPlaced', 'PaymentCompleted', 'StockReserved', 'OrderConfirmed']);
    assert.deepEqual(world.statusOf(HAPPY.orderId), { order: 'CONFIRMED', payment: 'CHARGED', stock: 'RESERVED' });
    assert.deepEqual(world.deliveries.map((d) => d.service), ['orders', 'payments', 'inventory', 'orders']);
  });

  test('cancels an order over the card limit after the payment is declined, without reaching inventory', async () => {
    const world = sagaWorld(template);
    await world.put(submitted(DECLINED));
    assert.deepEqual(world.published.map((e) => e['detail-type']), ['OrderPlaced', 'PaymentFailed', 'OrderCancelled']);
    assert.deepEqual(world.statusOf(DECLINED.orderId), { order: 'CANCELLED', payment: 'DECLINED', stock: undefined });
    assert.equal(world.tables.orders.get(DECLINED.orderId)?.cancelReason, 'PAYMENT_DECLINED');
    assert.deepEqual(world.published.at(-1)?.detail, { orderId: DECLINED.orderId, reason: 'PAYMENT_DECLINED' });
  });

  test('refunds the charge and then cancels the order when the stock is sold out', async () => {
    const world = sagaWorld(template);
    await world.put(submitted(SOLD_OUT));
    assert.deepEqual(world.published.map((e) => e['detail-type']), ['OrderPlaced', 'PaymentCompleted', 'StockFailed', 'PaymentRefunded', 'OrderCancelled']);
    assert.deepEqual(world.statusOf(SOLD_OUT.orderId), { order: 'CANCELLED', payment: 'REFUNDED', stock: 'FAILED' });
    assert.equal(world.tables.orders.get(SOLD_OUT.orderId)?.cancelReason, 'OUT_OF_STOCK');
    assert.deepEqual(world.deliveries.map((d) => d.service), ['orders', 'payments', 'inventory', 'payments', 'orders']);
  });

  test('ends every path in the same state when each event is delivered twice, charging and refunding once', async () => {
    for (const order of [HAPPY, DECLINED, SOLD_OUT]) {
      const once = sagaWorld(template);
      await once.put(submitted(order));
      const twice = sagaWorld(template, { duplicate: true });
      await twice.put(submitted(order));
      assert.deepEqual(twice.statusOf(order.orderId), once.statusOf(order.orderId), order.orderId);
      // Each step changed state exactly once; every other delivery was a no-op write plus, at most, a republish.
      const advanced = twice.deliveries.filter((d) => d.outcome.action === 'advanced').map((d) => `${d.service}:${d.event['detail-type']}`);
      assert.deepEqual(advanced, once.deliveries.map((d) => `${d.service}:${d.event['detail-type']}`), order.orderId);
      assert.ok(twice.deliveries.length > once.deliveries.length);
      assert.equal(twice.tables.payments.items.size, 1);
      assert.deepEqual(twice.tables.payments.get(order.orderId), once.tables.payments.get(order.orderId));
    }
  });

  test('keeps sagas for different orders apart, each keyed by its own order id', async () => {
    const world = sagaWorld(template);
    for (const order of [HAPPY, DECLINED, SOLD_OUT]) await world.put(submitted(order));
    assert.deepEqual(world.statusOf(HAPPY.orderId), { order: 'CONFIRMED', payment: 'CHARGED', stock: 'RESERVED' });
    assert.deepEqual(world.statusOf(DECLINED.orderId), { order: 'CANCELLED', payment: 'DECLINED', stock: undefined });
    assert.deepEqual(world.statusOf(SOLD_OUT.orderId), { order: 'CANCELLED', payment: 'REFUNDED', stock: 'FAILED' });
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type DetailType,
  EVENT_TYPES,
  InvalidEvent,
  ORDER_STATES,
  PAYMENT_LIMIT_CENTS,
  PAYMENT_STATES,
  type SagaEvent,
  SOURCES,
  STOCK_STATES,
  UnknownOrder,
} from '../lambda/contract';
import { createInventoryHandler } from '../lambda/inventory';
import { createOrdersHandler } from '../lambda/orders';
import { createPaymentsHandler, paymentIdFor } from '../lambda/payments';
import { eventBridgePublisher } from '../lambda/publisher';
import { dynamoSagaTable, type StateMachine } from '../lambda/saga-table';
import { FakeDynamo, FakeEventBridge, quietly } from './fakes';

process.env.AWS_REGION ??= 'us-east-1';
const NOW = () => new Date('2026-12-05T09:00:00.000Z');
const ORDER = { orderId: 'ord-7', amountCents: 12_500, sku: 'MUG-BLUE', quantity: 3 };

const event = (detailType: DetailType, detail: unknown, source: string = EVENT_TYPES[detailType]): SagaEvent => ({
  source,
  'detail-type': detailType,
  detail,
});

function service<H>(create: (deps: any) => H, machine: StateMachine, source: string) {
  const table = new FakeDynamo();
  const bus = new FakeEventBridge();
  const handler = create({ table: dynamoSagaTable(table.asClient(), 'Table', machine), publish: eventBridgePublisher(bus.asClient(), 'ShopEvents', source), now: NOW });
  return { table, bus, handler };
}
const orders = () => service(createOrdersHandler, ORDER_STATES, SOURCES.orders);
const payments = () => service(createPaymentsHandler, PAYMENT_STATES, SOURCES.payments);
const inventory = () => service(createInventoryHandler, STOCK_STATES, SOURCES.inventory);

describe('orders service', () => {
  test('creates a PENDING order and announces OrderPlaced with its details', async () => {
    const { table, bus, handler } = orders();
    const outcome = await quietly(() => handler(event('OrderSubmitted', ORDER)));
    assert.deepEqual(outcome, { service: 'orders', orderId: 'ord-7', event: 'OrderSubmitted', action: 'advanced', status: 'PENDING', published: 'OrderPlaced' });
    assert.deepEqual(table.get('ord-7'), { ...ORDER, status: 'PENDING', createdAt: NOW().toISOString(), updatedAt: NOW().toISOString() });
    assert.deepEqual(bus.entries, [{ EventBusName: 'ShopEvents', Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify(ORDER) }]);
  });

  test('moves a PENDING order to CONFIRMED on StockReserved, and to CANCELLED on PaymentFailed or PaymentRefunded with the reason', async () => {
    const cases = [
      ['StockReserved', 'CONFIRMED', undefined, ['OrderConfirmed', { orderId: 'ord-7' }]],
      ['PaymentFailed', 'CANCELLED', 'PAYMENT_DECLINED', ['OrderCancelled', { orderId: 'ord-7', reason: 'PAYMENT_DECLINED' }]],
      ['PaymentRefunded', 'CANCELLED', 'OUT_OF_STOCK', ['OrderCancelled', { orderId: 'ord-7', reason: 'OUT_OF_STOCK' }]],
    ] as const;
    for (const [trigger, status, reason, [published, detail]] of cases) {
      const { table, bus, handler } = orders();
      await quietly(() => handler(event('OrderSubmitted', ORDER)));
      const outcome = await quietly(() => handler(event(trigger, { orderId: 'ord-7' })));
      assert.equal(outcome.action, 'advanced', trigger);
      assert.equal(table.get('ord-7')?.status, status, trigger);
      assert.equal(table.get('ord-7')?.cancelReason, reason, trigger);
      assert.deepEqual(bus.events().at(-1), { source: 'shop.orders', 'detail-type': published, detail }, trigger);
    }
  });

  test('republishes OrderPlaced from the stored order when a submission is delivered again, keeping the first details', async () => {
    const { table, bus, handler } = orders();
    await quietly(() => handler(event('OrderSubmitted', ORDER)));
    const again = await quietly(() => handler(event('OrderSubmitted', { ...ORDER, amountCents: 1 })));
    assert.equal(again.action, 'republished');
    assert.equal(table.get('ord-7')?.amountCents, ORDER.amountCents);
    assert.deepEqual(bus.events().map((e) => e.detail), [ORDER, ORDER]);
  });

  test('republishes the outcome of a repeated event and ignores one that arrives after the order settled the other way', async () => {
    const { table, bus, handler } = orders();
    await quietly(() => handler(event('OrderSubmitted', ORDER)));
    await quietly(() => handler(event('PaymentFailed', { orderId: 'ord-7' })));
    const repeated = await quietly(() => handler(event('PaymentFailed', { orderId: 'ord-7' })));
    assert.equal(repeated.action, 'republished');
    assert.equal(repeated.published, 'OrderCancelled');
    const late = await quietly(() => handler(event('StockReserved', { orderId: 'ord-7' })));
    const lateSubmission = await quietly(() => handler(event('OrderSubmitted', ORDER)));
    assert.deepEqual([late.action, lateSubmission.action], ['ignored', 'ignored']);
    assert.equal(table.get('ord-7')?.status, 'CANCELLED');
    assert.deepEqual(bus.events().map((e) => e['detail-type']), ['OrderPlaced', 'OrderCancelled', 'OrderCancelled']);
  });

  test('throws on an event for an order it has no record of, so Lambda retries it and then parks it in the DLQ', async () => {
    const { bus, handler } = orders();
    await assert.rejects(quietly(() => handler(event('StockReserved', { orderId: 'ord-404' }))), UnknownOrder);
    assert.equal(bus.entries.length, 0);
  });
});

describe('payments service', () => {
  test('charges an order up to the card limit and declines one a cent over it', async () => {
    const { table, bus, handler } = payments();
    await quietly(() => handler(event('OrderPlaced', { ...ORDER, orderId: 'at-limit', amountCents: PAYMENT_LIMIT_CENTS })));
    await quietly(() => handler(event('OrderPlaced', { ...ORDER, orderId: 'over-limit', amountCents: PAYMENT_LIMIT_CENTS + 1 })));
    assert.equal(table.get('at-limit')?.status, 'CHARGED');
    assert.equal(table.get('over-limit')?.status, 'DECLINED');
    assert.deepEqual(bus.events(), [
      {
        source: 'shop.payments',
        'detail-type': 'PaymentCompleted',
        detail: { orderId: 'at-limit', paymentId: paymentIdFor('at-limit'), amountCents: PAYMENT_LIMIT_CENTS, sku: 'MUG-BLUE', quantity: 3 },
      },
      { source: 'shop.payments', 'detail-type': 'PaymentFailed', detail: { orderId: 'over-limit', reason: 'CARD_LIMIT_EXCEEDED' } },
    ]);
  });

  test('refunds a charge once when stock fails, republishing PaymentRefunded on a redelivery', async () => {
    const { table, bus, handler } = payments();
    await quietly(() => handler(event('OrderPlaced', ORDER)));
    const first = await quietly(() => handler(event('StockFailed', { orderId: 'ord-7', sku: 'MUG-BLUE', quantity: 3, reason: 'OUT_OF_STOCK' })));
    const second = await quietly(() => handler(event('StockFailed', { orderId: 'ord-7', sku: 'MUG-BLUE', quantity: 3, reason: 'OUT_OF_STOCK' })));
    assert.deepEqual([first.action, second.action], ['advanced', 'republished']);
    assert.equal(table.get('ord-7')?.status, 'REFUNDED');
    assert.deepEqual(bus.events().slice(1).map((e) => e.detail), [
      { orderId: 'ord-7', paymentId: paymentIdFor('ord-7'), amountCents: 12_500 },
      { orderId: 'ord-7', paymentId: paymentIdFor('ord-7'), amountCents: 12_500 },
    ]);
  });

  test('never charges a refunded order again when its OrderPlaced arrives late', async () => {
    const { table, bus, handler } = payments();
    await quietly(() => handler(event('OrderPlaced', ORDER)));
    await quietly(() => handler(event('StockFailed', { orderId: 'ord-7' })));
    const late = await quietly(() => handler(event('OrderPlaced', ORDER)));
    assert.equal(late.action, 'ignored');
    assert.equal(table.get('ord-7')?.status, 'REFUNDED');
    assert.deepEqual(bus.events().map((e) => e['detail-type']), ['PaymentCompleted', 'PaymentRefunded']);
  });

  test('derives the payment id from the order id, so a retried charge names the same payment', () => {
    assert.equal(paymentIdFor('ord-7'), paymentIdFor('ord-7'));
    assert.notEqual(paymentIdFor('ord-7'), paymentIdFor('ord-8'));
    assert.match(paymentIdFor('ord-7'), /^pay-[0-9a-f]{16}$/);
  });
});

describe('inventory service', () => {
  test('reserves stock, or records a failure for a sold-out SKU, and writes each reservation once', async () => {
    const { table, bus, handler } = inventory();
    const paid = { ...ORDER, paymentId: 'pay-1' };
    await quietly(() => handler(event('PaymentCompleted', paid)));
    await quietly(() => handler(event('PaymentCompleted', { ...paid, orderId: 'ord-8', sku: 'SOLDOUT-LAMP' })));
    const again = await quietly(() => handler(event('PaymentCompleted', { ...paid, orderId: 'ord-8', sku: 'SOLDOUT-LAMP' })));
    assert.equal(again.action, 'republished');
    assert.equal(table.get('ord-7')?.status, 'RESERVED');
    assert.equal(table.get('ord-8')?.status, 'FAILED');
    assert.deepEqual(table.calls, ['PutItem', 'PutItem', 'PutItem']);
    assert.deepEqual(bus.events().map((e) => [e['detail-type'], e.detail]), [
      ['StockReserved', { orderId: 'ord-7', sku: 'MUG-BLUE', quantity: 3 }],
      ['StockFailed', { orderId: 'ord-8', sku: 'SOLDOUT-LAMP', quantity: 3, reason: 'OUT_OF_STOCK' }],
      ['StockFailed', { orderId: 'ord-8', sku: 'SOLDOUT-LAMP', quantity: 3, reason: 'OUT_OF_STOCK' }],
    ]);
  });
});

describe('every service', () => {
  test('refuses an event from the wrong source, of a type it does not handle, or with a broken detail, without writing', async () => {
    const refused: [ReturnType<typeof orders>, SagaEvent][] = [
      [orders(), event('StockReserved', { orderId: 'ord-7' }, SOURCES.payments)],
      [orders(), event('OrderPlaced', ORDER)],
      [orders(), event('OrderSubmitted', { ...ORDER, amountCents: 12.5 })],
      [orders(), event('OrderSubmitted', { ...ORDER, sku: 'lower-case' })],
      [orders(), event('OrderSubmitted', { ...ORDER, quantity: 0 })],
      [orders(), event('OrderSubmitted', { ...ORDER, quantity: true })],
      [orders(), event('OrderSubmitted', { ...ORDER, orderId: 'has spaces' })],
      [orders(), event('OrderSubmitted', 'not an object')],
      [payments(), event('OrderPlaced', { ...ORDER, amountCents: -1 })],
      [payments(), event('PaymentCompleted', ORDER)],
      [inventory(), event('PaymentCompleted', { ...ORDER, quantity: 101 })],
      [inventory(), event('StockFailed', ORDER)],
    ];
    for (const [{ table, bus, handler }, input] of refused) {
      await assert.rejects(quietly(() => handler(input)), InvalidEvent, JSON.stringify(input));
      assert.deepEqual([table.calls, bus.entries], [[], []]);
    }
  });

  test('throws when PutEvents refuses the event, and the retry publishes it from the state already written', async () => {
    const { table, bus, handler } = payments();
    bus.refuseNext = 1;
    await assert.rejects(quietly(() => handler(event('OrderPlaced', ORDER))), /PutEvents refused PaymentCompleted: InternalFailure/);
    assert.equal(table.get('ord-7')?.status, 'CHARGED');
    assert.equal(bus.entries.length, 0);
    const retry = await quietly(() => handler(event('OrderPlaced', ORDER)));
    assert.equal(retry.action, 'republished');
    assert.deepEqual(bus.events().map((e) => e['detail-type']), ['PaymentCompleted']);
  });

  test('refuses a transition its state machine does not list, before calling DynamoDB', async () => {
    const fake = new FakeDynamo();
    const table = dynamoSagaTable(fake.asClient(), 'Table', PAYMENT_STATES);
    await assert.rejects(table.move('ord-7', 'REFUNDED', 'CHARGED', {}), /REFUNDED -> CHARGED is not a transition/);
    await assert.rejects(table.create({ orderId: 'ord-7', status: 'SHIPPED' }), /SHIPPED is not a state/);
    assert.deepEqual(fake.calls, []);
  });

  test('declares each state machine with terminal states that lead nowhere', () => {
    assert.deepEqual(ORDER_STATES, { PENDING: ['CONFIRMED', 'CANCELLED'], CONFIRMED: [], CANCELLED: [] });
    assert.deepEqual(PAYMENT_STATES, { CHARGED: ['REFUNDED'], DECLINED: [], REFUNDED: [] });
    assert.deepEqual(STOCK_STATES, { RESERVED: [], FAILED: [] });
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type OrderView, ProjectionError, evolve, parseEvent, replay } from '../lambda/orders';
import { event, histories, random, shuffle } from './histories';

const e = (version: number, type: string, data: Record<string, unknown> = {}) => parseEvent(event('o-1', version, type, data));

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe('evolve', () => {
  test('starts a view from OrderPlaced at version 1', () => {
    assert.deepEqual(evolve(undefined, e(1, 'OrderPlaced', { customerId: 'c-1' })), {
      orderId: 'o-1',
      customerId: 'c-1',
      status: 'PLACED',
      statusAt: 'PLACED#2026-01-01T09:01:00.000Z',
      lines: [],
      itemCount: 0,
      totalCents: 0,
      placedAt: '2026-01-01T09:01:00.000Z',
      updatedAt: '2026-01-01T09:01:00.000Z',
      lastVersion: 1,
    });
  });

  test('folds items, payment and shipment into lines, totals and status', () => {
    const view = replay([
      e(1, 'OrderPlaced', { customerId: 'c-1' }),
      e(2, 'ItemAdded', { sku: 'mug', quantity: 2, unitPriceCents: 1250 }),
      e(3, 'ItemAdded', { sku: 'cap', quantity: 1, unitPriceCents: 900 }),
      e(4, 'OrderPaid'),
      e(5, 'OrderShipped', { trackingNumber: '1Z999' }),
    ])!;
    assert.deepEqual(view.lines, [
      { sku: 'cap', quantity: 1, unitPriceCents: 900 },
      { sku: 'mug', quantity: 2, unitPriceCents: 1250 },
    ]);
    assert.deepEqual([view.itemCount, view.totalCents, view.status, view.trackingNumber, view.lastVersion], [3, 3400, 'SHIPPED', '1Z999', 5]);
    assert.equal(view.statusAt, 'SHIPPED#2026-01-01T09:05:00.000Z');
    assert.equal(view.placedAt, '2026-01-01T09:01:00.000Z');
  });

  test('merges a repeated SKU at the latest price and drops a removed one', () => {
    const view = replay([
      e(1, 'OrderPlaced', { customerId: 'c-1' }),
      e(2, 'ItemAdded', { sku: 'mug', quantity: 1, unitPriceCents: 1000 }),
      e(3, 'ItemAdded', { sku: 'mug', quantity: 2, unitPriceCents: 1200 }),
      e(4, 'ItemAdded', { sku: 'cap', quantity: 1, unitPriceCents: 900 }),
      e(5, 'ItemRemoved', { sku: 'cap' }),
      e(6, 'ItemRemoved', { sku: 'never-added' }),
    ])!;
    assert.deepEqual(view.lines, [{ sku: 'mug', quantity: 3, unitPriceCents: 1200 }]);
    assert.deepEqual([view.itemCount, view.totalCents, view.status, view.lastVersion], [3, 3600, 'PLACED', 6]);
  });

  test('refuses a duplicate, an out-of-order version and a second OrderPlaced', () => {
    const v2 = replay([e(1, 'OrderPlaced', { customerId: 'c-1' }), e(2, 'OrderPaid')])!;
    assert.throws(() => evolve(v2, e(2, 'OrderPaid')), ProjectionError);
    assert.throws(() => evolve(v2, e(1, 'OrderPlaced', { customerId: 'c-1' })), /expected version 3, got 1/);
    assert.throws(() => evolve(v2, e(4, 'OrderShipped', { trackingNumber: 'x' })), /expected version 3, got 4/);
    assert.throws(() => evolve(v2, e(3, 'OrderPlaced', { customerId: 'c-2' })), /after the order exists/);
    assert.throws(() => evolve(undefined, e(1, 'OrderPaid')), /first event must be OrderPlaced/);
    assert.throws(() => evolve(v2, parseEvent(event('o-2', 3, 'OrderPaid'))), /folded into o-1/);
  });

  test('applies a late event as the fact it is, without re-checking business rules', () => {
    const view = replay([e(1, 'OrderPlaced', { customerId: 'c-1' }), e(2, 'OrderCancelled', { reason: 'fraud' }), e(3, 'OrderShipped', { trackingNumber: 'T' })])!;
    assert.deepEqual([view.status, view.cancelReason, view.trackingNumber], ['SHIPPED', 'fraud', 'T']);
  });

  test('never changes the view it is given', () => {
    const before = deepFreeze(replay([e(1, 'OrderPlaced', { customerId: 'c-1' }), e(2, 'ItemAdded', { sku: 'mug', quantity: 1, unitPriceCents: 5 })])!);
    const copy = structuredClone(before) as OrderView;
    const after = evolve(before, e(3, 'ItemAdded', { sku: 'mug', quantity: 1, unitPriceCents: 5 }));
    assert.deepEqual(before, copy);
    assert.equal(after.lines[0]?.quantity, 2);
  });

  test('gives the same view for a history in any order of arrival', () => {
    const events = histories(7, 20).map(parseEvent);
    const byOrder = new Map<string, typeof events>();
    for (const x of events) byOrder.set(x.aggregateId, [...(byOrder.get(x.aggregateId) ?? []), x]);
    const next = random(99);
    for (const history of byOrder.values()) {
      const expected = replay(history);
      for (let i = 0; i < 5; i++) assert.deepEqual(replay(shuffle(history, next)), expected);
    }
  });
});

describe('parseEvent', () => {
  test('accepts the six event types and ignores extra attributes', () => {
    const parsed = parseEvent({ ...event('o-1', 2, 'ItemAdded', { sku: 'mug', quantity: 2, unitPriceCents: 0, colour: 'red' }), writtenBy: 'cli' });
    assert.deepEqual(parsed, { aggregateId: 'o-1', version: 2, occurredAt: '2026-01-01T09:02:00.000Z', type: 'ItemAdded', data: { sku: 'mug', quantity: 2, unitPriceCents: 0 } });
    for (const type of ['OrderPaid', 'ItemRemoved', 'OrderShipped', 'OrderCancelled']) {
      assert.equal(parseEvent(event('o-1', 3, type, { sku: 's', trackingNumber: 't', reason: 'r' })).type, type);
    }
  });

  test('rejects unknown types, bad versions and malformed payloads', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [event('o-1', 2, 'OrderRefunded'), /unknown event type "OrderRefunded"/],
      [event('o-1', 0, 'OrderPaid'), /positive integer version/],
      [event('o-1', 1.5, 'OrderPaid'), /positive integer version/],
      [event('o 1', 1, 'OrderPlaced', { customerId: 'c-1' }), /aggregateId/],
      [event('o-1', 1, 'OrderPlaced', { customerId: 'c 1' }), /customerId/],
      [event('o-1', 2, 'ItemAdded', { sku: 'mug', quantity: 0, unitPriceCents: 10 }), /quantity/],
      [event('o-1', 2, 'ItemAdded', { sku: 'mug', quantity: 1, unitPriceCents: -1 }), /unitPriceCents/],
      [event('o-1', 2, 'ItemAdded', { sku: '', quantity: 1, unitPriceCents: 1 }), /sku/],
      [event('o-1', 2, 'OrderShipped', {}), /trackingNumber/],
      [{ ...event('o-1', 2, 'OrderPaid'), occurredAt: 'yesterday' }, /occurredAt/],
      [{ ...event('o-1', 2, 'OrderPaid'), data: ['x'] }, /data must be a map/],
    ];
    for (const [item, message] of bad) assert.throws(() => parseEvent(item), message, JSON.stringify(item));
  });
});

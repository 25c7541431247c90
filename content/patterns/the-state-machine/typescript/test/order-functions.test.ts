import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ValidOrder } from '../lambda/order';
import { DELIVERY_FEE_CENTS, planDelivery, RIDE_MINUTES } from '../lambda/plan-delivery';
import { pickupCode, planPickup } from '../lambda/plan-pickup';
import { DELIVERY_MINIMUM_CENTS, validateOrder } from '../lambda/validate-order';

const NOW = new Date('2026-11-22T18:00:00.000Z');

function reasonsOf(input: unknown): string[] {
  const result = validateOrder(input);
  assert.equal(result.valid, false, 'expected the order to be rejected');
  return result.valid ? [] : result.reasons;
}

describe('validateOrder', () => {
  test('prices a pickup order from the menu, ignoring any price the caller sends', () => {
    const result = validateOrder({
      orderId: 'A-1',
      fulfilment: 'pickup',
      items: [
        { sku: 'margherita', quantity: 2, priceCents: 1 },
        { sku: 'lemonade', quantity: 1 },
      ],
    });
    assert.deepEqual(result, {
      valid: true,
      order: {
        orderId: 'A-1',
        fulfilment: 'pickup',
        lines: [
          { sku: 'margherita', name: 'Margherita', quantity: 2, lineTotalCents: 1800 },
          { sku: 'lemonade', name: 'Lemonade', quantity: 1, lineTotalCents: 350 },
        ],
        bakedItems: 2,
        subtotalCents: 2150,
      },
    });
  });

  test('keeps the trimmed address on a delivery order', () => {
    const result = validateOrder({
      orderId: 'D-7',
      fulfilment: 'delivery',
      address: '  12 Harbour Road ',
      items: [{ sku: 'diavola', quantity: 2 }],
    });
    assert.equal(result.valid, true);
    assert.equal(result.valid && result.order.address, '12 Harbour Road');
  });

  test('lists every problem at once instead of stopping at the first', () => {
    const reasons = reasonsOf({ fulfilment: 'drone', items: [{ sku: 'hawaiian', quantity: 1 }, { sku: 'marinara', quantity: 0 }] });
    assert.equal(reasons.length, 4);
    assert.match(reasons.join('\n'), /orderId/);
    assert.match(reasons.join('\n'), /fulfilment/);
    assert.match(reasons.join('\n'), /"hawaiian" is not on the menu/);
    assert.match(reasons.join('\n'), /items\[1\]: quantity/);
  });

  test('refuses fractional, huge and missing quantities', () => {
    for (const quantity of [1.5, 21, undefined, '2']) {
      const reasons = reasonsOf({ orderId: 'Q', fulfilment: 'pickup', items: [{ sku: 'marinara', quantity }] });
      assert.match(reasons[0], /quantity/);
    }
  });

  test('requires an address and a minimum subtotal for delivery', () => {
    assert.match(reasonsOf({ orderId: 'D', fulfilment: 'delivery', items: [{ sku: 'diavola', quantity: 2 }] })[0], /address/);
    const small = reasonsOf({ orderId: 'D', fulfilment: 'delivery', address: 'x', items: [{ sku: 'lemonade', quantity: 1 }] });
    assert.deepEqual(small, [`delivery needs a subtotal of at least ${DELIVERY_MINIMUM_CENTS} cents`]);
  });

  test('treats a body that is not an object as an empty order', () => {
    for (const input of [null, 'pizza', 42, []]) {
      assert.equal(reasonsOf(input).length, 3);
    }
  });

  test('refuses an empty basket and more than ten lines', () => {
    assert.match(reasonsOf({ orderId: 'E', fulfilment: 'pickup', items: [] })[0], /items/);
    const many = Array.from({ length: 11 }, () => ({ sku: 'marinara', quantity: 1 }));
    assert.match(reasonsOf({ orderId: 'E', fulfilment: 'pickup', items: many })[0], /items/);
  });
});

const deliveryOrder: ValidOrder = {
  orderId: 'D-7',
  fulfilment: 'delivery',
  address: '12 Harbour Road',
  lines: [{ sku: 'diavola', name: 'Diavola', quantity: 2, lineTotalCents: 2200 }],
  bakedItems: 2,
  subtotalCents: 2200,
};

describe('planDelivery', () => {
  test('charges the fee below the free-delivery threshold and promises oven time plus the ride', () => {
    const plan = planDelivery(deliveryOrder, NOW);
    assert.equal(plan.deliveryFeeCents, DELIVERY_FEE_CENTS);
    assert.equal(plan.totalCents, 2200 + DELIVERY_FEE_CENTS);
    const minutes = (Date.parse(plan.readyAt) - NOW.getTime()) / 60_000;
    assert.equal(minutes, 10 + 2 * 2 + RIDE_MINUTES);
    assert.equal(plan.status, 'ACCEPTED');
  });

  test('delivers free from 30.00', () => {
    const plan = planDelivery({ ...deliveryOrder, subtotalCents: 3000 }, NOW);
    assert.equal(plan.deliveryFeeCents, 0);
    assert.equal(plan.totalCents, 3000);
  });

  test('fails loudly when handed a pickup order, so the Catch sees a wiring mistake', () => {
    assert.throws(() => planDelivery({ ...deliveryOrder, fulfilment: 'pickup' }, NOW), /not a delivery order/);
  });
});

describe('planPickup', () => {
  const order: ValidOrder = { ...deliveryOrder, fulfilment: 'pickup', address: undefined };

  test('is ready after oven time only and charges the subtotal', () => {
    const plan = planPickup(order, NOW);
    assert.equal(plan.totalCents, 2200);
    assert.equal(plan.readyAt, '2026-11-22T18:14:00.000Z');
  });

  test('hands out the same four-character code for the same order, so a retry changes nothing', () => {
    assert.equal(planPickup(order, NOW).pickupCode, pickupCode('D-7'));
    assert.match(pickupCode('D-7'), /^[0-9A-F]{4}$/);
    assert.notEqual(pickupCode('D-7'), pickupCode('D-8'));
  });

  test('refuses a delivery order', () => {
    assert.throws(() => planPickup(deliveryOrder, NOW), /not a pickup order/);
  });
});

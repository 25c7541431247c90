import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { handler } from '../lambda/price-order';
import { MAX_QUANTITY, priceOrder } from '../lambda/orders';

const good = { orderId: 'ord-1001', cardToken: 'tok_visa', items: [{ sku: 'BOOK-1', quantity: 2 }, { sku: 'MUG-2', quantity: 1 }] };

describe('priceOrder', () => {
  test('prices an order from the price list, ignoring any price the caller sends', async () => {
    const result = await handler({ ...good, items: [{ sku: 'BOOK-1', quantity: 2, unitPriceCents: 1 }, { sku: 'MUG-2', quantity: 1 }] });
    assert.deepEqual(result, {
      valid: true,
      order: {
        orderId: 'ord-1001',
        cardToken: 'tok_visa',
        items: [{ sku: 'BOOK-1', quantity: 2, unitPriceCents: 1250 }, { sku: 'MUG-2', quantity: 1, unitPriceCents: 900 }],
        totalCents: 3400,
      },
    });
  });

  test('rejects unknown SKUs, bad quantities, bad ids and missing card tokens with every reason', () => {
    const result = priceOrder({ orderId: 'no spaces', items: [{ sku: 'GIFT-9', quantity: 1 }, { sku: 'TEE-3', quantity: MAX_QUANTITY + 1 }] });
    assert.deepEqual(result, {
      valid: false,
      reasons: [
        'orderId must be 1 to 64 letters, digits or dashes',
        'cardToken must be a payment token starting with tok_',
        'items[0].sku is not for sale',
        'items[1].quantity must be a whole number from 1 to 10',
      ],
    });
    assert.deepEqual(priceOrder(null), {
      valid: false,
      reasons: ['orderId must be 1 to 64 letters, digits or dashes', 'cardToken must be a payment token starting with tok_', 'items must list 1 to 20 lines'],
    });
  });
});

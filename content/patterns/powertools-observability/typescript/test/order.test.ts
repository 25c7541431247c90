import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_BODY_BYTES, MAX_ITEMS, authorizePayment, parseOrder, totalCents } from '../lambda/order';

const item = { sku: 'BOOK-1', quantity: 1, unitPriceCents: 100 };
const order = { customerId: 'c-1', paymentToken: 'tok_visa', items: [item] };

describe('parseOrder', () => {
  test('accepts a valid order and keeps only the known fields', () => {
    const parsed = parseOrder(JSON.stringify({ ...order, admin: true, items: [{ ...item, discount: 99 }] }));
    assert.deepEqual(parsed, { order });
  });

  test('reads a base64-encoded body', () => {
    assert.deepEqual(parseOrder(Buffer.from(JSON.stringify(order)).toString('base64'), true), { order });
  });

  test('refuses bodies that are missing, not JSON, not an object or too large', () => {
    assert.deepEqual(parseOrder(undefined), { errors: ['the body must be a JSON order'] });
    assert.deepEqual(parseOrder('{'), { errors: ['the body is not valid JSON'] });
    assert.deepEqual(parseOrder('[]'), { errors: ['the body must be a JSON object'] });
    assert.deepEqual(parseOrder(' '.repeat(MAX_BODY_BYTES + 1)), { errors: [`the body must be at most ${MAX_BODY_BYTES} bytes`] });
  });

  test('lists every field that is wrong', () => {
    const parsed = parseOrder(JSON.stringify({ customerId: 'has space', paymentToken: 5, items: [{ sku: '', quantity: 101, unitPriceCents: 0 }] }));
    assert.ok('errors' in parsed);
    assert.equal(parsed.errors.length, 5);
  });

  test('refuses an empty order and one with too many items', () => {
    assert.ok('errors' in parseOrder(JSON.stringify({ ...order, items: [] })));
    assert.ok('errors' in parseOrder(JSON.stringify({ ...order, items: Array(MAX_ITEMS + 1).fill(item) })));
    assert.ok('order' in parseOrder(JSON.stringify({ ...order, items: Array(MAX_ITEMS).fill(item) })));
  });
});

describe('totalCents and authorizePayment', () => {
  test('adds whole cents without floating-point drift', () => {
    assert.equal(totalCents([{ sku: 'A', quantity: 3, unitPriceCents: 10 }, { sku: 'B', quantity: 1, unitPriceCents: 20 }]), 50);
  });

  test('declines the two test tokens and approves any other', () => {
    assert.deepEqual(authorizePayment('tok_declined'), { approved: false, reason: 'card_declined' });
    assert.deepEqual(authorizePayment('tok_insufficient_funds'), { approved: false, reason: 'insufficient_funds' });
    assert.deepEqual(authorizePayment('tok_visa'), { approved: true });
  });
});

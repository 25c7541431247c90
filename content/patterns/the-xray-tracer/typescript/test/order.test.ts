import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { orderFromMessage, parseOrder } from '../lambda/order';

describe('parseOrder', () => {
  test('accepts a valid order and rounds the total to cents', () => {
    assert.deepEqual(parseOrder('{"orderId":"o-1","customerId":"c-7","total":19.999,"currency":"USD"}'), {
      order: { orderId: 'o-1', customerId: 'c-7', total: 20, currency: 'USD' },
    });
  });

  test('lists every problem at once', () => {
    const parsed = parseOrder('{"orderId":"has space","total":-1,"currency":"usd"}');
    assert.ok('errors' in parsed);
    assert.equal(parsed.errors.length, 4);
  });

  test('refuses bodies that are not a JSON object', () => {
    assert.deepEqual(parseOrder('not json'), { errors: ['body must be JSON'] });
    assert.deepEqual(parseOrder('[1]'), { errors: ['body must be a JSON object'] });
    assert.deepEqual(parseOrder(null), { errors: ['body must be JSON'] });
  });

  test('caps the total', () => {
    assert.ok('errors' in parseOrder('{"orderId":"o","customerId":"c","total":1000000.01,"currency":"EUR"}'));
  });
});

describe('orderFromMessage', () => {
  test('throws on a message the publisher could not have sent', () => {
    assert.throws(() => orderFromMessage('{"orderId":"o-1"}'), /Not an order event/);
  });
});

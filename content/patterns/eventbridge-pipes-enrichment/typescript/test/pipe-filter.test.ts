import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PIPE_FILTER } from '../lib/priority-orders-pipe';
import { matchesPattern, sqsRecordMatches } from './event-pattern';
import { PRIORITY_ORDER, sqsRecord } from './fixtures';

const passes = (body: unknown) => sqsRecordMatches(PIPE_FILTER, sqsRecord(body));

describe('the pipe filter, evaluated against SQS records', () => {
  test('lets a well-formed priority order through', () => {
    assert.equal(passes(PRIORITY_ORDER), true);
    assert.equal(passes({ orderId: 'ord-7', orderType: 'priority', customerId: 'cust-1', total: 0.01 }), true);
  });

  test('drops standard orders, an order type of the wrong case, and an order without one', () => {
    assert.equal(passes({ ...PRIORITY_ORDER, orderType: 'standard' }), false);
    assert.equal(passes({ ...PRIORITY_ORDER, orderType: 'Priority' }), false);
    assert.equal(passes({ ...PRIORITY_ORDER, orderType: ['priority', 'gift'] }), true, 'an array matches when one element does');
    const { orderType: _drop, ...untyped } = PRIORITY_ORDER;
    assert.equal(passes(untyped), false);
  });

  test('drops an order whose total is missing, zero, negative or a string', () => {
    const { total: _drop, ...noTotal } = PRIORITY_ORDER;
    assert.equal(passes(noTotal), false);
    assert.equal(passes({ ...PRIORITY_ORDER, total: 0 }), false);
    assert.equal(passes({ ...PRIORITY_ORDER, total: -5 }), false);
    assert.equal(passes({ ...PRIORITY_ORDER, total: '129.5' }), false);
  });

  test('drops a customer id without the cust- prefix, and an order without an id', () => {
    assert.equal(passes({ ...PRIORITY_ORDER, customerId: '42' }), false);
    assert.equal(passes({ ...PRIORITY_ORDER, customerId: 'CUST-42' }), false);
    assert.equal(passes({ ...PRIORITY_ORDER, customerId: 42 }), false);
    const { orderId: _drop, ...noId } = PRIORITY_ORDER;
    assert.equal(passes(noId), false);
  });

  test('drops a message whose body is not JSON', () => {
    assert.equal(sqsRecordMatches(PIPE_FILTER, sqsRecord('priority order for cust-42, total 129.5')), false);
    assert.equal(sqsRecordMatches(PIPE_FILTER, sqsRecord('')), false);
  });

  test('the evaluator refuses operators it does not implement, so a new one cannot pass unchecked', () => {
    assert.throws(() => matchesPattern({ body: { orderType: [{ 'anything-but': ['standard'] }] } }, { body: { orderType: 'x' } }), /unsupported/);
    assert.throws(() => matchesPattern({ body: { total: [{ numeric: ['!=', 1] }] } }, { body: { total: 2 } }), /unsupported/);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SNSEvent } from 'aws-lambda';
import { createHandler, screen } from '../lambda/high-value-screen';
import { quietly, recordingTrace } from './recording-trace';

const order = (total: number, currency = 'EUR') => ({ orderId: 'o-1', customerId: 'c-1', total, currency });

describe('screen', () => {
  test('watches a plain high-value order', () => {
    assert.deepEqual(screen(order(1000)), { orderId: 'o-1', decision: 'watch', reasons: [] });
  });

  test('sends large or foreign-currency orders to review', () => {
    assert.equal(screen(order(5000)).decision, 'review');
    assert.equal(screen(order(1200, 'USD')).decision, 'review');
  });

  test('holds very large orders, and large foreign-currency ones', () => {
    assert.equal(screen(order(10000)).decision, 'hold');
    assert.deepEqual(screen(order(6000, 'JPY')).reasons, ['total is at least 5000', 'paid in JPY, not EUR']);
    assert.equal(screen(order(6000, 'JPY')).decision, 'hold');
  });
});

describe('high-value screen handler', () => {
  test('annotates the decision and skips an order the filter policy should not have let through', async () => {
    const { trace, annotated } = recordingTrace();
    const event = {
      Records: [JSON.stringify(order(999.99)), JSON.stringify(order(7500, 'USD'))].map((Message) => ({ Sns: { Message } })),
    } as SNSEvent;
    const { result, logged } = await quietly(() => createHandler(trace)(event));
    assert.deepEqual(
      result.map((r) => r.decision),
      ['hold'],
    );
    assert.deepEqual(annotated('decision'), ['hold']);
    assert.match(logged.join('\n'), /below threshold/);
  });
});

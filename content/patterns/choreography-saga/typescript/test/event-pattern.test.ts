import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { matches } from './event-pattern';

// The matcher is what proves the event flow graph, so it is tested on its own first.
describe('event pattern matcher', () => {
  const event = { source: 'shop.payments', 'detail-type': 'PaymentFailed', detail: { orderId: 'ord-1', amountCents: 900, tags: ['gift', 'rush'] } };

  test('matches a field only against the alternatives listed, and needs every field to match', () => {
    assert.equal(matches({ source: ['shop.payments'], 'detail-type': ['PaymentFailed', 'PaymentRefunded'] }, event), true);
    assert.equal(matches({ source: ['shop.payments'], 'detail-type': ['PaymentCompleted'] }, event), false);
    assert.equal(matches({ source: ['shop.orders'], 'detail-type': ['PaymentFailed'] }, event), false);
    assert.equal(matches({ account: ['123456789012'] }, event), false);
  });

  test('descends into detail and applies prefix, anything-but, numeric, exists and array semantics', () => {
    assert.equal(matches({ detail: { orderId: [{ prefix: 'ord-' }] } }, event), true);
    assert.equal(matches({ detail: { orderId: [{ 'anything-but': ['ord-1'] }] } }, event), false);
    assert.equal(matches({ detail: { amountCents: [{ numeric: ['>', 500, '<=', 900] }] } }, event), true);
    assert.equal(matches({ detail: { amountCents: [{ numeric: ['>', 900] }] } }, event), false);
    assert.equal(matches({ detail: { reason: [{ exists: false }] } }, event), true);
    assert.equal(matches({ detail: { reason: [{ exists: true }] } }, event), false);
    assert.equal(matches({ detail: { tags: ['rush'] } }, event), true);
    assert.equal(matches({ detail: { missing: { deeper: ['x'] } } }, event), false);
    assert.equal(matches({ $or: [{ source: ['nope'] }, { detail: { orderId: ['ord-1'] } }] }, event), true);
  });

  test('throws on an operator it does not know rather than guessing', () => {
    assert.throws(() => matches({ detail: { orderId: [{ wildcard: 'ord-*' }] } }, event), /unsupported pattern operator/);
    assert.throws(() => matches({ source: 'shop.payments' }, event), /must be arrays or objects/);
  });
});

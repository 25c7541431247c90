import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { matches, sampleEvent } from './event-pattern';

// The stack tests lean on this matcher, so it is tested first against EventBridge's documented behaviour.
describe('test event-pattern matcher', () => {
  test('matches exact values on top-level and nested fields, and refuses others', () => {
    const pattern = { source: ['com.example.orders'], detail: { carrier: ['UPS', 'DHL'] } };
    assert.equal(matches(pattern, sampleEvent()), true);
    assert.equal(matches(pattern, sampleEvent({ source: 'com.example.billing' })), false);
    assert.equal(matches(pattern, sampleEvent({ detail: { carrier: 'FedEx' } })), false);
    assert.equal(matches(pattern, sampleEvent({ detail: {} })), false);
  });

  test('is case sensitive unless told otherwise, as EventBridge is', () => {
    assert.equal(matches({ 'detail-type': ['OrderShipped'] }, sampleEvent({ 'detail-type': 'ordershipped' })), false);
    assert.equal(matches({ 'detail-type': [{ 'equals-ignore-case': 'ordershipped' }] }, sampleEvent()), true);
  });

  test('supports prefix, suffix, anything-but, exists and numeric operators', () => {
    assert.equal(matches({ detail: { orderId: [{ prefix: 'ORD-' }] } }, sampleEvent()), true);
    assert.equal(matches({ detail: { orderId: [{ suffix: '9' }] } }, sampleEvent()), false);
    assert.equal(matches({ account: [{ 'anything-but': ['111111111111'] }] }, sampleEvent()), false);
    assert.equal(matches({ detail: { returned: [{ exists: false }] } }, sampleEvent()), true);
    assert.equal(matches({ detail: { carrier: [{ exists: false }] } }, sampleEvent()), false);
    assert.equal(matches({ detail: { weight: [{ numeric: ['>', 0, '<=', 30] }] } }, sampleEvent({ detail: { weight: 12 } })), true);
    assert.equal(matches({ detail: { weight: [{ numeric: ['>', 0, '<=', 30] }] } }, sampleEvent({ detail: { weight: 31 } })), false);
  });

  test('matches an array value when any element matches', () => {
    assert.equal(matches({ resources: ['arn:aws:s3:::a'] }, sampleEvent({ resources: ['arn:aws:s3:::b', 'arn:aws:s3:::a'] })), true);
    assert.equal(matches({ resources: ['arn:aws:s3:::a'] }, sampleEvent()), false);
  });

  test('refuses patterns EventBridge would refuse instead of matching everything', () => {
    assert.throws(() => matches({}, sampleEvent()));
    assert.throws(() => matches({ source: [] }, sampleEvent()));
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { matches } from './event-pattern';

const event = {
  source: 'com.example.orders',
  'detail-type': 'OrderPlaced',
  detail: { channel: 'web', tags: ['gift', 'express'], note: null },
};

describe('event pattern evaluator', () => {
  test('matches exact values, and needs every field of the pattern to match', () => {
    assert.equal(matches({ source: ['com.example.orders'] }, event), true);
    assert.equal(matches({ source: ['com.example.other', 'com.example.orders'] }, event), true);
    assert.equal(matches({ source: ['com.example.orders'], 'detail-type': ['OrderCancelled'] }, event), false);
    assert.equal(matches({ detail: { channel: ['web'] } }, event), true);
    assert.equal(matches({ detail: { channel: ['Web'] } }, event), false);
    assert.equal(matches({ detail: { note: [null] } }, event), true);
  });

  test('matches a prefix only at the start of a string', () => {
    assert.equal(matches({ 'detail-type': [{ prefix: 'Order' }] }, event), true);
    assert.equal(matches({ 'detail-type': [{ prefix: 'Placed' }] }, event), false);
    assert.equal(matches({ 'detail-type': [{ prefix: 'order' }] }, event), false);
  });

  test('exists is true only for a present leaf, false only for a missing field', () => {
    assert.equal(matches({ 'replay-name': [{ exists: false }] }, event), true);
    assert.equal(matches({ 'replay-name': [{ exists: true }] }, event), false);
    const replayed = { ...event, 'replay-name': 'fill-ledger-gap' };
    assert.equal(matches({ 'replay-name': [{ exists: false }] }, replayed), false);
    assert.equal(matches({ 'replay-name': [{ exists: true }] }, replayed), true);
    assert.equal(matches({ detail: [{ exists: true }] }, event), false, 'an object is not a leaf');
  });

  test('anything-but excludes the listed values but never matches a missing field', () => {
    assert.equal(matches({ detail: { channel: [{ 'anything-but': ['pos'] }] } }, event), true);
    assert.equal(matches({ detail: { channel: [{ 'anything-but': ['pos', 'web'] }] } }, event), false);
    assert.equal(matches({ detail: { channel: [{ 'anything-but': 'web' }] } }, event), false);
    assert.equal(matches({ detail: { missing: [{ 'anything-but': ['pos'] }] } }, event), false);
    assert.equal(matches({ detail: { channel: [{ 'anything-but': { prefix: 'w' } }] } }, event), false);
  });

  test('a field holding an array matches when any element does', () => {
    assert.equal(matches({ detail: { tags: ['express'] } }, event), true);
    assert.equal(matches({ detail: { tags: [{ prefix: 'gi' }] } }, event), true);
    assert.equal(matches({ detail: { tags: ['standard'] } }, event), false);
  });

  test('refuses operators and shapes it does not understand instead of guessing', () => {
    assert.throws(() => matches({ detail: { total: [{ numeric: ['>', 0] }] } }, event), /not supported/);
    assert.throws(() => matches({ source: 'com.example.orders' }, event), /array or an object/);
    assert.throws(() => matches({ source: [{ exists: 'yes' }] }, event), /invalid exists/);
  });
});

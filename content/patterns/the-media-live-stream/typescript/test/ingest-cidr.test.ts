import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseIngestCidr } from '../lib/ingest-cidr';

describe('parseIngestCidr', () => {
  test('keeps a single address as it is', () => {
    assert.equal(parseIngestCidr('203.0.113.7/32'), '203.0.113.7/32');
    assert.equal(parseIngestCidr(' 198.51.100.20/32 '), '198.51.100.20/32');
  });

  test('clears host bits so the rule says what it really allows', () => {
    assert.equal(parseIngestCidr('203.0.113.77/24'), '203.0.113.0/24');
    assert.equal(parseIngestCidr('10.20.30.40/8'), '10.0.0.0/8');
    assert.equal(parseIngestCidr('255.255.255.255/31'), '255.255.255.254/31');
  });

  test('refuses the whole internet and anything wider than /8', () => {
    assert.throws(() => parseIngestCidr('0.0.0.0/0'), /wider than \/8/);
    assert.throws(() => parseIngestCidr('10.0.0.0/7'), /wider than \/8/);
  });

  test('refuses text that is not an IPv4 CIDR', () => {
    for (const value of ['203.0.113.7', '203.0.113.256/32', '203.0.113.7/33', '2001:db8::/32', 'my-laptop/32', '']) {
      assert.throws(() => parseIngestCidr(value), /ingestCidr/, value);
    }
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { countPrimes, DEFAULT_LIMIT, handler, MAX_LIMIT, parseLimit } from '../lambda/prime-sieve';

describe('countPrimes', () => {
  test('matches known prime counts', () => {
    assert.deepEqual(countPrimes(2), { primes: 1, largest: 2 });
    assert.deepEqual(countPrimes(10), { primes: 4, largest: 7 });
    assert.deepEqual(countPrimes(100), { primes: 25, largest: 97 });
    assert.deepEqual(countPrimes(1_000_000), { primes: 78_498, largest: 999_983 });
    // The payload the page tunes with.
    assert.deepEqual(countPrimes(5_000_000), { primes: 348_513, largest: 4_999_999 });
  });

  test('counts a prime limit itself', () => {
    assert.deepEqual(countPrimes(97), { primes: 25, largest: 97 });
  });

  test('finds none below 2', () => {
    assert.deepEqual(countPrimes(1), { primes: 0, largest: null });
  });
});

describe('parseLimit', () => {
  test('defaults when the tuner sends an empty payload', () => {
    assert.equal(parseLimit({}), DEFAULT_LIMIT);
    assert.equal(parseLimit(null), DEFAULT_LIMIT);
  });

  test('accepts whole numbers in range', () => {
    assert.equal(parseLimit({ limit: 2 }), 2);
    assert.equal(parseLimit({ limit: MAX_LIMIT }), MAX_LIMIT);
  });

  test('refuses limits that are not whole numbers or would not fit in a small function', () => {
    for (const limit of [1, 2.5, -10, MAX_LIMIT + 1, '1000', Number.NaN, Infinity]) {
      assert.throws(() => parseLimit({ limit }), RangeError, `limit ${String(limit)}`);
    }
  });
});

describe('handler', () => {
  test('reports the count, the largest prime and how long the work took', async () => {
    const result = await handler({ limit: 100_000 });
    assert.equal(result.limit, 100_000);
    assert.equal(result.primes, 9_592);
    assert.equal(result.largest, 99_991);
    assert.ok(Number.isInteger(result.elapsedMs) && result.elapsedMs >= 0);
  });

  test('fails the invocation on bad input, so the tuner sees an error rather than a fast no-op', async () => {
    await assert.rejects(handler({ limit: 'lots' }), RangeError);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { handler as scoreHandler, scoreOrder } from '../lambda/fraud-scorer';
import { InvalidOrder, parseOrder } from '../lambda/order';
import { MAX_PARCEL_GRAMS, handler as quoteHandler, quoteShipping } from '../lambda/shipping-quoter';
import { order, quiet } from './fixtures';

describe('parseOrder', () => {
  test('accepts a well-formed order and keeps only the fields the checks read', () => {
    assert.deepEqual(parseOrder({ ...order(), note: 'leave at the door' }), order());
  });

  test('names every problem of a malformed order at once, in a fixed order, as InvalidOrder', () => {
    const bad = { ...order(), quantity: 0, sku: 'kb 001', shipTo: { country: 'Germany' } };
    assert.throws(
      () => parseOrder(bad),
      (e: Error) => {
        assert.ok(e instanceof InvalidOrder);
        assert.equal(e.name, 'InvalidOrder');
        assert.equal(
          e.message,
          'sku must be 1 to 32 capital letters, digits or dashes; quantity must be a whole number from 1 to 99; shipTo.country must be a two-letter country code',
        );
        return true;
      },
    );
    assert.throws(() => parseOrder(null), InvalidOrder);
    assert.throws(() => parseOrder({ ...order(), quantity: 1.5 }), /quantity must be a whole number/);
  });
});

describe('fraud scorer', () => {
  test('gives a usual order from an established customer a score of zero', () => {
    assert.deepEqual(scoreOrder(order()), { status: 'SCORED', score: 0, signals: [] });
  });

  test('adds up every risk signal and caps the score at 100', () => {
    const risky = order({
      quantity: 12,
      unitPriceCents: 4500,
      customer: { id: 'cust-7', accountAgeDays: 3, billingCountry: 'DE' },
      shipTo: { country: 'GB' },
    });
    assert.deepEqual(scoreOrder(risky), { status: 'SCORED', score: 100, signals: ['HIGH_VALUE', 'NEW_ACCOUNT', 'COUNTRY_MISMATCH', 'BULK_QUANTITY'] });
    assert.deepEqual(scoreOrder(order({ customer: { id: 'cust-8', accountAgeDays: 29, billingCountry: 'FR' } })), {
      status: 'SCORED',
      score: 50,
      signals: ['NEW_ACCOUNT', 'COUNTRY_MISMATCH'],
    });
    // The thresholds are inclusive: 500.00 is high value, 30 days is no longer new.
    assert.deepEqual(scoreOrder(order({ unitPriceCents: 50_000, customer: { id: 'c', accountAgeDays: 30, billingCountry: 'DE' } })), {
      status: 'SCORED',
      score: 35,
      signals: ['HIGH_VALUE'],
    });
  });

  test('scores the same order the same way every time, so a retried call changes nothing', async () => {
    const first = await quiet(() => scoreHandler(order({ quantity: 10, unitPriceCents: 1500 })));
    const second = await quiet(() => scoreHandler(order({ quantity: 10, unitPriceCents: 1500 })));
    assert.deepEqual(first, second);
    assert.deepEqual(first, { status: 'SCORED', score: 20, signals: ['BULK_QUANTITY'] });
  });

  test('refuses a malformed order with InvalidOrder instead of scoring it', async () => {
    await assert.rejects(() => scoreHandler({ ...order(), customer: { id: 'cust-42' } }), { name: 'InvalidOrder' });
  });
});

describe('shipping quoter', () => {
  test('quotes by destination zone, adding a price for every started kilogram above the first', () => {
    assert.deepEqual(quoteShipping(order()), { status: 'QUOTED', zone: 'DOMESTIC', costCents: 490, days: 2 });
    // 3 x 1.2 kg = 3.6 kg: three started kilograms above the first.
    assert.deepEqual(quoteShipping(order({ quantity: 3, weightGrams: 1200, shipTo: { country: 'FR' } })), {
      status: 'QUOTED',
      zone: 'EU',
      costCents: 990 + 3 * 250,
      days: 4,
    });
    assert.deepEqual(quoteShipping(order({ weightGrams: 1000, shipTo: { country: 'US' } })), { status: 'QUOTED', zone: 'WORLD', costCents: 1990, days: 7 });
  });

  test('answers NO_ROUTE for a country the shop does not serve and for a parcel over the carrier limit', () => {
    assert.deepEqual(quoteShipping(order({ shipTo: { country: 'BR' } })), { status: 'NO_ROUTE', reason: 'DESTINATION_NOT_SERVED' });
    assert.equal(quoteShipping(order({ quantity: 1, weightGrams: MAX_PARCEL_GRAMS })).status, 'QUOTED');
    assert.deepEqual(quoteShipping(order({ quantity: 2, weightGrams: 15_751 })), { status: 'NO_ROUTE', reason: 'PARCEL_TOO_HEAVY' });
  });

  test('refuses a malformed order with InvalidOrder instead of quoting it', async () => {
    await assert.rejects(() => quoteHandler({ ...order(), weightGrams: -1 }), { name: 'InvalidOrder', message: /weightGrams must be/ });
    assert.deepEqual(await quiet(() => quoteHandler(order())), { status: 'QUOTED', zone: 'DOMESTIC', costCents: 490, days: 2 });
  });
});

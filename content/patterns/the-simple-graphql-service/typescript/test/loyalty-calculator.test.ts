import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { calculateLoyalty, handler, InvalidCustomerError } from '../lambda/loyalty-calculator';

describe('calculateLoyalty', () => {
  test('starts every new customer at bronze with the distance to silver', () => {
    assert.deepEqual(calculateLoyalty(0, 0), {
      tier: 'BRONZE',
      points: 0,
      nextTier: 'SILVER',
      spendToNextTier: 500,
      ordersToNextTier: 3,
    });
  });

  test('needs both the spend and the order count for a tier', () => {
    // Gold-level spend in only four orders stays silver.
    const oneBigOrder = calculateLoyalty(2500, 4);
    assert.equal(oneBigOrder.tier, 'SILVER');
    assert.equal(oneBigOrder.nextTier, 'GOLD');
    assert.equal(oneBigOrder.spendToNextTier, 0);
    assert.equal(oneBigOrder.ordersToNextTier, 6);
  });

  test('earns points at the current tier rate and rounds the remaining spend to cents', () => {
    const gold = calculateLoyalty(2000.1, 10);
    assert.equal(gold.tier, 'GOLD');
    assert.equal(gold.points, 3000);
    assert.equal(gold.spendToNextTier, 2999.9);
  });

  test('has no next tier at platinum', () => {
    assert.deepEqual(calculateLoyalty(7200, 40), {
      tier: 'PLATINUM',
      points: 14400,
      nextTier: null,
      spendToNextTier: null,
      ordersToNextTier: null,
    });
  });

  test('rejects totals that cannot come from the resolvers', () => {
    assert.throws(() => calculateLoyalty(-1, 0), InvalidCustomerError);
    assert.throws(() => calculateLoyalty(10, 1.5), InvalidCustomerError);
    assert.throws(() => calculateLoyalty(Number.NaN, 1), InvalidCustomerError);
  });
});

describe('loyalty handler', () => {
  test('answers a batch in order and fails only the bad item', async () => {
    const original = console.warn;
    console.warn = () => {};
    try {
      const results = await handler([
        { customerId: 'a', lifetimeSpend: 600, orderCount: 3 },
        { customerId: 'b', lifetimeSpend: -20, orderCount: 1 },
        { customerId: 'c', lifetimeSpend: 0, orderCount: 0 },
      ]);
      assert.equal(results.length, 3);
      assert.equal(results[0].data?.tier, 'SILVER');
      assert.deepEqual(results[1], { data: null, errorMessage: 'Cannot work out loyalty for b', errorType: 'InvalidCustomer' });
      assert.equal(results[2].data?.tier, 'BRONZE');
    } finally {
      console.warn = original;
    }
  });

  test('refuses a single Invoke payload, which would mean the resolver lost its batching', async () => {
    await assert.rejects(() => handler({ customerId: 'a', lifetimeSpend: 1, orderCount: 1 } as never), /BatchInvoke/);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_LINES, MAX_QUANTITY, MAX_REASONS, MAX_UNIT_PRICE_CENTS, type OrderResult, handler, priceOrder, priceOrders } from '../lambda/price-orders';

const order = {
  orderId: 'ord-1001',
  currency: 'EUR',
  lines: [
    { sku: 'TEA-GREEN-250', quantity: 2, unitPriceCents: 1299 },
    { sku: 'MUG-BLUE', quantity: 1, unitPriceCents: 850 },
  ],
};

/** console.log stays quiet while the handler runs; its lines are returned for inspection. */
async function quietly<T>(run: () => Promise<T>): Promise<{ value: T; logs: string[] }> {
  const original = console.log;
  const logs: string[] = [];
  console.log = (line: string) => logs.push(line);
  try {
    return { value: await run(), logs };
  } finally {
    console.log = original;
  }
}

describe('priceOrder', () => {
  test('prices a valid order in whole cents', () => {
    assert.deepEqual(priceOrder({ index: 3, order }), {
      index: 3,
      orderId: 'ord-1001',
      status: 'PRICED',
      currency: 'EUR',
      lineCount: 2,
      units: 3,
      totalCents: 2 * 1299 + 850,
    });
  });

  test('lists every problem of a bad order but keeps at most three reasons', () => {
    const result = priceOrder({
      index: 0,
      order: { orderId: 'has spaces', currency: 'euro', lines: [{ sku: '', quantity: 0, unitPriceCents: -1 }] },
    });
    assert.equal(result.status, 'REJECTED');
    assert.equal(result.orderId, null);
    if (result.status !== 'REJECTED') return;
    assert.equal(result.problemCount, 5);
    assert.equal(result.reasons.length, MAX_REASONS);
    assert.deepEqual(result.reasons, [
      'orderId must be 1 to 64 letters, digits, - or _',
      'currency must be a three-letter code such as EUR',
      'line 1: sku is missing or malformed',
    ]);
  });

  test('refuses non-objects, booleans, fractions and out-of-range numbers', () => {
    const rejectedFor = (o: unknown) => {
      const result = priceOrder({ index: 0, order: o });
      return result.status === 'REJECTED' ? result.reasons : [];
    };
    assert.deepEqual(rejectedFor('ord-1'), ['the order must be a JSON object']);
    assert.deepEqual(rejectedFor(null), ['the order must be a JSON object']);
    assert.deepEqual(rejectedFor([order]), ['the order must be a JSON object']);
    const line = (patch: Record<string, unknown>) => rejectedFor({ ...order, lines: [{ sku: 'A', quantity: 1, unitPriceCents: 1, ...patch }] });
    assert.match(line({ quantity: true })[0]!, /quantity/);
    assert.match(line({ quantity: 1.5 })[0]!, /quantity/);
    assert.match(line({ quantity: MAX_QUANTITY + 1 })[0]!, /quantity/);
    assert.match(line({ unitPriceCents: '100' })[0]!, /unitPriceCents/);
    assert.match(line({ unitPriceCents: MAX_UNIT_PRICE_CENTS + 1 })[0]!, /unitPriceCents/);
    assert.deepEqual(line({ quantity: MAX_QUANTITY, unitPriceCents: MAX_UNIT_PRICE_CENTS }), []);
    assert.match(rejectedFor({ ...order, lines: [] })[0]!, /lines must be a list of 1 to 100/);
    assert.match(rejectedFor({ ...order, lines: Array.from({ length: MAX_LINES + 1 }, () => order.lines[0]) })[0]!, /lines/);
  });

  test('keeps even the largest possible total a safe integer', () => {
    const line = { sku: 'GOLD', quantity: MAX_QUANTITY, unitPriceCents: MAX_UNIT_PRICE_CENTS };
    const result = priceOrder({ index: 0, order: { ...order, lines: Array.from({ length: MAX_LINES }, () => line) } });
    assert.equal(result.status, 'PRICED');
    if (result.status === 'PRICED') assert.ok(Number.isSafeInteger(result.totalCents));
  });
});

describe('priceOrders', () => {
  test('prices a batch with one result per order, so a bad order never fails the others', () => {
    const results = priceOrders({
      BatchInput: { manifestKey: 'manifests/orders.json' },
      Items: [
        { index: 0, order },
        { index: 1, order: { orderId: 'ord-1002', currency: 'EUR', lines: 'none' } },
        { index: 2, order: { ...order, orderId: 'ord-1003' } },
      ],
    }) as OrderResult[];
    assert.deepEqual(
      results.map((r) => [r.index, r.orderId, r.status]),
      [
        [0, 'ord-1001', 'PRICED'],
        [1, 'ord-1002', 'REJECTED'],
        [2, 'ord-1003', 'PRICED'],
      ],
    );
  });

  test('answers a single order from the inline Map with a single result', async () => {
    const { value, logs } = await quietly(() => handler({ index: 7, order }));
    assert.equal((value as OrderResult).index, 7);
    assert.deepEqual(JSON.parse(logs[0]!), { level: 'INFO', message: 'orders priced', mode: 'single', priced: 1, rejected: 0 });
  });

  test('throws on an event that is neither an order nor a batch', async () => {
    assert.throws(() => priceOrders({ orders: [order] }), /Expected/);
    await assert.rejects(() => quietly(() => handler([order])), /Expected/);
  });

  test('keeps 400 worst-case results within the 256 KiB a state may output', () => {
    const longId = 'x'.repeat(64);
    const worstLines = Array.from({ length: MAX_LINES }, () => ({ sku: 'bad sku!', quantity: 0, unitPriceCents: -1 }));
    const results = Array.from({ length: 400 }, (_, index) =>
      priceOrder({ index: index + 100_000, order: { orderId: longId, currency: 'nope', lines: worstLines } }),
    );
    assert.ok(results.every((r) => r.status === 'REJECTED' && r.problemCount === 1 + MAX_LINES * 3));
    const bytes = Buffer.byteLength(JSON.stringify({ mode: 'inline', priced: [], rejected: results, failed: [] }));
    assert.ok(bytes < 256 * 1024 * 0.75, `${bytes} bytes`);
  });
});

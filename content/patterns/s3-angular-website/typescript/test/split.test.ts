import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_AMOUNT_CENTS, formatCents, parseAmount, parsePeople, routeFor, splitBill } from '../site/src/app/split';

describe('routeFor', () => {
  test('knows the two pages and ignores case and trailing slashes', () => {
    assert.equal(routeFor('/'), 'splitter');
    assert.equal(routeFor(''), 'splitter');
    assert.equal(routeFor('/about'), 'about');
    assert.equal(routeFor('/ABOUT/'), 'about');
  });

  test('sends every other path to the not-found view', () => {
    assert.equal(routeFor('/about/team'), 'not-found');
    assert.equal(routeFor('/index.html'), 'not-found');
  });
});

describe('parseAmount', () => {
  test('reads dollars and cents as whole cents', () => {
    assert.equal(parseAmount('84.50'), 8450);
    assert.equal(parseAmount(' 84.5 '), 8450);
    assert.equal(parseAmount('84'), 8400);
    assert.equal(parseAmount('1,084.05'), 108405);
    assert.equal(parseAmount('0.1'), 10);
  });

  test('rejects zero, negatives, three decimals, bad grouping and amounts over the limit', () => {
    for (const text of ['', '0', '0.00', '-5', '1.005', '1,08', 'abc', '12e3', String(MAX_AMOUNT_CENTS / 100 + 1)]) {
      assert.equal(parseAmount(text), undefined, text);
    }
    assert.equal(parseAmount(String(MAX_AMOUNT_CENTS / 100)), MAX_AMOUNT_CENTS);
  });
});

describe('parsePeople', () => {
  test('accepts whole numbers from 1 to 50', () => {
    assert.equal(parsePeople('1'), 1);
    assert.equal(parsePeople(' 50 '), 50);
    for (const text of ['0', '51', '2.5', '-1', '', 'two']) assert.equal(parsePeople(text), undefined, text);
  });
});

describe('splitBill', () => {
  test('adds a rounded tip and hands the odd cents to the first people', () => {
    assert.deepEqual(splitBill(8450, 15, 3), { tipCents: 1268, totalCents: 9718, shares: [3240, 3239, 3239] });
  });

  test('always adds the shares back up to the total, never more than a cent apart', () => {
    for (const [amount, tip, people] of [
      [1, 0, 50],
      [9999, 10, 7],
      [100_000, 20, 3],
      [12_345, 15, 11],
    ]) {
      const { totalCents, shares } = splitBill(amount, tip, people);
      assert.equal(shares.length, people);
      assert.equal(
        shares.reduce((a, b) => a + b, 0),
        totalCents,
      );
      assert.ok(Math.max(...shares) - Math.min(...shares) <= 1);
    }
  });

  test('splits evenly when it can', () => {
    assert.deepEqual(splitBill(10000, 20, 4).shares, [3000, 3000, 3000, 3000]);
  });
});

describe('formatCents', () => {
  test('formats US dollars with grouping and two decimals', () => {
    assert.equal(formatCents(108405), '$1,084.05');
    assert.equal(formatCents(5), '$0.05');
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { roundPathNumbers } from './tidy-svg';

/** The numbers a path's data holds, read the way an SVG renderer reads them. */
const numbers = (d: string) => [...d.matchAll(/-?(?:\d+\.?\d*|\.\d+)/g)].map((m) => Number(m[0]));

describe('roundPathNumbers', () => {
  test('rounds long coordinates to two decimals and leaves short ones alone', () => {
    assert.equal(roundPathNumbers('M10.123456 20.5L3.14159 7'), 'M10.12 20.5L3.14 7');
  });

  test('keeps the numbers apart when one rounds to an integer before a number that starts with a dot', () => {
    const d = 'c.447-1.005.999-1.005 2.000001.5';
    const rounded = roundPathNumbers(d);
    assert.deepEqual(numbers(rounded), [0.447, -1, 0.999, -1, 2, 0.5]);
    assert.equal(numbers(rounded).length, numbers(d).length);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { answer, calculate, isOperation, OPERATIONS, parseOperand } from '../lambda/calculator';

describe('calculate', () => {
  test('adds, subtracts and multiplies', () => {
    assert.equal(calculate('add', 3, 4), 7);
    assert.equal(calculate('subtract', 3, 4), -1);
    assert.equal(calculate('multiply', 3, 4), 12);
    assert.equal(calculate('multiply', -2.5, 4), -10);
  });

  test('offers exactly the three operations the stacks route', () => {
    assert.deepEqual([...OPERATIONS], ['add', 'subtract', 'multiply']);
    assert.equal(isOperation('multiply'), true);
    assert.equal(isOperation('divide'), false);
  });
});

describe('parseOperand', () => {
  test('accepts integers, decimals, negatives and exponents', () => {
    assert.equal(parseOperand('42'), 42);
    assert.equal(parseOperand(' -1.5 '), -1.5);
    assert.equal(parseOperand('2e3'), 2000);
  });

  test('refuses what Number() would quietly turn into 0, NaN or Infinity', () => {
    for (const raw of ['', '   ', 'abc', 'NaN', 'Infinity', '1e999', '1'.repeat(33)]) {
      assert.equal(parseOperand(raw), undefined, `expected ${JSON.stringify(raw)} to be refused`);
    }
  });

  test('refuses missing and repeated parameters', () => {
    assert.equal(parseOperand(undefined), undefined);
    assert.equal(parseOperand(['1', '2']), undefined);
  });
});

describe('answer', () => {
  test('returns the operands and the result', () => {
    assert.deepEqual(answer('subtract', { a: '10', b: '4' }), {
      statusCode: 200,
      body: { operation: 'subtract', a: 10, b: 4, result: 6 },
    });
  });

  test('answers 400 with a usage hint when an operand is missing or invalid', () => {
    for (const query of [null, {}, { a: '1' }, { a: '1', b: 'two' }]) {
      const { statusCode, body } = answer('add', query);
      assert.equal(statusCode, 400);
      assert.match(String(body.message), /\/add\?a=3&b=4/);
    }
  });

  test('answers 422 instead of returning Infinity', () => {
    assert.equal(answer('multiply', { a: '1e200', b: '1e200' }).statusCode, 422);
  });
});

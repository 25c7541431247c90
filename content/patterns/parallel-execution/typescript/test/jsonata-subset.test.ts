import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluate, evaluateField } from './jsonata-subset';

describe('the JSONata subset the routing tests use', () => {
  test('treats a comparison with a missing value as false and drops missing values from objects, as JSONata does', () => {
    const states = { input: { fraud: { status: 'UNAVAILABLE' } } };
    assert.equal(evaluate('$states.input.fraud.score >= 40', { states }), false);
    assert.equal(evaluate("$states.input.fraud.status = 'UNAVAILABLE' or $states.input.fraud.score >= 40", { states }), true);
    assert.deepEqual(evaluate("{'a': $states.input.missing, 'b': 1}", { states }), { b: 1 });
    assert.equal(evaluate("$exists($states.input.fraud) and $number('7') >= 7 ? 'yes' : 'no'", { states }), 'yes');
  });

  test('refuses expressions outside the subset instead of guessing', () => {
    assert.throws(() => evaluate('$sum($states.input.items.quantity)', { states: {} }), /outside this subset/);
    assert.throws(() => evaluate('1 + 2', { states: {} }), /unsupported JSONata|unparsed input/);
    assert.deepEqual(evaluateField({ a: '{% 1 %}', b: 'plain', c: ['{% true %}'] }, {}), { a: 1, b: 'plain', c: [true] });
  });
});

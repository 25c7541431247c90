import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type AccountEvent,
  CommandRejected,
  MAX_AMOUNT_CENTS,
  decide,
  evolve,
  initialState,
  replay,
  upcast,
} from '../lambda/domain';
import { randomCommand, seeded } from './generators';

const open = replay([{ type: 'AccountOpened', data: { owner: 'Ana' } }, { type: 'MoneyDeposited', data: { amount: 500 } }]);

function rejection(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof CommandRejected) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('decide', () => {
  test('opens an account with an optional first deposit as two events', () => {
    assert.deepEqual(decide({ type: 'open', owner: '  Ana ' }, initialState), [{ type: 'AccountOpened', data: { owner: 'Ana' } }]);
    assert.deepEqual(decide({ type: 'open', owner: 'Ana', initialDeposit: 250 }, initialState), [
      { type: 'AccountOpened', data: { owner: 'Ana' } },
      { type: 'MoneyDeposited', data: { amount: 250 } },
    ]);
  });

  test('refuses a withdrawal larger than the balance and allows one equal to it', () => {
    assert.equal(rejection(() => decide({ type: 'withdraw', amount: 501 }, open)), 'InsufficientFunds');
    assert.deepEqual(decide({ type: 'withdraw', amount: 500 }, open), [{ type: 'MoneyWithdrawn', data: { amount: 500 } }]);
  });

  test('refuses money movements on an account that was never opened, and opening twice', () => {
    assert.equal(rejection(() => decide({ type: 'deposit', amount: 1 }, initialState)), 'AccountNotFound');
    assert.equal(rejection(() => decide({ type: 'withdraw', amount: 1 }, initialState)), 'AccountNotFound');
    assert.equal(rejection(() => decide({ type: 'open', owner: 'Bo' }, open)), 'AccountAlreadyOpen');
  });

  test('accepts only whole positive cents up to the per-command maximum', () => {
    for (const amount of [0, -5, 1.5, MAX_AMOUNT_CENTS + 1, '10' as unknown as number, Number.NaN]) {
      assert.equal(rejection(() => decide({ type: 'deposit', amount }, open)), 'ValidationFailed', String(amount));
    }
    assert.equal(rejection(() => decide({ type: 'deposit', amount: MAX_AMOUNT_CENTS }, open)), 'accepted');
    assert.equal(rejection(() => decide({ type: 'open', owner: ' ' }, initialState)), 'ValidationFailed');
    assert.equal(rejection(() => decide({ type: 'open', owner: 'x'.repeat(101) }, initialState)), 'ValidationFailed');
  });
});

describe('evolve', () => {
  test('applies deposits and withdrawals to the balance without changing the owner', () => {
    const after = evolve(evolve(open, { type: 'MoneyWithdrawn', data: { amount: 200 } }), { type: 'MoneyDeposited', data: { amount: 7 } });
    assert.deepEqual(after, { opened: true, owner: 'Ana', balance: 307 });
  });

  test('refuses to read an event schema version it has no upcaster for', () => {
    assert.deepEqual(upcast('MoneyDeposited', 1, { amount: 3 }), { type: 'MoneyDeposited', data: { amount: 3 } });
    assert.throws(() => upcast('MoneyDeposited', 2, { amount: 3 }), /No upcaster/);
  });

  test('never lets a generated command sequence overdraw, and a snapshot plus its tail rebuilds the same state', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const random = seeded(seed);
      const events: AccountEvent[] = [];
      let state = initialState;
      for (let i = 0; i < 200; i++) {
        try {
          const produced = decide(randomCommand(random), state);
          events.push(...produced);
          state = replay(produced, state);
        } catch (error) {
          if (!(error instanceof CommandRejected)) throw error;
        }
        assert.ok(state.balance >= 0, `seed ${seed}: balance went negative`);
      }
      const full = replay(events);
      assert.deepEqual(full, state);
      for (let k = 0; k <= events.length; k++) {
        // The snapshot goes through JSON exactly as the Snapshots table stores it.
        const snapshot = JSON.parse(JSON.stringify(replay(events.slice(0, k))));
        assert.deepEqual(replay(events.slice(k), snapshot), full, `seed ${seed}, snapshot at ${k}`);
      }
    }
  });
});

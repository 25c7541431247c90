import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  admit,
  type BreakerOptions,
  type BreakerRecord,
  CircuitBreaker,
  CircuitOpenError,
  type CircuitState,
  INITIAL_RECORD,
  onFailure,
  onSuccess,
  type StateStore,
} from '../lambda/circuit-breaker';

const options: BreakerOptions = { failureThreshold: 3, successThreshold: 2, timeoutMs: 15_000, trialLeaseMs: 3_000 };
const T = 1_000_000;
const rec = (partial: Partial<BreakerRecord>): BreakerRecord => ({ ...INITIAL_RECORD, version: 7, ...partial });

/** One shared item, with the same version check as the DynamoDB store. */
class MemoryStore implements StateStore {
  record: BreakerRecord | undefined;
  writes = 0;
  failLoads = false;
  failSaves = false;
  async load() {
    await Promise.resolve();
    if (this.failLoads) throw new Error('ProvisionedThroughputExceededException');
    return this.record && { ...this.record };
  }
  async save(next: BreakerRecord, expectedVersion: number) {
    await Promise.resolve();
    if (this.failSaves) throw new Error('ProvisionedThroughputExceededException');
    if ((this.record?.version ?? 0) !== expectedVersion) return false;
    this.record = { ...next };
    this.writes += 1;
    return true;
  }
}

function setup(store = new MemoryStore()) {
  let now = T;
  const changes: string[] = [];
  const storeErrors: unknown[] = [];
  const make = () =>
    new CircuitBreaker(store, options, () => now, {
      onStateChange: (from: CircuitState, to: CircuitState) => changes.push(`${from}->${to}`),
      onStoreError: (e: unknown) => storeErrors.push(e),
    });
  return {
    store,
    breaker: make(),
    another: make,
    changes,
    storeErrors,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const ok = async () => 'fine';
const boom = async (): Promise<string> => {
  throw new Error('downstream 500');
};

async function failTimes(breaker: CircuitBreaker, n: number) {
  for (let i = 0; i < n; i++) await assert.rejects(breaker.fire(boom), /downstream 500/);
}

describe('admit', () => {
  test('lets every call through a closed circuit without a write', () => {
    assert.deepEqual(admit(rec({}), T, options), { allowed: true });
  });

  test('refuses calls while the circuit is open and says for how long', () => {
    assert.deepEqual(admit(rec({ state: 'OPEN', openUntil: T + 4_000 }), T, options), { allowed: false, retryAfterMs: 4_000 });
  });

  test('turns an expired open circuit half-open and reserves the trial call', () => {
    assert.deepEqual(admit(rec({ state: 'OPEN', openUntil: T }), T, options), {
      allowed: true,
      next: rec({ state: 'HALF_OPEN', openUntil: T, successCount: 0, trialUntil: T + 3_000 }),
    });
  });

  test('refuses a second caller while a trial call holds the half-open circuit', () => {
    assert.deepEqual(admit(rec({ state: 'HALF_OPEN', trialUntil: T + 500 }), T, options), { allowed: false, retryAfterMs: 500 });
  });

  test('hands the next trial to a new caller once the lease has run out', () => {
    const next = admit(rec({ state: 'HALF_OPEN', successCount: 1, trialUntil: T - 1 }), T, options);
    assert.deepEqual(next, { allowed: true, next: rec({ state: 'HALF_OPEN', successCount: 1, trialUntil: T + 3_000 }) });
  });
});

describe('onSuccess', () => {
  test('writes nothing for a healthy closed circuit', () => {
    assert.equal(onSuccess(rec({}), T, options), undefined);
  });

  test('resets a streak of failures', () => {
    assert.deepEqual(onSuccess(rec({ failureCount: 2 }), T, options), rec({ failureCount: 0 }));
  });

  test('counts a good trial and frees the lease for the next one', () => {
    assert.deepEqual(onSuccess(rec({ state: 'HALF_OPEN', trialUntil: T + 3_000 }), T, options), rec({ state: 'HALF_OPEN', successCount: 1, trialUntil: 0 }));
  });

  test('closes the circuit after enough good trials', () => {
    assert.deepEqual(onSuccess(rec({ state: 'HALF_OPEN', successCount: 1, trialUntil: T }), T, options), rec({}));
  });

  test('does not let a late success overrule a circuit someone else opened', () => {
    assert.equal(onSuccess(rec({ state: 'OPEN', openUntil: T + 1 }), T, options), undefined);
  });
});

describe('onFailure', () => {
  test('counts failures below the threshold', () => {
    assert.deepEqual(onFailure(rec({ failureCount: 1 }), T, options), rec({ failureCount: 2 }));
  });

  test('opens the circuit for the timeout at the threshold', () => {
    assert.deepEqual(onFailure(rec({ failureCount: 2 }), T, options), rec({ state: 'OPEN', openUntil: T + 15_000 }));
  });

  test('reopens the circuit when a trial fails, forgetting earlier good trials', () => {
    assert.deepEqual(
      onFailure(rec({ state: 'HALF_OPEN', successCount: 1, trialUntil: T + 3_000 }), T, options),
      rec({ state: 'OPEN', openUntil: T + 15_000 }),
    );
  });

  test('leaves an open circuit alone', () => {
    assert.equal(onFailure(rec({ state: 'OPEN', openUntil: T + 5 }), T, options), undefined);
  });
});

describe('CircuitBreaker', () => {
  test('passes results and errors of the wrapped call through', async () => {
    const { breaker } = setup();
    assert.equal(await breaker.fire(ok), 'fine');
    await assert.rejects(breaker.fire(boom), /downstream 500/);
  });

  test('writes nothing while a closed circuit keeps succeeding', async () => {
    const { breaker, store } = setup();
    for (let i = 0; i < 5; i++) await breaker.fire(ok);
    assert.equal(store.writes, 0);
  });

  test('only opens on consecutive failures', async () => {
    const { breaker } = setup();
    await failTimes(breaker, 2);
    await breaker.fire(ok);
    await failTimes(breaker, 2);
    assert.equal(breaker.state, 'CLOSED');
  });

  test('goes CLOSED -> OPEN -> HALF_OPEN -> CLOSED, never calling while open', async () => {
    const { breaker, changes, advance } = setup();
    await failTimes(breaker, 3);
    assert.equal(breaker.state, 'OPEN');

    let calls = 0;
    const counted = async () => {
      calls += 1;
      return 'fine';
    };
    const refused = await breaker.fire(counted).catch((e: unknown) => e);
    assert.ok(refused instanceof CircuitOpenError);
    assert.equal(refused.retryAfterMs, 15_000);
    assert.equal(calls, 0);

    advance(15_000);
    assert.equal(await breaker.fire(counted), 'fine');
    assert.equal(breaker.state, 'HALF_OPEN');
    assert.equal(await breaker.fire(counted), 'fine');
    assert.equal(breaker.state, 'CLOSED');
    assert.equal(calls, 2);
    assert.deepEqual(changes, ['CLOSED->OPEN', 'OPEN->HALF_OPEN', 'HALF_OPEN->CLOSED']);
  });

  test('reopens for a full timeout when the trial call fails', async () => {
    const { breaker, advance } = setup();
    await failTimes(breaker, 3);
    advance(15_000);
    await assert.rejects(breaker.fire(boom), /downstream 500/);
    assert.equal(breaker.state, 'OPEN');
    advance(14_999);
    await assert.rejects(breaker.fire(ok), CircuitOpenError);
  });

  test('shares one circuit between execution environments', async () => {
    const { breaker, another } = setup();
    const second = another();
    await failTimes(breaker, 3);
    await assert.rejects(second.fire(ok), CircuitOpenError);
  });

  test('lets exactly one of two simultaneous callers make the trial call', async () => {
    const { breaker, another, advance } = setup();
    await failTimes(breaker, 3);
    advance(15_000);
    let calls = 0;
    const slowTrial = async () => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return 'fine';
    };
    const results = await Promise.allSettled([breaker.fire(slowTrial), another().fire(slowTrial)]);
    assert.equal(calls, 1);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const rejected = results.find((r) => r.status === 'rejected');
    assert.ok(rejected?.status === 'rejected' && rejected.reason instanceof CircuitOpenError);
  });

  test('opens once, not twice, when two environments fail at the same moment', async () => {
    const { breaker, another, changes, store } = setup();
    await failTimes(breaker, 2);
    await Promise.allSettled([breaker.fire(boom), another().fire(boom)]);
    assert.equal(store.record?.state, 'OPEN');
    assert.deepEqual(changes, ['CLOSED->OPEN']);
  });

  test('fails open, still calling the dependency, when the state cannot be read', async () => {
    const { breaker, store, storeErrors } = setup();
    store.failLoads = true;
    assert.equal(await breaker.fire(ok), 'fine');
    assert.equal(storeErrors.length, 2);
  });

  test('still returns the result when the state cannot be written', async () => {
    const { breaker, store, storeErrors } = setup();
    await failTimes(breaker, 1);
    store.failSaves = true;
    assert.equal(await breaker.fire(ok), 'fine');
    assert.equal(storeErrors.length, 1);
  });

  test('refuses the call if it keeps losing the race for the trial', async () => {
    const store = new MemoryStore();
    store.record = rec({ state: 'OPEN', openUntil: T - 1 });
    store.save = async () => false;
    const { breaker } = setup(store);
    await assert.rejects(breaker.fire(ok), CircuitOpenError);
  });

  test('rejects nonsensical settings', () => {
    assert.throws(() => new CircuitBreaker(new MemoryStore(), { ...options, failureThreshold: 0 }), /Thresholds/);
    assert.throws(() => new CircuitBreaker(new MemoryStore(), { ...options, timeoutMs: 0 }), /Timeouts/);
  });
});

// A small circuit breaker whose state lives outside the function, so that every concurrent
// execution environment sees the same circuit. It knows nothing about AWS: the store is injected.

export type CircuitState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

export interface BreakerOptions {
  /** Consecutive failures, while CLOSED, that open the circuit. */
  failureThreshold: number;
  /** Consecutive successful trial calls, while HALF_OPEN, that close it again. */
  successThreshold: number;
  /** How long the circuit stays OPEN before a trial call is allowed. */
  timeoutMs: number;
  /** How long one trial call holds the HALF_OPEN circuit; other callers fail fast meanwhile. */
  trialLeaseMs: number;
}

export interface BreakerRecord {
  state: CircuitState;
  failureCount: number;
  successCount: number;
  /** OPEN: no calls before this time (epoch ms). */
  openUntil: number;
  /** HALF_OPEN: a trial call is in flight until this time (epoch ms). */
  trialUntil: number;
  /** Incremented on every write; the store only accepts a write made from the latest version. */
  version: number;
}

export const INITIAL_RECORD: BreakerRecord = {
  state: 'CLOSED',
  failureCount: 0,
  successCount: 0,
  openUntil: 0,
  trialUntil: 0,
  version: 0,
};

/** Shared state, for example one DynamoDB item. */
export interface StateStore {
  load(): Promise<BreakerRecord | undefined>;
  /** Writes `next` only if the stored version is still `expectedVersion`; false when someone else wrote first. */
  save(next: BreakerRecord, expectedVersion: number): Promise<boolean>;
}

export type Admission = { allowed: true; next?: BreakerRecord } | { allowed: false; retryAfterMs: number };

/** Before a call: may it go ahead, and must the state change first? */
export function admit(record: BreakerRecord, now: number, options: BreakerOptions): Admission {
  switch (record.state) {
    case 'CLOSED':
      return { allowed: true };
    case 'OPEN':
      if (now < record.openUntil) return { allowed: false, retryAfterMs: record.openUntil - now };
      return { allowed: true, next: { ...record, state: 'HALF_OPEN', successCount: 0, trialUntil: now + options.trialLeaseMs } };
    case 'HALF_OPEN':
      if (now < record.trialUntil) return { allowed: false, retryAfterMs: record.trialUntil - now };
      // The previous trial finished (or its caller died); this call takes the next turn.
      return { allowed: true, next: { ...record, trialUntil: now + options.trialLeaseMs } };
  }
}

/** After a successful call. Undefined means there is nothing to write. */
export function onSuccess(record: BreakerRecord, _now: number, options: BreakerOptions): BreakerRecord | undefined {
  switch (record.state) {
    case 'CLOSED':
      // Only a streak of failures needs resetting; a healthy circuit costs no write.
      return record.failureCount > 0 ? { ...record, failureCount: 0 } : undefined;
    case 'HALF_OPEN': {
      const successCount = record.successCount + 1;
      if (successCount >= options.successThreshold) return { ...INITIAL_RECORD, version: record.version };
      return { ...record, successCount, trialUntil: 0 };
    }
    case 'OPEN':
      // Another caller opened the circuit meanwhile; one late success does not overrule it.
      return undefined;
  }
}

/** After a failed call. Undefined means there is nothing to write. */
export function onFailure(record: BreakerRecord, now: number, options: BreakerOptions): BreakerRecord | undefined {
  const open = (): BreakerRecord => ({ ...INITIAL_RECORD, state: 'OPEN', openUntil: now + options.timeoutMs, version: record.version });
  switch (record.state) {
    case 'CLOSED': {
      const failureCount = record.failureCount + 1;
      return failureCount >= options.failureThreshold ? open() : { ...record, failureCount };
    }
    case 'HALF_OPEN':
      // The trial failed: the dependency is still unwell, so wait a full timeout again.
      return open();
    case 'OPEN':
      return undefined;
  }
}

export class CircuitOpenError extends Error {
  constructor(
    readonly state: CircuitState,
    readonly retryAfterMs: number,
  ) {
    super(`The circuit is ${state}; retry in ${Math.ceil(retryAfterMs / 1000)} s.`);
    this.name = 'CircuitOpenError';
  }
}

/** Optimistic writes are retried this often before the breaker gives up on a transition. */
const MAX_WRITE_ATTEMPTS = 3;

export interface BreakerHooks {
  onStateChange?: (from: CircuitState, to: CircuitState) => void;
  /** The store failed; the breaker carries on as if CLOSED rather than block every call. */
  onStoreError?: (error: unknown) => void;
}

export class CircuitBreaker {
  private lastState: CircuitState = 'CLOSED';

  constructor(
    private readonly store: StateStore,
    private readonly options: BreakerOptions,
    private readonly clock: () => number = Date.now,
    private readonly hooks: BreakerHooks = {},
  ) {
    if (options.failureThreshold < 1 || options.successThreshold < 1) throw new Error('Thresholds must be at least 1.');
    if (options.timeoutMs <= 0 || options.trialLeaseMs <= 0) throw new Error('Timeouts must be positive.');
  }

  /** The state this instance last read or wrote. */
  get state(): CircuitState {
    return this.lastState;
  }

  /** Runs `request` if the circuit allows it, records the outcome, and returns or rethrows its result. */
  async fire<T>(request: () => Promise<T>): Promise<T> {
    await this.enter();
    let result: T;
    try {
      result = await request();
    } catch (error) {
      await this.transition(onFailure);
      throw error;
    }
    await this.transition(onSuccess);
    return result;
  }

  private async enter(): Promise<void> {
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
      const current = await this.load();
      if (!current) return; // store unavailable: fail open
      const admission = admit(current, this.clock(), this.options);
      if (!admission.allowed) throw new CircuitOpenError(current.state, admission.retryAfterMs);
      if (!admission.next) return;
      // Claiming the trial must win a conditional write, so only one caller gets it.
      if (await this.save(current, admission.next)) return;
    }
    // Every attempt lost a race for the trial call: someone else is testing the dependency.
    throw new CircuitOpenError('HALF_OPEN', this.options.trialLeaseMs);
  }

  private async transition(rule: typeof onSuccess): Promise<void> {
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
      const current = await this.load();
      if (!current) return;
      const next = rule(current, this.clock(), this.options);
      if (!next || (await this.save(current, next))) return;
    }
  }

  private async load(): Promise<BreakerRecord | undefined> {
    try {
      const record = (await this.store.load()) ?? INITIAL_RECORD;
      this.lastState = record.state;
      return record;
    } catch (error) {
      this.hooks.onStoreError?.(error);
      return undefined;
    }
  }

  private async save(current: BreakerRecord, next: BreakerRecord): Promise<boolean> {
    try {
      const saved = await this.store.save({ ...next, version: current.version + 1 }, current.version);
      if (saved) {
        this.lastState = next.state;
        if (next.state !== current.state) this.hooks.onStateChange?.(current.state, next.state);
      }
      return saved;
    } catch (error) {
      this.hooks.onStoreError?.(error);
      // Treat as written: retrying a failing store would only add latency to every call.
      return true;
    }
  }
}

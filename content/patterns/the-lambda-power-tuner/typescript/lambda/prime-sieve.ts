// A deliberately CPU-bound function to tune: counting primes with a sieve does no I/O,
// so its duration depends almost only on how much CPU the memory setting buys.

export const DEFAULT_LIMIT = 5_000_000;
// One byte per candidate: 20 million keeps the working set at 20 MB, safe even at 128 MB.
export const MAX_LIMIT = 20_000_000;

export interface SieveEvent {
  limit?: unknown;
}

export interface SieveResult {
  limit: number;
  primes: number;
  largest: number | null;
  elapsedMs: number;
}

/** The upper bound to search, from the event; missing means the default. */
export function parseLimit(event: SieveEvent | null | undefined): number {
  const limit = event?.limit ?? DEFAULT_LIMIT;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 2 || limit > MAX_LIMIT) {
    throw new RangeError(`limit must be a whole number from 2 to ${MAX_LIMIT}`);
  }
  return limit;
}

/** Sieve of Eratosthenes: how many primes are <= limit, and the largest of them. */
export function countPrimes(limit: number): { primes: number; largest: number | null } {
  if (limit < 2) return { primes: 0, largest: null };
  const composite = new Uint8Array(limit + 1);
  for (let n = 2; n * n <= limit; n++) {
    if (composite[n]) continue;
    for (let multiple = n * n; multiple <= limit; multiple += n) composite[multiple] = 1;
  }
  let primes = 0;
  let largest: number | null = null;
  for (let n = 2; n <= limit; n++) {
    if (!composite[n]) {
      primes++;
      largest = n;
    }
  }
  return { primes, largest };
}

export async function handler(event: SieveEvent): Promise<SieveResult> {
  const limit = parseLimit(event);
  const started = performance.now();
  const { primes, largest } = countPrimes(limit);
  const elapsedMs = Math.round(performance.now() - started);
  return { limit, primes, largest, elapsedMs };
}

import { createHash } from 'node:crypto';

// Prices a cart. Three feature flags, read from the AppConfig Agent Lambda extension on
// localhost, decide how: the new pricing engine for a share of customers, free shipping above a
// threshold, and a promotional banner. Every flag is written so that OFF is the long-standing
// behaviour, which is what the function falls back to when the flags cannot be read.

export type CheckoutFlags = {
  newPricing: { enabled: false } | { enabled: true; rolloutPercent: number; discountPercent: number };
  freeShipping: { enabled: false } | { enabled: true; thresholdCents: number };
  promoBanner: { enabled: false } | { enabled: true; message: string };
};

export type FlagRead = { flags: CheckoutFlags; source: 'appconfig' | 'defaults' };
export type ReadFlags = () => Promise<FlagRead>;

/** What the function does when it cannot learn the flags: the behaviour from before any flag existed. */
export const SAFE_DEFAULTS: CheckoutFlags = {
  newPricing: { enabled: false },
  freeShipping: { enabled: false },
  promoBanner: { enabled: false },
};

export const FLAT_SHIPPING_CENTS = 499;
export const MAX_CART_CENTS = 10_000_000;
/** A flag read that takes longer than this falls back to the defaults rather than hold up the quote. */
export const FLAG_TIMEOUT_MS = 1000;
/** Searched for by the stack's metric filter; keep it in the warning line. */
export const FALLBACK_MARKER = 'FLAGS_FALLBACK';

function isPercent(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 100;
}

function entry(raw: unknown, name: string): Record<string, unknown> | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const value = (raw as Record<string, unknown>)[name];
  return typeof value === 'object' && value !== null && (value as { enabled?: unknown }).enabled === true
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * Turns the agent's answer into typed flags. A flag counts as on only when it says enabled: true
 * and carries usable attributes; anything missing or malformed reads as off, flag by flag.
 */
export function parseFlags(raw: unknown): CheckoutFlags {
  const pricing = entry(raw, 'newPricing');
  const shipping = entry(raw, 'freeShipping');
  const banner = entry(raw, 'promoBanner');
  return {
    newPricing:
      pricing && isPercent(pricing.rolloutPercent) && isPercent(pricing.discountPercent)
        ? { enabled: true, rolloutPercent: pricing.rolloutPercent, discountPercent: pricing.discountPercent }
        : { enabled: false },
    freeShipping:
      shipping && typeof shipping.thresholdCents === 'number' && shipping.thresholdCents >= 0
        ? { enabled: true, thresholdCents: shipping.thresholdCents }
        : { enabled: false },
    promoBanner:
      banner && typeof banner.message === 'string' && banner.message.length > 0
        ? { enabled: true, message: banner.message }
        : { enabled: false },
  };
}

function fallback(reason: string): FlagRead {
  console.warn(JSON.stringify({ level: 'WARN', message: `${FALLBACK_MARKER}: feature flags unavailable, using safe defaults`, reason }));
  return { flags: SAFE_DEFAULTS, source: 'defaults' };
}

/** Reads every flag of the profile in one local call; the agent answers from its in-memory cache. */
export function agentFlags(url: string, timeoutMs = FLAG_TIMEOUT_MS): ReadFlags {
  return async () => {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) return fallback(`agent answered ${response.status}`);
      return { flags: parseFlags(await response.json()), source: 'appconfig' };
    } catch (error) {
      return fallback(String(error));
    }
  };
}

/** A stable 0-99 bucket per customer and flag, so a customer stays in or out as the percentage grows. */
export function rolloutBucket(flag: string, customerId: string): number {
  return createHash('sha256').update(`${flag}:${customerId}`).digest().readUInt32BE(0) % 100;
}

export type QuoteRequest = { customerId: string; cartCents: number };
export type Quote = {
  customerId: string;
  cartCents: number;
  pricing: 'classic' | 'new';
  discountCents: number;
  shippingCents: number;
  totalCents: number;
  banner: string | null;
  flags: FlagRead['source'];
};

export function priceCart(request: QuoteRequest, read: FlagRead): Quote {
  const { newPricing, freeShipping, promoBanner } = read.flags;
  const inRollout = newPricing.enabled && rolloutBucket('newPricing', request.customerId) < newPricing.rolloutPercent;
  const discountCents = inRollout ? Math.floor((request.cartCents * newPricing.discountPercent) / 100) : 0;
  const subtotal = request.cartCents - discountCents;
  const shippingCents = freeShipping.enabled && subtotal >= freeShipping.thresholdCents ? 0 : FLAT_SHIPPING_CENTS;
  return {
    customerId: request.customerId,
    cartCents: request.cartCents,
    pricing: inRollout ? 'new' : 'classic',
    discountCents,
    shippingCents,
    totalCents: subtotal + shippingCents,
    banner: promoBanner.enabled ? promoBanner.message : null,
    flags: read.source,
  };
}

/** A caller's mistake is answered, not thrown: a thrown error would count in the alarm that rolls flags back. */
export function parseRequest(event: unknown): QuoteRequest | string {
  const e = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  if (typeof e.customerId !== 'string' || !/^[\w-]{1,64}$/.test(e.customerId)) {
    return 'customerId must be 1 to 64 letters, digits, underscores or hyphens';
  }
  if (typeof e.cartCents !== 'number' || !Number.isInteger(e.cartCents) || e.cartCents < 0 || e.cartCents > MAX_CART_CENTS) {
    return `cartCents must be a whole number from 0 to ${MAX_CART_CENTS}`;
  }
  return { customerId: e.customerId, cartCents: e.cartCents };
}

export function createHandler(readFlags: ReadFlags) {
  return async (event: unknown): Promise<({ ok: true } & Quote) | { ok: false; error: string }> => {
    const request = parseRequest(event);
    if (typeof request === 'string') return { ok: false, error: request };
    return { ok: true, ...priceCart(request, await readFlags()) };
  };
}

export const handler = createHandler(agentFlags(process.env.FLAGS_URL ?? ''));

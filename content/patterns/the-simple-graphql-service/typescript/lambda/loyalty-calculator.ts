/** What the customer-loyalty resolver sends for each customer in a batch. */
export type LoyaltyRequest = { customerId: string; lifetimeSpend: number; orderCount: number };

export type Tier = 'BRONZE' | 'SILVER' | 'GOLD' | 'PLATINUM';

export type Loyalty = {
  tier: Tier;
  points: number;
  nextTier: Tier | null;
  spendToNextTier: number | null;
  ordersToNextTier: number | null;
};

/** One answer per batch item, in the shape the resolver's response function unpacks. */
export type BatchItemResult = { data: Loyalty | null; errorMessage: string | null; errorType: string | null };

/** Lowest tier first. A tier needs both its spend and its order count; points earn at the tier's rate. */
export const TIERS: readonly { tier: Tier; minSpend: number; minOrders: number; pointsPerCurrencyUnit: number }[] = [
  { tier: 'BRONZE', minSpend: 0, minOrders: 0, pointsPerCurrencyUnit: 1 },
  { tier: 'SILVER', minSpend: 500, minOrders: 3, pointsPerCurrencyUnit: 1.25 },
  { tier: 'GOLD', minSpend: 2000, minOrders: 10, pointsPerCurrencyUnit: 1.5 },
  { tier: 'PLATINUM', minSpend: 5000, minOrders: 25, pointsPerCurrencyUnit: 2 },
];

export class InvalidCustomerError extends Error {}

export function calculateLoyalty(lifetimeSpend: number, orderCount: number): Loyalty {
  if (!Number.isFinite(lifetimeSpend) || lifetimeSpend < 0) {
    throw new InvalidCustomerError(`lifetimeSpend must be a non-negative number, got ${lifetimeSpend}`);
  }
  if (!Number.isInteger(orderCount) || orderCount < 0) {
    throw new InvalidCustomerError(`orderCount must be a non-negative whole number, got ${orderCount}`);
  }
  let level = 0;
  TIERS.forEach((t, i) => {
    if (lifetimeSpend >= t.minSpend && orderCount >= t.minOrders) level = i;
  });
  const current = TIERS[level];
  const next = TIERS[level + 1];
  return {
    tier: current.tier,
    points: Math.floor(lifetimeSpend * current.pointsPerCurrencyUnit),
    nextTier: next?.tier ?? null,
    spendToNextTier: next ? Math.max(0, Math.round((next.minSpend - lifetimeSpend) * 100) / 100) : null,
    ordersToNextTier: next ? Math.max(0, next.minOrders - orderCount) : null,
  };
}

/** A bad item fails only its own field; the rest of the batch still gets answers. */
export function resolveItem(item: LoyaltyRequest): BatchItemResult {
  try {
    return { data: calculateLoyalty(item.lifetimeSpend, item.orderCount), errorMessage: null, errorType: null };
  } catch (error) {
    if (!(error instanceof InvalidCustomerError)) throw error;
    console.warn(JSON.stringify({ message: 'invalid customer totals', customerId: item.customerId, error: error.message }));
    return { data: null, errorMessage: `Cannot work out loyalty for ${item.customerId}`, errorType: 'InvalidCustomer' };
  }
}

/** AppSync BatchInvoke sends a list of payloads and expects a list back, same length and order. */
export async function handler(event: LoyaltyRequest[]): Promise<BatchItemResult[]> {
  if (!Array.isArray(event)) throw new Error('Expected a BatchInvoke list of customers');
  return event.map(resolveItem);
}

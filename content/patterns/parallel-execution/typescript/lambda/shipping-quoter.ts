import { type Order, parseOrder } from './order';

export type Zone = 'DOMESTIC' | 'EU' | 'WORLD';

interface Rate {
  countries: readonly string[];
  /** Price of a parcel up to one kilogram. */
  baseCents: number;
  /** Added for every started kilogram above the first. */
  perExtraKgCents: number;
  days: number;
}

/** A stand-in for a carrier's rate API: the shop ships from Germany to these countries only. */
export const RATES: Record<Zone, Rate> = {
  DOMESTIC: { countries: ['DE'], baseCents: 490, perExtraKgCents: 100, days: 2 },
  EU: {
    countries: ['AT', 'BE', 'CZ', 'DK', 'ES', 'FI', 'FR', 'IE', 'IT', 'LU', 'NL', 'PL', 'PT', 'SE'],
    baseCents: 990,
    perExtraKgCents: 250,
    days: 4,
  },
  WORLD: { countries: ['AU', 'CA', 'CH', 'GB', 'JP', 'NO', 'US'], baseCents: 1990, perExtraKgCents: 600, days: 7 },
};
/** The carrier's limit for one parcel. */
export const MAX_PARCEL_GRAMS = 31_500;

export type ShippingQuote =
  | { status: 'QUOTED'; zone: Zone; costCents: number; days: number }
  | { status: 'NO_ROUTE'; reason: 'DESTINATION_NOT_SERVED' | 'PARCEL_TOO_HEAVY' };

export function quoteShipping(order: Order): ShippingQuote {
  const grams = order.quantity * order.weightGrams;
  if (grams > MAX_PARCEL_GRAMS) return { status: 'NO_ROUTE', reason: 'PARCEL_TOO_HEAVY' };
  const zone = (Object.keys(RATES) as Zone[]).find((z) => RATES[z].countries.includes(order.shipTo.country));
  if (zone === undefined) return { status: 'NO_ROUTE', reason: 'DESTINATION_NOT_SERVED' };
  const rate = RATES[zone];
  const extraKg = Math.max(0, Math.ceil(grams / 1000) - 1);
  return { status: 'QUOTED', zone, costCents: rate.baseCents + extraKg * rate.perExtraKgCents, days: rate.days };
}

export const handler = async (event: unknown): Promise<ShippingQuote> => {
  const order = parseOrder(event);
  const quote = quoteShipping(order);
  console.info(JSON.stringify({ message: 'shipping quoted', orderId: order.orderId, ...quote }));
  return quote;
};

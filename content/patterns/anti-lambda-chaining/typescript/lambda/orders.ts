// Order pricing shared by the chained PlaceOrder (before) and the workflow's PriceOrder step (after):
// the business rules are the same in both stacks, only the way the steps are joined differs.

/** Prices in cents. The client sends SKUs and quantities, never prices. */
export const PRICE_LIST_CENTS: Readonly<Record<string, number>> = { 'BOOK-1': 1250, 'MUG-2': 900, 'TEE-3': 1800 };
export const MAX_LINES = 20;
export const MAX_QUANTITY = 10;

const ORDER_ID = /^[A-Za-z0-9-]{1,64}$/;
const CARD_TOKEN = /^tok_[A-Za-z0-9_]{1,60}$/;

export type OrderLine = { sku: string; quantity: number; unitPriceCents: number };
export type PricedOrder = { orderId: string; items: OrderLine[]; totalCents: number; cardToken: string };
export type Pricing = { valid: true; order: PricedOrder } | { valid: false; reasons: string[] };

/** Checks and prices an order as the caller sent it. Never throws: a bad order is an answer, not a fault. */
export function priceOrder(input: unknown): Pricing {
  const raw = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const reasons: string[] = [];
  const orderId = typeof raw.orderId === 'string' && ORDER_ID.test(raw.orderId) ? raw.orderId : undefined;
  if (!orderId) reasons.push('orderId must be 1 to 64 letters, digits or dashes');
  const cardToken = typeof raw.cardToken === 'string' && CARD_TOKEN.test(raw.cardToken) ? raw.cardToken : undefined;
  if (!cardToken) reasons.push('cardToken must be a payment token starting with tok_');

  const items: OrderLine[] = [];
  if (!Array.isArray(raw.items) || raw.items.length === 0 || raw.items.length > MAX_LINES) {
    reasons.push(`items must list 1 to ${MAX_LINES} lines`);
  } else {
    raw.items.forEach((item, index) => {
      const { sku, quantity } = (item ?? {}) as { sku?: unknown; quantity?: unknown };
      const price = typeof sku === 'string' ? PRICE_LIST_CENTS[sku] : undefined;
      if (price === undefined) reasons.push(`items[${index}].sku is not for sale`);
      else if (!Number.isInteger(quantity) || (quantity as number) < 1 || (quantity as number) > MAX_QUANTITY) {
        reasons.push(`items[${index}].quantity must be a whole number from 1 to ${MAX_QUANTITY}`);
      } else items.push({ sku: sku as string, quantity: quantity as number, unitPriceCents: price });
    });
  }
  if (reasons.length > 0 || !orderId || !cardToken) return { valid: false, reasons };
  const totalCents = items.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0);
  return { valid: true, order: { orderId, items, totalCents, cardToken } };
}

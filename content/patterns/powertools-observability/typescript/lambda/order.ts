/** What an order request must look like, its total, and the payment stand-in. Pure functions. */

export type OrderItem = { sku: string; quantity: number; unitPriceCents: number };
export type OrderRequest = { customerId: string; items: OrderItem[]; paymentToken: string };

export const MAX_ITEMS = 20;
export const MAX_QUANTITY = 100;
/** 10,000.00 per unit: a typo in a price should be a 400, not a very large order. */
export const MAX_UNIT_PRICE_CENTS = 1_000_000;
/** Bigger bodies are refused before JSON.parse sees them. */
export const MAX_BODY_BYTES = 16 * 1024;

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const SKU = /^[A-Za-z0-9_-]{1,32}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIntIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** Parses and checks a request body; every problem is listed so the caller can fix them in one go. */
export function parseOrder(body: string | undefined, isBase64Encoded = false): { order: OrderRequest } | { errors: string[] } {
  const text = isBase64Encoded && body ? Buffer.from(body, 'base64').toString('utf8') : body;
  if (!text) return { errors: ['the body must be a JSON order'] };
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) return { errors: [`the body must be at most ${MAX_BODY_BYTES} bytes`] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { errors: ['the body is not valid JSON'] };
  }
  if (!isRecord(parsed)) return { errors: ['the body must be a JSON object'] };

  const errors: string[] = [];
  const { customerId, items, paymentToken } = parsed;
  if (typeof customerId !== 'string' || !ID.test(customerId)) errors.push('customerId must be 1-64 letters, digits, - or _');
  if (typeof paymentToken !== 'string' || !ID.test(paymentToken)) errors.push('paymentToken must be 1-64 letters, digits, - or _');
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_ITEMS) {
    errors.push(`items must be a list of 1 to ${MAX_ITEMS} items`);
  } else {
    items.forEach((item, i) => {
      if (!isRecord(item)) return errors.push(`items[${i}] must be an object`);
      if (typeof item.sku !== 'string' || !SKU.test(item.sku)) errors.push(`items[${i}].sku must be 1-32 letters, digits, - or _`);
      if (!isIntIn(item.quantity, 1, MAX_QUANTITY)) errors.push(`items[${i}].quantity must be a whole number from 1 to ${MAX_QUANTITY}`);
      if (!isIntIn(item.unitPriceCents, 1, MAX_UNIT_PRICE_CENTS)) {
        errors.push(`items[${i}].unitPriceCents must be a whole number of cents from 1 to ${MAX_UNIT_PRICE_CENTS}`);
      }
      return undefined;
    });
  }
  if (errors.length > 0) return { errors };
  const order: OrderRequest = {
    customerId: customerId as string,
    paymentToken: paymentToken as string,
    // Copy only the known fields: nothing else from the request reaches the table.
    items: (items as Record<string, unknown>[]).map((item) => ({
      sku: item.sku as string,
      quantity: item.quantity as number,
      unitPriceCents: item.unitPriceCents as number,
    })),
  };
  return { order };
}

/** Integer cents, so no floating-point rounding ever reaches a stored total. */
export function totalCents(items: readonly OrderItem[]): number {
  return items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
}

export type PaymentResult = { approved: true } | { approved: false; reason: string };

/**
 * Stand-in for a payment provider's authorization call, so the demo can produce declines on demand.
 * The two test tokens below are declined; any other token is approved. Replace this function
 * with your provider's SDK call: the handler only needs its approved/declined answer.
 */
export const DECLINING_TOKENS: Readonly<Record<string, string>> = {
  tok_declined: 'card_declined',
  tok_insufficient_funds: 'insufficient_funds',
};

export function authorizePayment(paymentToken: string): PaymentResult {
  const reason = DECLINING_TOKENS[paymentToken];
  return reason ? { approved: false, reason } : { approved: true };
}

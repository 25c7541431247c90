/** The event every consumer receives: validated once by the publisher. */
export type Order = { orderId: string; customerId: string; total: number; currency: string };

/** Orders at or above this total also go to the high-value screen (an SNS filter policy). */
export const HIGH_VALUE_THRESHOLD = 1000;
export const MAX_TOTAL = 1_000_000;
/** The currency the business reports in; other currencies are converted to it. */
export const REPORTING_CURRENCY = 'EUR';

const ID = /^[A-Za-z0-9-]{1,64}$/;
const CURRENCY = /^[A-Z]{3}$/;

export type Parsed = { order: Order } | { errors: string[] };

export function parseOrder(json: string | null | undefined): Parsed {
  let input: unknown;
  try {
    input = JSON.parse(json ?? '');
  } catch {
    return { errors: ['body must be JSON'] };
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { errors: ['body must be a JSON object'] };
  }
  const { orderId, customerId, total, currency } = input as Record<string, unknown>;
  const errors: string[] = [];
  if (typeof orderId !== 'string' || !ID.test(orderId)) errors.push('orderId must be 1-64 letters, digits or hyphens');
  if (typeof customerId !== 'string' || !ID.test(customerId)) errors.push('customerId must be 1-64 letters, digits or hyphens');
  if (typeof total !== 'number' || !Number.isFinite(total) || total <= 0 || total > MAX_TOTAL) {
    errors.push(`total must be a number above 0 and at most ${MAX_TOTAL}`);
  }
  if (typeof currency !== 'string' || !CURRENCY.test(currency)) errors.push('currency must be a three-letter code such as EUR');
  if (errors.length > 0) return { errors };
  return {
    order: {
      orderId: orderId as string,
      customerId: customerId as string,
      total: Math.round((total as number) * 100) / 100,
      currency: currency as string,
    },
  };
}

/** For consumers: a message that fails validation here was not sent by the publisher. */
export function orderFromMessage(message: string): Order {
  const parsed = parseOrder(message);
  if ('errors' in parsed) throw new Error(`Not an order event: ${parsed.errors.join('; ')}`);
  return parsed.order;
}

/** The message producers put on the queue: a request to charge a customer once. */
export interface PaymentRequest {
  paymentId: string;
  customerId: string;
  /** In minor units (cents), so no float ever reaches the hash or the table. */
  amount: number;
  currency: string;
}

export const ID_PATTERN = '^[A-Za-z0-9-]{1,64}$';
export const CURRENCY_PATTERN = '^[A-Z]{3}$';
/** 100,000.00 in minor units: a demo ceiling, so a typo cannot charge a fortune. */
export const MAX_AMOUNT = 10_000_000;

/** A message that can never succeed, however often it is retried. */
export class InvalidPaymentRequest extends Error {}

const FIELDS = ['paymentId', 'customerId', 'amount', 'currency'];

/** Checks a message body and returns exactly the four fields, in a fixed shape. */
export function parsePaymentRequest(body: string): PaymentRequest {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new InvalidPaymentRequest('body is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidPaymentRequest('body is not a JSON object');
  }
  const fields = value as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !FIELDS.includes(key));
  if (unknown.length > 0) throw new InvalidPaymentRequest(`unexpected field ${unknown[0]}`);
  const { paymentId, customerId, amount, currency } = fields;
  if (typeof paymentId !== 'string' || !new RegExp(ID_PATTERN).test(paymentId)) {
    throw new InvalidPaymentRequest('paymentId is missing or malformed');
  }
  if (typeof customerId !== 'string' || !new RegExp(ID_PATTERN).test(customerId)) {
    throw new InvalidPaymentRequest('customerId is missing or malformed');
  }
  if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 1 || amount > MAX_AMOUNT) {
    throw new InvalidPaymentRequest(`amount must be a whole number of minor units from 1 to ${MAX_AMOUNT}`);
  }
  if (typeof currency !== 'string' || !new RegExp(CURRENCY_PATTERN).test(currency)) {
    throw new InvalidPaymentRequest('currency must be a three-letter ISO code');
  }
  return { paymentId, customerId, amount, currency };
}

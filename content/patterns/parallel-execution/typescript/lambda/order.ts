/** The order both functions read. The caller is your own checkout service, so a malformed order is a bug there. */
export interface Order {
  orderId: string;
  sku: string;
  quantity: number;
  unitPriceCents: number;
  weightGrams: number;
  customer: { id: string; accountAgeDays: number; billingCountry: string };
  shipTo: { country: string };
}

/**
 * Thrown for an order that cannot be checked. No Retry or Catch in the workflow names it, so it fails its branch,
 * the Parallel state and the execution, with this message as the cause.
 */
export class InvalidOrder extends Error {
  override readonly name = 'InvalidOrder';
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const SKU = /^[A-Z0-9-]{1,32}$/;
const COUNTRY = /^[A-Z]{2}$/;

function wholeNumber(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function matches(value: unknown, pattern: RegExp): value is string {
  return typeof value === 'string' && pattern.test(value);
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * Checks every field at once and names every problem, in a fixed order: both functions run this same check
 * on the same input, so whichever branch fails first, the execution fails with the same cause.
 */
export function parseOrder(raw: unknown): Order {
  const input = record(raw);
  const customer = record(input.customer);
  const shipTo = record(input.shipTo);
  const problems: string[] = [];
  if (!matches(input.orderId, ID)) problems.push('orderId must be 1 to 64 letters, digits, dashes or underscores');
  if (!matches(input.sku, SKU)) problems.push('sku must be 1 to 32 capital letters, digits or dashes');
  if (!wholeNumber(input.quantity, 1, 99)) problems.push('quantity must be a whole number from 1 to 99');
  if (!wholeNumber(input.unitPriceCents, 1, 10_000_000)) problems.push('unitPriceCents must be a whole number from 1 to 10000000');
  if (!wholeNumber(input.weightGrams, 1, 100_000)) problems.push('weightGrams must be a whole number from 1 to 100000');
  if (!matches(customer.id, ID)) problems.push('customer.id must be 1 to 64 letters, digits, dashes or underscores');
  if (!wholeNumber(customer.accountAgeDays, 0, 100_000)) problems.push('customer.accountAgeDays must be a whole number of days');
  if (!matches(customer.billingCountry, COUNTRY)) problems.push('customer.billingCountry must be a two-letter country code');
  if (!matches(shipTo.country, COUNTRY)) problems.push('shipTo.country must be a two-letter country code');
  if (problems.length > 0) throw new InvalidOrder(problems.join('; '));
  return {
    orderId: input.orderId as string,
    sku: input.sku as string,
    quantity: input.quantity as number,
    unitPriceCents: input.unitPriceCents as number,
    weightGrams: input.weightGrams as number,
    customer: { id: customer.id as string, accountAgeDays: customer.accountAgeDays as number, billingCountry: customer.billingCountry as string },
    shipTo: { country: shipTo.country as string },
  };
}

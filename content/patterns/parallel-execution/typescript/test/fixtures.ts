import type { Order } from '../lambda/order';

/** A keyboard for a long-standing customer in Germany, shipped within Germany. */
export function order(overrides: Partial<Order> = {}): Order {
  return {
    orderId: 'ord-1001',
    sku: 'KB-001',
    quantity: 1,
    unitPriceCents: 8900,
    weightGrams: 900,
    customer: { id: 'cust-42', accountAgeDays: 420, billingCountry: 'DE' },
    shipTo: { country: 'DE' },
    ...overrides,
  };
}

/** Runs a handler without its log line on the test output. */
export function quiet<T>(fn: () => Promise<T>): Promise<T> {
  const original = console.info;
  console.info = () => {};
  return fn().finally(() => {
    console.info = original;
  });
}

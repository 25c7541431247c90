import { type Order, parseOrder } from './order';

export type FraudSignal = 'HIGH_VALUE' | 'NEW_ACCOUNT' | 'COUNTRY_MISMATCH' | 'BULK_QUANTITY';

/** Points each signal adds. The workflow, not this function, decides what a score means. */
export const SIGNAL_POINTS: Record<FraudSignal, number> = {
  HIGH_VALUE: 35,
  NEW_ACCOUNT: 25,
  COUNTRY_MISMATCH: 25,
  BULK_QUANTITY: 20,
};
export const HIGH_VALUE_CENTS = 50_000;
export const NEW_ACCOUNT_DAYS = 30;
export const BULK_QUANTITY = 10;

export interface FraudScore {
  status: 'SCORED';
  score: number;
  signals: FraudSignal[];
}

/**
 * A stand-in for a fraud vendor's API: deterministic rules, so the same order always gets the same score and a
 * retried call changes nothing.
 */
export function scoreOrder(order: Order): FraudScore {
  const signals: FraudSignal[] = [];
  if (order.quantity * order.unitPriceCents >= HIGH_VALUE_CENTS) signals.push('HIGH_VALUE');
  if (order.customer.accountAgeDays < NEW_ACCOUNT_DAYS) signals.push('NEW_ACCOUNT');
  if (order.customer.billingCountry !== order.shipTo.country) signals.push('COUNTRY_MISMATCH');
  if (order.quantity >= BULK_QUANTITY) signals.push('BULK_QUANTITY');
  const score = Math.min(100, signals.reduce((sum, signal) => sum + SIGNAL_POINTS[signal], 0));
  return { status: 'SCORED', score, signals };
}

export const handler = async (event: unknown): Promise<FraudScore> => {
  const order = parseOrder(event);
  const result = scoreOrder(order);
  console.info(JSON.stringify({ message: 'order scored', orderId: order.orderId, score: result.score, signals: result.signals }));
  return result;
};

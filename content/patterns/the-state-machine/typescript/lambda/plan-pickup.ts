import { createHash } from 'node:crypto';
import { type AcceptedOrder, kitchenMinutes, minutesFrom, type ValidOrder } from './order';

export interface PlannedPickup extends AcceptedOrder {
  fulfilment: 'pickup';
  pickupCode: string;
}

/** Derived from the order id so a retried invocation hands out the same code. */
export function pickupCode(orderId: string): string {
  return createHash('sha256').update(orderId).digest('hex').slice(0, 4).toUpperCase();
}

export function planPickup(order: ValidOrder, now: Date): PlannedPickup {
  if (order.fulfilment !== 'pickup') throw new Error(`order ${order.orderId} is not a pickup order`);
  return {
    orderId: order.orderId,
    status: 'ACCEPTED',
    fulfilment: 'pickup',
    pickupCode: pickupCode(order.orderId),
    totalCents: order.subtotalCents,
    readyAt: minutesFrom(now, kitchenMinutes(order.bakedItems)),
  };
}

export const handler = async (order: ValidOrder): Promise<PlannedPickup> => planPickup(order, new Date());

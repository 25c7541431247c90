import { type AcceptedOrder, kitchenMinutes, minutesFrom, type ValidOrder } from './order';

export const FREE_DELIVERY_FROM_CENTS = 3000;
export const DELIVERY_FEE_CENTS = 299;
export const RIDE_MINUTES = 25;

export interface PlannedDelivery extends AcceptedOrder {
  fulfilment: 'delivery';
  address: string;
  deliveryFeeCents: number;
}

export function planDelivery(order: ValidOrder, now: Date): PlannedDelivery {
  // The Choice only routes delivery orders here; anything else means the wiring is wrong.
  if (order.fulfilment !== 'delivery' || !order.address) {
    throw new Error(`order ${order.orderId} is not a delivery order with an address`);
  }
  const deliveryFeeCents = order.subtotalCents >= FREE_DELIVERY_FROM_CENTS ? 0 : DELIVERY_FEE_CENTS;
  return {
    orderId: order.orderId,
    status: 'ACCEPTED',
    fulfilment: 'delivery',
    address: order.address,
    deliveryFeeCents,
    totalCents: order.subtotalCents + deliveryFeeCents,
    readyAt: minutesFrom(now, kitchenMinutes(order.bakedItems) + RIDE_MINUTES),
  };
}

export const handler = async (order: ValidOrder): Promise<PlannedDelivery> => planDelivery(order, new Date());

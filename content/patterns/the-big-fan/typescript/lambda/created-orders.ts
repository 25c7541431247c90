import { createConsumer, type ProcessOrder } from './order-events';

/** Mirrors the subscription filter: this queue only ever holds brand-new orders. */
export const acceptsCreated = (status: string): boolean => status === 'created';

/** Stand-in for the real work on a new order (reserve stock, send a confirmation). */
export const recordNewOrder: ProcessOrder = async (order, messageId) => {
  console.info(
    JSON.stringify({
      level: 'INFO',
      message: 'new order accepted',
      orderId: order.orderId,
      total: order.total,
      snsMessageId: messageId,
    }),
  );
};

export const handler = createConsumer({ name: 'created-orders', accepts: acceptsCreated, process: recordNewOrder });

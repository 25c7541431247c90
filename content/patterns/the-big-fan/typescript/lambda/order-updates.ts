import { createConsumer, type ProcessOrder } from './order-events';

/** Mirrors the anything-but filter: every status except a new order lands here. */
export const acceptsUpdate = (status: string): boolean => status !== 'created';

/** Stand-in for the real work on a status change (update the order record, notify the customer). */
export const applyStatusChange: ProcessOrder = async (order, messageId) => {
  console.info(
    JSON.stringify({
      level: 'INFO',
      message: 'order status changed',
      orderId: order.orderId,
      status: order.status,
      snsMessageId: messageId,
    }),
  );
};

export const handler = createConsumer({ name: 'order-updates', accepts: acceptsUpdate, process: applyStatusChange });

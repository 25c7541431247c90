import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { expectFrom, orderIdOf, orderOf, PAYMENT_LIMIT_CENTS, PAYMENT_STATES, type SagaEvent, SOURCES } from './contract';
import { eventBridgePublisher } from './publisher';
import { type Announce, type Outcome, sagaStep, type StepDeps } from './saga-step';
import { dynamoSagaTable } from './saga-table';

/** Derived from the order id, not random, so a redelivered charge names the same payment. */
export function paymentIdFor(orderId: string): string {
  return `pay-${createHash('sha256').update(orderId).digest('hex').slice(0, 16)}`;
}

/** Payments: CHARGED, or DECLINED over the card limit; a charge is REFUNDED when Inventory reports no stock. */
const announce: Announce = (item) => {
  switch (item.status) {
    case 'CHARGED':
      return [
        'PaymentCompleted',
        { orderId: item.orderId, paymentId: item.paymentId, amountCents: item.amountCents, sku: item.sku, quantity: item.quantity },
      ];
    case 'DECLINED':
      return ['PaymentFailed', { orderId: item.orderId, reason: item.declineReason }];
    default:
      return ['PaymentRefunded', { orderId: item.orderId, paymentId: item.paymentId, amountCents: item.amountCents }];
  }
};

export function createPaymentsHandler(deps: StepDeps) {
  const step = sagaStep('payments', deps, announce);
  return async (event: SagaEvent): Promise<Outcome> => {
    const type = expectFrom(event, ['OrderPlaced', 'StockFailed']);
    const at = step.now();
    if (type === 'OrderPlaced') {
      const order = orderOf(event.detail);
      const declined = order.amountCents > PAYMENT_LIMIT_CENTS;
      return step.start(
        type,
        {
          ...order,
          paymentId: paymentIdFor(order.orderId),
          status: declined ? 'DECLINED' : 'CHARGED',
          ...(declined ? { declineReason: 'CARD_LIMIT_EXCEEDED' } : {}),
          createdAt: at,
          updatedAt: at,
        },
        ['CHARGED', 'DECLINED'],
      );
    }
    // Compensation: Inventory could not reserve the stock, so the charge is given back.
    return step.advance(type, orderIdOf(event.detail), 'CHARGED', 'REFUNDED', { updatedAt: at, refundedAt: at });
  };
}

export const handler = createPaymentsHandler({
  table: dynamoSagaTable(new DynamoDBClient({}), process.env.TABLE_NAME ?? '', PAYMENT_STATES),
  publish: eventBridgePublisher(new EventBridgeClient({}), process.env.EVENT_BUS_NAME ?? '', SOURCES.payments),
});

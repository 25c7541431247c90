import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { expectFrom, ORDER_STATES, orderIdOf, orderOf, type SagaEvent, SOURCES } from './contract';
import { eventBridgePublisher } from './publisher';
import { type Announce, type Outcome, sagaStep, type StepDeps } from './saga-step';
import { dynamoSagaTable } from './saga-table';

/** Why an order was cancelled, from the event that cancelled it. */
export const CANCEL_REASONS = { PaymentFailed: 'PAYMENT_DECLINED', PaymentRefunded: 'OUT_OF_STOCK' } as const;

/** Orders owns the order: PENDING until Inventory reserves stock (CONFIRMED) or a failure comes back (CANCELLED). */
const announce: Announce = (item) => {
  switch (item.status) {
    case 'PENDING':
      return ['OrderPlaced', { orderId: item.orderId, amountCents: item.amountCents, sku: item.sku, quantity: item.quantity }];
    case 'CONFIRMED':
      return ['OrderConfirmed', { orderId: item.orderId }];
    default:
      return ['OrderCancelled', { orderId: item.orderId, reason: item.cancelReason }];
  }
};

export function createOrdersHandler(deps: StepDeps) {
  const step = sagaStep('orders', deps, announce);
  return async (event: SagaEvent): Promise<Outcome> => {
    const type = expectFrom(event, ['OrderSubmitted', 'StockReserved', 'PaymentFailed', 'PaymentRefunded']);
    const at = step.now();
    switch (type) {
      case 'OrderSubmitted': {
        // The caller chose the order id, so a resubmitted order lands on the same item.
        const order = orderOf(event.detail);
        return step.start(type, { ...order, status: 'PENDING', createdAt: at, updatedAt: at }, ['PENDING']);
      }
      case 'StockReserved':
        return step.advance(type, orderIdOf(event.detail), 'PENDING', 'CONFIRMED', { updatedAt: at });
      default:
        // Compensation: the payment was declined, or it was refunded because there was no stock.
        return step.advance(type, orderIdOf(event.detail), 'PENDING', 'CANCELLED', {
          updatedAt: at,
          cancelReason: CANCEL_REASONS[type as keyof typeof CANCEL_REASONS],
        });
    }
  };
}

// Clients are created once per execution environment, so warm invocations reuse their connections.
export const handler = createOrdersHandler({
  table: dynamoSagaTable(new DynamoDBClient({}), process.env.TABLE_NAME ?? '', ORDER_STATES),
  publish: eventBridgePublisher(new EventBridgeClient({}), process.env.EVENT_BUS_NAME ?? '', SOURCES.orders),
});

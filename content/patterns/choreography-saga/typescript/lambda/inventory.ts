import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { expectFrom, orderOf, type SagaEvent, SOLD_OUT_PREFIX, SOURCES, STOCK_STATES } from './contract';
import { eventBridgePublisher } from './publisher';
import { type Announce, type Outcome, sagaStep, type StepDeps } from './saga-step';
import { dynamoSagaTable } from './saga-table';

/** Inventory is the last step: a reservation is RESERVED or FAILED, and nothing after it can fail. */
const announce: Announce = (item) =>
  item.status === 'RESERVED'
    ? ['StockReserved', { orderId: item.orderId, sku: item.sku, quantity: item.quantity }]
    : ['StockFailed', { orderId: item.orderId, sku: item.sku, quantity: item.quantity, reason: item.failReason }];

export function createInventoryHandler(deps: StepDeps) {
  const step = sagaStep('inventory', deps, announce);
  return async (event: SagaEvent): Promise<Outcome> => {
    const type = expectFrom(event, ['PaymentCompleted']);
    const { orderId, sku, quantity } = orderOf(event.detail);
    const soldOut = sku.startsWith(SOLD_OUT_PREFIX);
    return step.start(
      type,
      { orderId, sku, quantity, status: soldOut ? 'FAILED' : 'RESERVED', ...(soldOut ? { failReason: 'OUT_OF_STOCK' } : {}), createdAt: step.now() },
      ['RESERVED', 'FAILED'],
    );
  };
}

export const handler = createInventoryHandler({
  table: dynamoSagaTable(new DynamoDBClient({}), process.env.TABLE_NAME ?? '', STOCK_STATES),
  publish: eventBridgePublisher(new EventBridgeClient({}), process.env.EVENT_BUS_NAME ?? '', SOURCES.inventory),
});

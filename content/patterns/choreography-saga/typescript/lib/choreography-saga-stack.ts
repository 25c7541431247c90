import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { SOURCES } from '../lambda/contract';
import { Operations } from './operations';
import { addSagaService } from './saga-service';

/**
 * An order saga with no coordinator: Orders, Payments and Inventory each own a table and a function,
 * react to each other's events on one bus, and undo their own work when a later step reports a failure.
 */
export class ChoreographySagaStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // A bus of its own keeps the saga's events, rules and permissions apart from the account's default bus.
    const bus = new EventBus(this, 'ShopEvents', { description: 'Order saga events: each service publishes its outcomes and subscribes to what it reacts to.' });
    const ops = new Operations(this, 'Operations');
    const shared = { bus, ops };

    const orders = addSagaService(this, {
      ...shared,
      name: 'Orders',
      entry: 'orders.ts',
      source: SOURCES.orders,
      // Starts the saga, confirms it, and cancels it on either failure.
      reactsTo: ['OrderSubmitted', 'StockReserved', 'PaymentFailed', 'PaymentRefunded'],
      tableActions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
    });
    const payments = addSagaService(this, {
      ...shared,
      name: 'Payments',
      entry: 'payments.ts',
      source: SOURCES.payments,
      // Charges, and refunds when Inventory reports no stock.
      reactsTo: ['OrderPlaced', 'StockFailed'],
      tableActions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
    });
    const inventory = addSagaService(this, {
      ...shared,
      name: 'Inventory',
      entry: 'inventory.ts',
      source: SOURCES.inventory,
      // The last step: it only ever creates a reservation, so it never updates one.
      reactsTo: ['PaymentCompleted'],
      tableActions: ['dynamodb:PutItem'],
    });

    new CfnOutput(this, 'EventBusName', { value: bus.eventBusName, description: `Put ${SOURCES.checkout} OrderSubmitted events here.` });
    new CfnOutput(this, 'OrdersTableName', { value: orders.table.tableName });
    new CfnOutput(this, 'PaymentsTableName', { value: payments.table.tableName });
    new CfnOutput(this, 'InventoryTableName', { value: inventory.table.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: ops.topic.topicArn });
  }
}

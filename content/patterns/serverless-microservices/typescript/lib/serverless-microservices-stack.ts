import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { InventoryService } from './inventory-service';
import { Operations } from './operations';
import { OrdersService } from './orders-service';

/**
 * Two services in one stack for a one-command demo. Nothing crosses between them except events
 * on the shared bus; each construct could become its own stack, or its own account, unchanged.
 */
export class ServerlessMicroservicesStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // The one shared piece: a custom bus both services publish to and subscribe on.
    const bus = new EventBus(this, 'CommerceBus', { description: 'Domain events between the Orders and Inventory services.' });
    const ops = new Operations(this, 'Operations');

    const orders = new OrdersService(this, 'OrdersService', { bus, ops });
    const inventory = new InventoryService(this, 'InventoryService', { bus, ops });

    new CfnOutput(this, 'OrdersApiUrl', { value: orders.apiUrl, description: 'POST /orders, GET /orders/{orderId}' });
    new CfnOutput(this, 'InventoryApiUrl', { value: inventory.apiUrl, description: 'GET and PUT /stock/{sku}' });
    new CfnOutput(this, 'EventBusName', { value: bus.eventBusName });
    new CfnOutput(this, 'AlarmTopicArn', { value: ops.topic.topicArn });
  }
}

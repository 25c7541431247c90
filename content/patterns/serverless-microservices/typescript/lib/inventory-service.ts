import { RemovalPolicy } from 'aws-cdk-lib';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { INVENTORY_SOURCE, ORDER_PLACED, ORDERS_SOURCE } from '../lambda/contracts';
import { deadLetterQueue, eventConsumer, grantPublishAs } from './event-consumer';
import { type Operations, fiveMinuteSum, oneMinuteMax } from './operations';
import { serviceApi } from './service-api';
import { acknowledgeSynchronous, serviceFunction } from './service-function';

/** The Inventory service: its own API, functions, table and dead-letter queue. */
export class InventoryService extends Construct {
  readonly table: TableV2;
  readonly apiUrl: string;

  constructor(scope: Construct, id: string, props: { bus: IEventBus; ops: Operations }) {
    super(scope, id);
    const { bus, ops } = props;

    // Stock levels by SKU, and one reservation record per order under ORDER#<orderId>.
    this.table = new TableV2(this, 'Inventory', {
      partitionKey: { name: 'sku', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const stockApi = serviceFunction(this, 'StockApi', 'stock-api.ts', 'Stock API: read and set stock levels.', { environment: { INVENTORY_TABLE_NAME: this.table.tableName } });
    this.table.grant(stockApi, 'dynamodb:GetItem', 'dynamodb:PutItem');
    acknowledgeSynchronous(stockApi);
    const api = serviceApi(this, 'InventoryApi', 'Inventory service: read and restock stock levels.');
    api.addRoutes({ path: '/stock/{sku}', methods: [HttpMethod.GET, HttpMethod.PUT], integration: new HttpLambdaIntegration('StockApiIntegration', stockApi) });
    this.apiUrl = api.apiEndpoint;

    const deadLetters = deadLetterQueue(this, 'InventoryDeadLetters');
    const { consumer } = eventConsumer(this, {
      ruleId: 'ReserveStockRule',
      functionId: 'ReserveStock',
      file: 'reserve-stock.ts',
      description: 'Inventory: reserve stock for each placed order, once.',
      bus,
      eventPattern: { detailType: [ORDER_PLACED], source: [ORDERS_SOURCE] },
      deadLetters,
      environment: { INVENTORY_TABLE_NAME: this.table.tableName, EVENT_BUS_NAME: bus.eventBusName },
    });
    // A transaction of a conditional put (the reservation) and conditional updates (the stock),
    // a consistent read of the reservation on redelivery, and publishing the outcome.
    this.table.grant(consumer, 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:GetItem');
    grantPublishAs(bus, consumer, INVENTORY_SOURCE);

    ops.alarmOnAny(this, 'InventoryApiServerErrorsAlarm', api.metricServerError(fiveMinuteSum),
      'The Inventory API answered 5xx. Search StockApiLogs for "stock request failed".');
    ops.alarmOnAny(this, 'ReserveStockErrorsAlarm', consumer.metricErrors(fiveMinuteSum),
      'ReserveStock failed on an OrderPlaced event; Lambda retries it twice, then parks it in InventoryDeadLetters. Orders stay PLACED meanwhile.');
    ops.alarmOnAny(this, 'InventoryDeadLettersAlarm', deadLetters.metricApproximateNumberOfMessagesVisible(oneMinuteMax),
      'An order was never reserved or refused. Read InventoryDeadLetters, fix the cause, then redrive; the consumer reserves each order once.');
  }
}

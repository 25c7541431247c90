import { RemovalPolicy } from 'aws-cdk-lib';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { INVENTORY_SOURCE, ORDERS_SOURCE, STOCK_RESERVED, STOCK_UNAVAILABLE } from '../lambda/contracts';
import { deadLetterQueue, eventConsumer, grantPublishAs } from './event-consumer';
import { type Operations, fiveMinuteSum, oneMinuteMax } from './operations';
import { serviceApi } from './service-api';
import { acknowledgeSynchronous, serviceFunction } from './service-function';

/** The Orders service: its own API, functions, table and dead-letter queue. */
export class OrdersService extends Construct {
  readonly table: TableV2;
  readonly apiUrl: string;

  constructor(scope: Construct, id: string, props: { bus: IEventBus; ops: Operations }) {
    super(scope, id);
    const { bus, ops } = props;

    this.table = new TableV2(this, 'Orders', {
      partitionKey: { name: 'orderId', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const environment = { ORDERS_TABLE_NAME: this.table.tableName, EVENT_BUS_NAME: bus.eventBusName };

    const placeOrder = serviceFunction(this, 'PlaceOrder', 'place-order.ts', 'Place order: store it, publish OrderPlaced.', { environment });
    // Store the order, undo it if publishing fails; publish only to the shared bus, only as Orders.
    this.table.grant(placeOrder, 'dynamodb:PutItem', 'dynamodb:DeleteItem');
    grantPublishAs(bus, placeOrder, ORDERS_SOURCE);
    const getOrder = serviceFunction(this, 'GetOrder', 'get-order.ts', 'Get order: read one order.', { environment: { ORDERS_TABLE_NAME: this.table.tableName } });
    this.table.grant(getOrder, 'dynamodb:GetItem');
    acknowledgeSynchronous(placeOrder);
    acknowledgeSynchronous(getOrder);

    const api = serviceApi(this, 'OrdersApi', 'Orders service: place and read orders.');
    api.addRoutes({ path: '/orders', methods: [HttpMethod.POST], integration: new HttpLambdaIntegration('PlaceOrderIntegration', placeOrder) });
    api.addRoutes({ path: '/orders/{orderId}', methods: [HttpMethod.GET], integration: new HttpLambdaIntegration('GetOrderIntegration', getOrder) });
    this.apiUrl = api.apiEndpoint;

    const deadLetters = deadLetterQueue(this, 'OrdersDeadLetters');
    const { consumer } = eventConsumer(this, {
      ruleId: 'StockOutcomeRule',
      functionId: 'RecordStockOutcome',
      file: 'record-stock-outcome.ts',
      description: "Orders: apply Inventory's reservation outcome to the order.",
      bus,
      eventPattern: { detailType: [STOCK_RESERVED, STOCK_UNAVAILABLE], source: [INVENTORY_SOURCE] },
      deadLetters,
      environment: { ORDERS_TABLE_NAME: this.table.tableName },
    });
    // A conditional update from PLACED: the only write this consumer can make.
    this.table.grant(consumer, 'dynamodb:UpdateItem');

    ops.alarmOnAny(this, 'OrdersApiServerErrorsAlarm', api.metricServerError(fiveMinuteSum),
      'The Orders API answered 5xx. A 503 from POST /orders means OrderPlaced could not be published; search PlaceOrderLogs for "orphaned order".');
    ops.alarmOnAny(this, 'RecordStockOutcomeErrorsAlarm', consumer.metricErrors(fiveMinuteSum),
      'RecordStockOutcome failed on an Inventory outcome; Lambda retries it twice, then parks it in OrdersDeadLetters.');
    ops.alarmOnAny(this, 'OrdersDeadLettersAlarm', deadLetters.metricApproximateNumberOfMessagesVisible(oneMinuteMax),
      'An Inventory outcome was never applied to its order. Read OrdersDeadLetters, fix the cause, then redrive; the consumer ignores duplicates.');
  }
}

import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Stats } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { addAlarm, FIVE_MINUTES } from './alarm';

/** Stage throttling, exported so the tests pin the numbers the stack uses. */
export const API_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

export type OrderApiProps = { orders: ITableV2; outbox: ITableV2; alarmTopic: ITopic };

/** The write side: an HTTP API and the one function that writes an order and its event together. */
export function addOrderApi(scope: Construct, props: OrderApiProps) {
  const logs = new LogGroup(scope, 'OrderWriterLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });

  // An explicit role instead of the AWS managed basic-execution policy, whose log
  // permissions reach every log group in the account.
  const role = new Role(scope, 'OrderWriterRole', {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: 'Order writer: write its own logs, write orders and their outbox events in one transaction.',
  });
  logs.grantWrite(role);

  const writer = new NodejsFunction(scope, 'OrderWriter', {
    role,
    entry: path.join(__dirname, '..', 'lambda', 'order-writer.ts'),
    description: 'Writes each order change and the event about it in one DynamoDB transaction.',
    runtime: Runtime.NODEJS_24_X,
    architecture: Architecture.ARM_64,
    memorySize: 256,
    timeout: Duration.seconds(10),
    tracing: Tracing.ACTIVE,
    loggingFormat: LoggingFormat.JSON,
    logGroup: logs,
    environment: { ORDERS_TABLE_NAME: props.orders.tableName, OUTBOX_TABLE_NAME: props.outbox.tableName },
    // Bundle the SDK clients the handler imports rather than rely on the runtime's copy.
    bundling: { minify: true, sourceMap: true, externalModules: [] },
  });
  // TransactWriteItems is authorised per item action: put or update an order, put an event.
  // No read, delete or scan on either table.
  props.orders.grant(writer, 'dynamodb:PutItem', 'dynamodb:UpdateItem');
  props.outbox.grant(writer, 'dynamodb:PutItem');

  const api = new HttpApi(scope, 'OrdersApi', { description: 'Places and cancels orders; each change is published as an event.' });
  const integration = new HttpLambdaIntegration('OrderWriterIntegration', writer);
  api.addRoutes({ path: '/orders', methods: [HttpMethod.POST], integration });
  api.addRoutes({ path: '/orders/{orderId}/cancel', methods: [HttpMethod.POST], integration });

  const accessLogs = new LogGroup(scope, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  const stage = api.defaultStage?.node.defaultChild as CfnStage;
  stage.accessLogSettings = {
    destinationArn: accessLogs.logGroupArn,
    format: JSON.stringify({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      routeKey: '$context.routeKey',
      status: '$context.status',
      integrationError: '$context.integrationErrorMessage',
      latencyMs: '$context.responseLatency',
    }),
  };
  // Caps what a flood can cost in invocations and table writes.
  stage.defaultRouteSettings = { throttlingRateLimit: API_THROTTLE.rateLimit, throttlingBurstLimit: API_THROTTLE.burstLimit };

  addAlarm(scope, 'ApiServerErrorsAlarm', {
    metric: api.metricServerError({ statistic: Stats.SUM, period: FIVE_MINUTES }),
    threshold: 1,
    topic: props.alarmTopic,
    description:
      'The orders API answered 5xx: a transaction failed for a reason other than a refused condition, or the writer crashed. Search OrderWriterLogs for "order transaction failed".',
  });
  addAlarm(scope, 'OrderWriterErrorsAlarm', {
    metric: writer.metricErrors({ statistic: Stats.SUM, period: FIVE_MINUTES }),
    threshold: 1,
    topic: props.alarmTopic,
    description: 'The OrderWriter function failed (timeout, crash or bad deploy). Check OrderWriterLogs and roll back a bad deploy.',
  });

  Validations.of(api).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason: 'A public demo endpoint with stage throttling; add a JWT or IAM authorizer before taking real orders.',
  });
  Validations.of(writer).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason: 'API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.',
  });
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
  });
  return { api, writer, logs };
}

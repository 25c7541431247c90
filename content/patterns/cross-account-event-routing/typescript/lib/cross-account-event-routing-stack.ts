import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget, LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { AccountPrincipal, Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DETAIL_TYPE, EVENT_SOURCE } from '../lambda/shipped-order';
import { Operations } from './operations';
import { consumerBusArn, type Routing } from './routing';

export type RoutingStackProps = StackProps & { routing: Routing };

/** The events that cross the account boundary; everything else on the producer bus stays home. */
export const SHIPPED_ORDERS = { detailType: [DETAIL_TYPE], source: [EVENT_SOURCE] };

/** EventBridge retries a failed delivery to the consumer's function this often, for at most this long. */
export const DELIVERY_RETRIES = 4;
export const DELIVERY_MAX_AGE = Duration.hours(1);
/** Lambda retries a handler that throws this often, for events at most this old. */
export const PROCESSING_RETRIES = 2;
export const PROCESSING_MAX_AGE = Duration.hours(1);

function deadLetterQueue(scope: Construct, id: string): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge(
    { id: 'AwsSolutions-SQS3', reason: 'This queue is itself the dead-letter queue; it has nowhere further to send.' },
    { id: 'Serverless-SQSRedrivePolicy', reason: 'This queue is itself the dead-letter queue; messages stay 14 days for inspection and redrive.' },
  );
  return queue;
}

/**
 * Producer account: its own bus, and one rule that sends shipped orders, and nothing else,
 * to the consumer account's bus.
 */
export class ProducerStack extends Stack {
  constructor(scope: Construct, id: string, props: RoutingStackProps) {
    super(scope, id, props);
    const { routing } = props;

    // Producers in this account publish here; the bus has no resource policy, so only this account can.
    const ordersBus = new EventBus(this, 'OrdersBus', { description: 'Order events of the producer account.' });

    // Written from context, not read from the other stack: a stack cannot reference one in another account.
    const targetArn = consumerBusArn(routing, this.partition);
    const consumerBus = EventBus.fromEventBusArn(this, 'ConsumerBus', targetArn);

    // EventBridge assumes this role to put the events on the consumer bus. It can do nothing else.
    const forwardingRole = new Role(this, 'ForwardingRole', {
      assumedBy: new ServicePrincipal('events.amazonaws.com'),
      description: 'Lets the ForwardShippedOrders rule put events on the consumer account bus, and nothing more.',
    });
    forwardingRole.addToPrincipalPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['events:PutEvents'], resources: [targetArn] }),
    );

    // Where a delivery the consumer bus refuses, or one that runs out of retries, is kept for 14 days.
    const undeliveredOrders = deadLetterQueue(this, 'UndeliveredOrders');

    const forward = new Rule(this, 'ForwardShippedOrders', {
      eventBus: ordersBus,
      description: `Sends ${DETAIL_TYPE} events from ${EVENT_SOURCE} to the consumer account.`,
      eventPattern: SHIPPED_ORDERS,
      // The event bus target takes no retry policy: EventBridge retries retriable errors for up to 24 hours
      // on its own and sends refusals (no permission, no such bus) straight to the dead-letter queue.
      targets: [new EventBusTarget(consumerBus, { role: forwardingRole, deadLetterQueue: undeliveredOrders })],
    });

    const ops = new Operations(this, 'Operations', 'Cross-account routing: producer alarms');
    ops.queueNotEmpty('UndeliveredOrdersAlarm', undeliveredOrders,
      'A shipped-order event could not be put on the consumer bus. Read the ERROR_CODE and ERROR_MESSAGE attributes of the message in UndeliveredOrders (NO_PERMISSIONS or NO_RESOURCE: check the consumer bus policy and name), fix, then re-put the event.');
    ops.ruleFailedInvocations('ForwardingFailedAlarm', forward,
      'ForwardShippedOrders gave up on delivering an event to the consumer account. Look in UndeliveredOrders; if it is empty, the event could not be parked there either.');

    new CfnOutput(this, 'OrdersBusName', { value: ordersBus.eventBusName, description: 'Put order events on this bus.' });
    new CfnOutput(this, 'ConsumerBusArn', { value: targetArn, description: 'Where shipped orders are forwarded.' });
    new CfnOutput(this, 'UndeliveredOrdersUrl', { value: undeliveredOrders.queueUrl });
    new CfnOutput(this, 'AlarmTopicArn', { value: ops.topic.topicArn });
  }
}

/**
 * Consumer account: a bus whose policy admits shipped orders from the producer account only,
 * and a rule that hands them to a function.
 */
export class ConsumerStack extends Stack {
  constructor(scope: Construct, id: string, props: RoutingStackProps) {
    super(scope, id, props);
    const { routing } = props;

    // The one physical name in the pattern: the producer builds this bus's ARN from it.
    const consumerBus = new EventBus(this, 'ConsumerBus', {
      eventBusName: routing.consumerBusName,
      description: `Shipped orders forwarded from account ${routing.producerAccount}.`,
    });
    // The account, not a role, is the principal: the producer decides which of its identities may send
    // (here only ForwardingRole has events:PutEvents on this ARN), the consumer decides what may arrive.
    consumerBus.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowShippedOrdersFromProducer',
        effect: Effect.ALLOW,
        principals: [new AccountPrincipal(routing.producerAccount)],
        actions: ['events:PutEvents'],
        resources: [consumerBus.eventBusArn],
        conditions: {
          'ForAllValues:StringEquals': { 'events:source': [EVENT_SOURCE] },
          StringEquals: { 'events:detail-type': DETAIL_TYPE },
        },
      }),
    );

    // Failures of both hops land here: EventBridge could not invoke the function, or the function failed three times.
    const failedShipments = deadLetterQueue(this, 'FailedShipments');

    const logGroup = new LogGroup(this, 'ShipmentHandlerLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    // An explicit role instead of the managed basic-execution policy, which can write to every log group.
    const role = new Role(this, 'ShipmentHandlerRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Shipment handler: write its own logs and traces, record failures in FailedShipments.',
    });
    logGroup.grantWrite(role);
    const handler = new NodejsFunction(this, 'ShipmentHandler', {
      role,
      logGroup,
      entry: path.join(__dirname, '..', 'lambda', 'shipment-handler.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      environment: { PRODUCER_ACCOUNT: routing.producerAccount },
      retryAttempts: PROCESSING_RETRIES,
      maxEventAge: PROCESSING_MAX_AGE,
      onFailure: new SqsDestination(failedShipments),
      bundling: { minify: true, sourceMap: true },
    });

    const shippedOrders = new Rule(this, 'ShippedOrdersRule', {
      eventBus: consumerBus,
      description: `${DETAIL_TYPE} events forwarded from account ${routing.producerAccount} only.`,
      // account is what stops this rule firing for the same event type put on the bus from anywhere else.
      eventPattern: { account: [routing.producerAccount], ...SHIPPED_ORDERS },
      targets: [
        new LambdaFunction(handler, {
          retryAttempts: DELIVERY_RETRIES,
          maxEventAge: DELIVERY_MAX_AGE,
          deadLetterQueue: failedShipments,
        }),
      ],
    });

    const ops = new Operations(this, 'Operations', 'Cross-account routing: consumer alarms');
    ops.queueNotEmpty('FailedShipmentsAlarm', failedShipments,
      'A forwarded shipment was not handled: EventBridge could not invoke ShipmentHandler, or it failed three times. Read the message in FailedShipments for the error, fix the cause, then replay it.');
    ops.functionErrors('ShipmentHandlerErrorsAlarm', handler,
      'ShipmentHandler threw on a shipment (invalid detail, wrong account or a bug); Lambda retries twice, then records it in FailedShipments. Check ShipmentHandlerLogs.');

    new CfnOutput(this, 'ConsumerBusArn', { value: consumerBus.eventBusArn, description: 'The producer forwards to this ARN.' });
    new CfnOutput(this, 'ShippedOrdersRuleArn', { value: shippedOrders.ruleArn });
    new CfnOutput(this, 'ShipmentHandlerLogGroup', { value: logGroup.logGroupName });
    new CfnOutput(this, 'FailedShipmentsUrl', { value: failedShipments.queueUrl });
    new CfnOutput(this, 'AlarmTopicArn', { value: ops.topic.topicArn });

    Validations.of(handler).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'An on-failure destination to the FailedShipments queue replaces the legacy function DLQ and also records the error.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
  }
}

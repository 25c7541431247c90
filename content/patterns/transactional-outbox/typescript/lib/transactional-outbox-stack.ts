import { CfnOutput, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { addOrderApi } from './order-api';
import { addOrderEvents } from './order-events';
import { addOutboxRelay } from './outbox-relay';

export class TransactionalOutboxStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // --- State: the orders, and the outbox that holds the events about them. ---

    const orders = new TableV2(this, 'Orders', {
      partitionKey: { name: 'orderId', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // A demo stack should leave nothing behind on `cdk destroy`.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // A table of its own, so its stream carries nothing but events and its items can expire
    // through TTL without touching orders.
    const outbox = new TableV2(this, 'Outbox', {
      partitionKey: { name: 'eventId', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      // Outbox items are written once and never changed; the new image is the whole event.
      dynamoStream: StreamViewType.NEW_IMAGE,
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // --- Operations: one topic every alarm of the stack notifies. ---

    const alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'Transactional Outbox alarms', enforceSSL: true });
    const alarmEmail: unknown = this.node.tryGetContext('alarmEmail');
    if (typeof alarmEmail === 'string' && alarmEmail.length > 0) {
      Validations.of(alarmTopic.addSubscription(new EmailSubscription(alarmEmail))).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }
    Validations.of(alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states.',
    });

    // --- Write side, publishing side, and the bus with its example consumer. ---

    const { api, logs: writerLogs } = addOrderApi(this, { orders, outbox, alarmTopic });
    const { bus, orderEvents, dlq } = addOrderEvents(this, { alarmTopic });
    const { logs: relayLogs, failures } = addOutboxRelay(this, { outbox, bus, alarmTopic });

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint, description: 'POST /orders and POST /orders/{orderId}/cancel.' });
    new CfnOutput(this, 'OrdersTableName', { value: orders.tableName });
    new CfnOutput(this, 'OutboxTableName', { value: outbox.tableName });
    new CfnOutput(this, 'EventBusName', { value: bus.eventBusName });
    new CfnOutput(this, 'OrderEventsQueueUrl', { value: orderEvents.queueUrl, description: 'Every published order event lands here.' });
    new CfnOutput(this, 'OrderEventsDlqUrl', { value: dlq.queueUrl });
    new CfnOutput(this, 'RelayFailureQueueUrl', { value: failures.queueUrl });
    new CfnOutput(this, 'WriterLogGroup', { value: writerLogs.logGroupName });
    new CfnOutput(this, 'RelayLogGroup', { value: relayLogs.logGroupName });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });
  }
}

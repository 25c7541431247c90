import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, Billing, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { FilterRule } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { addStreamConsumer } from './stream-consumer';

/**
 * Every record of an order: writes carry the order in the new image, deletes only in the old
 * one. Two patterns are OR-ed, so a change that is an order on either side reaches the view.
 */
export const TOTALS_FILTERS: Record<string, unknown>[] = [
  { dynamodb: { NewImage: { entityType: { S: FilterRule.isEqual('ORDER') } } } },
  { dynamodb: { OldImage: { entityType: { S: FilterRule.isEqual('ORDER') } } } },
];

/**
 * Deletes only (a record without a new image), of anything except shopping carts, which
 * expire through TTL by the thousand and are not worth an audit line.
 */
export const AUDIT_FILTERS: Record<string, unknown>[] = [
  {
    dynamodb: {
      OldImage: { entityType: { S: FilterRule.notEquals('CART') } },
      NewImage: { entityType: { S: FilterRule.notExists() } },
    },
  },
];

export class DynamodbStreamsProcessingStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // --- The source table: customers, orders and carts side by side, every change on its stream. ---
    const orders = new TableV2(this, 'Orders', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      // Old images say what a deleted item was (the filters need it) and what a changed order
      // counted before; new images say what it counts now.
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // --- The view: one TOTALS item per customer, plus one version marker per order it counted. ---
    const totals = new TableV2(this, 'CustomerTotals', {
      partitionKey: { name: 'customerId', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const failures = new Queue(this, 'StreamFailures', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });

    const alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'DynamoDB Streams Processing alarms', enforceSSL: true });
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

    // --- Consumer 1: order changes only, folded into the view with atomic ADDs. ---
    const projector = addStreamConsumer(this, 'TotalsProjector', {
      table: orders,
      entry: path.join(__dirname, '..', 'lambda', 'totals-projector.ts'),
      description: 'Totals projector: read order changes from the stream, write customer totals into the view table.',
      filters: TOTALS_FILTERS,
      failures,
      alarmTopic,
      logRetention: RetentionDays.ONE_MONTH,
      environment: { TOTALS_TABLE_NAME: totals.tableName },
    });
    // Writes through TransactWriteItems, which IAM authorises per item action; no read, query or scan.
    totals.grant(projector.fn, 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');

    // --- Consumer 2: deletions only, written as an audit trail to a log group kept for a year. ---
    const audit = addStreamConsumer(this, 'RemovalAudit', {
      table: orders,
      entry: path.join(__dirname, '..', 'lambda', 'removal-audit.ts'),
      description: 'Removal audit: read deletions from the stream and log what was removed and by whom.',
      filters: AUDIT_FILTERS,
      failures,
      alarmTopic,
      logRetention: RetentionDays.ONE_YEAR,
    });

    new Alarm(this, 'StreamFailuresAlarm', {
      metric: failures.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'A consumer gave up on stream records and sent a pointer to StreamFailures. The message names the function, shard and sequence range; replay those records from the stream within 24 hours, then delete the message.',
    }).addAlarmAction(new SnsAction(alarmTopic));

    Validations.of(failures).acknowledge(
      {
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself the on-failure destination of both stream mappings; it receives batch pointers, not work to redrive.',
      },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason: 'This queue is itself the on-failure destination; a further dead-letter queue would only move its records again.',
      },
    );

    new CfnOutput(this, 'OrdersTableName', { value: orders.tableName });
    new CfnOutput(this, 'TotalsTableName', { value: totals.tableName });
    new CfnOutput(this, 'FailureQueueUrl', { value: failures.queueUrl });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });
    new CfnOutput(this, 'ProjectorFunctionName', { value: projector.fn.functionName });
    new CfnOutput(this, 'AuditFunctionName', { value: audit.fn.functionName });
    new CfnOutput(this, 'ProjectorLogGroup', { value: projector.logs.logGroupName });
    new CfnOutput(this, 'AuditLogGroup', { value: audit.logs.logGroupName });
  }
}

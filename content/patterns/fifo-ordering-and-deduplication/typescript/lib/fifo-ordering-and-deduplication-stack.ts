import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { DeduplicationScope, FifoThroughputLimit, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { addLedgerApi } from './ledger-api';

/** Receives before a message is given up on and moved to the DLQ; its group waits meanwhile. */
export const MAX_RECEIVE_COUNT = 3;
/** Copies of the consumer at once; a FIFO queue never needs more than it has active message groups. */
export const MAX_CONCURRENCY = 5;

const CONSUMER_TIMEOUT = Duration.seconds(10);

export class FifoOrderingAndDeduplicationStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Operations plumbing: one topic for every alarm, with an e-mail subscription only when asked for.
    const alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'FIFO ledger alarms', enforceSSL: true });
    const alarmEmail: unknown = this.node.tryGetContext('alarmEmail');
    if (typeof alarmEmail === 'string' && alarmEmail.length > 0) {
      const email = alarmTopic.addSubscription(new EmailSubscription(alarmEmail));
      Validations.of(email).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }
    Validations.of(alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states.',
    });
    const notify = new SnsAction(alarmTopic);
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn, description: 'Subscribe here to hear about parked events, consumer errors and API failures.' });

    // A FIFO source queue needs a FIFO dead-letter queue.
    const dlq = new Queue(this, 'LedgerEventsDlq', {
      fifo: true,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const queue = new Queue(this, 'LedgerEvents', {
      fifo: true,
      // Deduplicate on the business event id the API passes, never on a hash of the body.
      contentBasedDeduplication: false,
      // High throughput mode: the quota and the deduplication window apply per message group.
      deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      // SQS-managed keys: API Gateway can send without a key policy grant.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the function timeout, so a slow batch is not redelivered while still running.
      visibilityTimeout: Duration.seconds(CONSUMER_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: dlq, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    const accounts = new TableV2(this, 'Accounts', {
      partitionKey: { name: 'accountId', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // A demo stack should leave nothing behind on `cdk destroy`.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const logGroup = new LogGroup(this, 'LedgerConsumerLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, 'LedgerConsumerRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Ledger consumer: write its own logs, consume the ledger queue, update account items.',
    });
    logGroup.grantWrite(role);
    // One conditional UpdateItem per event is all the consumer does to the table.
    accounts.grant(role, 'dynamodb:UpdateItem');

    const consumer = new NodejsFunction(this, 'LedgerConsumer', {
      role,
      entry: path.join(__dirname, '..', 'lambda', 'ledger-events.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: CONSUMER_TIMEOUT,
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      environment: { TABLE_NAME: accounts.tableName },
      bundling: { minify: true, sourceMap: true },
    });
    consumer.addEventSource(
      new SqsEventSource(queue, {
        // Ten is the most a FIFO event source takes per batch, and FIFO allows no batching window.
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: MAX_CONCURRENCY,
      }),
    );

    const api = addLedgerApi(this, queue);

    Validations.of(dlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue; a DLQ for it would only move the same messages again.',
    });
    Validations.of(dlq).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: 'This queue is itself the dead-letter queue; messages stay here 14 days for inspection and redrive.',
    });
    Validations.of(consumer).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'The function is invoked by an SQS event source mapping, not asynchronously; failed messages go to the queue DLQ.',
    });
    Validations.of(consumer).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason: 'SQS event source mappings do not support on-failure destinations; the source queue redrive policy is the failure path.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });

    // Partial batch failures never raise Errors, so the DLQ is where a refused event shows up.
    new Alarm(this, 'LedgerEventsDlqAlarm', {
      metric: dlq.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `A ledger event failed ${MAX_RECEIVE_COUNT} receives and was parked in LedgerEventsDlq; later events of its account may follow it. Read the consumer's ERROR log lines, fix the cause, then redrive the DLQ to LedgerEvents.`,
    }).addAlarmAction(notify);
    // A whole invocation failing (timeout, crash, bad deploy) shows here long before the DLQ fills.
    new Alarm(this, 'LedgerConsumerErrorsAlarm', {
      metric: consumer.metricErrors({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'The ledger consumer failed whole invocations; their batches return to the queue and block their groups. Check LedgerConsumerLogs for timeouts or crashes and roll back a bad deploy.',
    }).addAlarmAction(notify);
    // A 5xx means an accepted-looking event never reached the queue: the producer must retry it.
    new Alarm(this, 'LedgerApi5xxAlarm', {
      metric: api.metricServerError({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'The ledger API answered 5xx: SendMessage to the FIFO queue failed (throttling, permissions or a queue problem). Check ApiAccessLogs for the failing requests.',
    }).addAlarmAction(notify);

    new CfnOutput(this, 'EventsUrl', { value: api.urlForPath('/events'), description: 'POST ledger events here.' });
    new CfnOutput(this, 'QueueUrl', { value: queue.queueUrl });
    new CfnOutput(this, 'DlqUrl', { value: dlq.queueUrl });
    new CfnOutput(this, 'AccountsTableName', { value: accounts.tableName });
    new CfnOutput(this, 'ConsumerLogGroupName', { value: logGroup.logGroupName });
  }
}

import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { alarmTopic, consumerAlarms, failedBatchesAlarm } from './alarms';
import { SETTINGS } from './settings';
import { StreamConsumer } from './stream-consumer';

export class KinesisStreamProcessingStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // --- The stream: one provisioned shard, encrypted with the AWS managed key, kept 24 hours. ---

    const readings = new Stream(this, 'Readings', {
      // A provisioned shard costs $0.015 an hour against $0.04 for an on-demand stream; one shard
      // carries 1,000 readings a second. Switch to StreamMode.ON_DEMAND when traffic is unknown.
      streamMode: StreamMode.PROVISIONED,
      shardCount: SETTINGS.shardCount,
      encryption: StreamEncryption.MANAGED,
      retentionPeriod: Duration.hours(SETTINGS.retentionHours),
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // --- Where the consumers write. ---

    const latestReadings = new TableV2(this, 'LatestReadings', {
      partitionKey: { name: 'deviceId', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const windowTotals = new TableV2(this, 'WindowTotals', {
      partitionKey: { name: 'deviceId', type: AttributeType.STRING },
      // The minute the readings were taken (event time), so late readings find their row.
      sortKey: { name: 'minute', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Both mappings send a pointer to the records they gave up on here.
    const failedBatches = new Queue(this, 'FailedBatches', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });

    // --- Consumer 1: every reading, one at a time, newest per device kept. ---

    const processor = new StreamConsumer(this, 'ReadingProcessor', {
      entry: 'reading-processor',
      description: 'Keeps the newest reading of each device; reports the sequence number of a reading it cannot store.',
      timeout: Duration.seconds(30),
      environment: { LATEST_READINGS_TABLE: latestReadings.tableName },
    });
    latestReadings.grant(processor.role, 'dynamodb:UpdateItem');
    processor.fn.addEventSource(
      new KinesisEventSource(readings, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: SETTINGS.batchSize,
        maxBatchingWindow: Duration.seconds(SETTINGS.batchingWindowSeconds),
        parallelizationFactor: SETTINGS.parallelizationFactor,
        // The handler returns the sequence number of the first reading it could not store; Lambda
        // resumes there, splits the batch at that record and, after three retries or an hour,
        // sends a pointer to FailedBatches and moves on.
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: SETTINGS.retryAttempts,
        maxRecordAge: Duration.hours(SETTINGS.maxRecordAgeHours),
        onFailure: new SqsDlq(failedBatches),
      }),
    );

    // --- Consumer 2: per-device, per-minute totals, carried in state through a tumbling window. ---

    const aggregator = new StreamConsumer(this, 'WindowAggregator', {
      entry: 'window-aggregator',
      description: 'Sums readings per device and event-time minute over each tumbling window and adds them to WindowTotals.',
      timeout: Duration.seconds(60),
      environment: { WINDOW_TOTALS_TABLE: windowTotals.tableName },
    });
    windowTotals.grant(aggregator.role, 'dynamodb:UpdateItem');
    aggregator.fn.addEventSource(
      new KinesisEventSource(readings, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: SETTINGS.batchSize,
        maxBatchingWindow: Duration.seconds(SETTINGS.batchingWindowSeconds),
        parallelizationFactor: SETTINGS.parallelizationFactor,
        tumblingWindow: Duration.seconds(SETTINGS.tumblingWindowSeconds),
        // Folding a batch into the state cannot fail on data (unreadable readings are skipped and
        // counted), so only a failed write at the window's end is retried, as a whole.
        retryAttempts: SETTINGS.retryAttempts,
        maxRecordAge: Duration.hours(SETTINGS.maxRecordAgeHours),
        onFailure: new SqsDlq(failedBatches),
      }),
    );

    // --- Operations: every way a consumer can fail quietly reaches one alarm topic. ---

    const topic = alarmTopic(this);
    failedBatchesAlarm(this, failedBatches, topic);
    consumerAlarms(this, 'ReadingProcessor', processor.fn, topic);
    consumerAlarms(this, 'WindowAggregator', aggregator.fn, topic);

    new CfnOutput(this, 'StreamName', { value: readings.streamName, description: 'Put readings here.' });
    new CfnOutput(this, 'LatestReadingsTable', { value: latestReadings.tableName });
    new CfnOutput(this, 'WindowTotalsTable', { value: windowTotals.tableName });
    new CfnOutput(this, 'FailedBatchesQueueUrl', { value: failedBatches.queueUrl });
    new CfnOutput(this, 'ProcessorLogGroup', { value: processor.logGroup.logGroupName });
    new CfnOutput(this, 'AggregatorLogGroup', { value: aggregator.logGroup.logGroupName });
    new CfnOutput(this, 'AlarmTopicArn', { value: topic.topicArn });

    // --- cdk-nag: each exception with its reason, written into the template. ---

    Validations.of(readings).acknowledge({
      id: 'AwsSolutions-KDS3',
      reason:
        'The stream is encrypted at rest with the AWS managed key alias/aws/kinesis, which costs nothing and needs no key policy; a customer managed key adds $1 a month plus KMS requests on every put and read.',
    });
    for (const consumer of [processor, aggregator]) {
      Validations.of(consumer.fn).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason: 'Only the stream event source mapping invokes the function; its on-failure destination is FailedBatches, and a function DLQ only serves async invokes.',
      });
      Validations.of(consumer.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
      });
    }
    Validations.of(failedBatches).acknowledge(
      {
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself the on-failure destination of both stream mappings; it receives batch pointers, not work to redrive.',
      },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason: 'This queue is itself the on-failure destination; a further dead-letter queue would only move its pointers again.',
      },
    );
  }
}

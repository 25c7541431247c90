import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, Billing, ProjectionType, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { alarmTopic } from './alarm-topic';
import { readApi } from './read-api';
import { viewFunction } from './view-function';

/** Stream settings, exported so the tests pin the same numbers the stack uses. */
export const STREAM = {
  batchSize: 100,
  maxBatchingWindowSeconds: 1,
  retryAttempts: 5,
  maxRecordAgeHours: 1,
  /** Alarm when the projector is this far behind the stream, well before records reach maxRecordAge. */
  alarmIteratorAgeMinutes: 10,
} as const;

export const VIEW_INDEX = 'ByCustomerStatus';

export class MaterializedViewProjectionStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // --- Write side: an append-only log of order events, one item per (order, version). ---

    const events = new TableV2(this, 'Events', {
      partitionKey: { name: 'aggregateId', type: AttributeType.STRING },
      sortKey: { name: 'version', type: AttributeType.NUMBER },
      billing: Billing.onDemand(),
      // Events are only ever inserted, so the new image is the whole event; old images would add nothing.
      dynamoStream: StreamViewType.NEW_IMAGE,
      // The event table is the source of truth every view is rebuilt from; it is the one worth restoring.
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // --- Read side: one item per order, shaped for the questions the API answers. ---

    const view = new TableV2(this, 'OrdersView', {
      partitionKey: { name: 'orderId', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      globalSecondaryIndexes: [
        {
          indexName: VIEW_INDEX,
          partitionKey: { name: 'customerId', type: AttributeType.STRING },
          sortKey: { name: 'statusAt', type: AttributeType.STRING },
          projectionType: ProjectionType.ALL,
        },
      ],
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(view).acknowledge({
      id: 'AwsSolutions-DDB3',
      reason: 'The view is derived data: the Rebuild function recreates every item from the Events table, which has point-in-time recovery.',
    });

    const tables = { EVENT_TABLE_NAME: events.tableName, VIEW_TABLE_NAME: view.tableName };
    const readView = new PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [view.tableArn] });
    const writeView = new PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [view.tableArn] });

    // --- The projector: folds each inserted event into the view, from the table's stream. ---

    const projector = viewFunction(this, {
      id: 'Projector',
      entry: 'projector.ts',
      description: 'Projector: read the events stream and the event table, get and put order view items.',
      timeout: Duration.seconds(60),
      memorySize: 256,
      environment: tables,
      noDlqReason: 'Only the stream event source mapping invokes the projector; its on-failure destination is ProjectorFailures, and a function DLQ only serves async invokes.',
    });
    // Read-only on the log: Query fills gaps in what the stream delivered. No write action on Events at all.
    projector.role.addToPolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: [events.tableArn] }));
    projector.role.addToPolicy(readView);
    projector.role.addToPolicy(writeView);

    const failures = new Queue(this, 'ProjectorFailures', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });

    projector.fn.addEventSource(
      new DynamoEventSource(events, {
        // A new mapping reads the whole 24 hours the stream keeps; anything already in the view is refused by version.
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: STREAM.batchSize,
        maxBatchingWindow: Duration.seconds(STREAM.maxBatchingWindowSeconds),
        // Only appends are events. An edit or delete of a stored event is not a fact to fold; it never starts the function.
        filters: [FilterCriteria.filter({ eventName: FilterRule.isEqual('INSERT') })],
        parallelizationFactor: 1,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: STREAM.retryAttempts,
        maxRecordAge: Duration.hours(STREAM.maxRecordAgeHours),
        onFailure: new SqsDlq(failures),
      }),
    );

    // --- The rebuild: the same fold over the whole event table, invoked by hand. ---

    const rebuild = viewFunction(this, {
      id: 'Rebuild',
      entry: 'rebuild.ts',
      description: 'Rebuild: scan and query the event table, get and put order view items.',
      timeout: Duration.minutes(15),
      memorySize: 512,
      environment: tables,
      noDlqReason: 'An operator invokes the rebuild synchronously with aws lambda invoke and reads its report; nothing invokes it asynchronously.',
    });
    rebuild.role.addToPolicy(new PolicyStatement({ actions: ['dynamodb:Scan', 'dynamodb:Query'], resources: [events.tableArn] }));
    rebuild.role.addToPolicy(readView);
    rebuild.role.addToPolicy(writeView);

    // --- The read API: HTTP API -> function -> GetItem or Query on the view. ---

    const queries = viewFunction(this, {
      id: 'OrderQueries',
      entry: 'order-queries.ts',
      description: 'Order queries: get order view items and query the ByCustomerStatus index.',
      timeout: Duration.seconds(10),
      memorySize: 256,
      environment: { VIEW_TABLE_NAME: view.tableName },
      noDlqReason: 'API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.',
    });
    queries.role.addToPolicy(readView);
    queries.role.addToPolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${view.tableArn}/index/${VIEW_INDEX}`] }));
    const api = readApi(this, queries.fn);

    // --- Operations: every way the view can fall behind or fail reaches one alarm topic. ---

    const notify = new SnsAction(alarmTopic(this));
    const alarms = [
      new Alarm(this, 'ProjectorFailuresAlarm', {
        metric: failures.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period: Duration.minutes(1) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription:
          'The projector gave up on stream records and sent a pointer to ProjectorFailures; some order views stop before a bad event. Find "view not advanced" in ProjectorLogs, fix the event or the fold, then run the Rebuild function.',
      }),
      new Alarm(this, 'ProjectorErrorsAlarm', {
        metric: projector.fn.metricErrors({ statistic: Stats.SUM, period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: 'Projector invocations failed as a whole (timeout, crash or bad deploy), holding up their shard. Check ProjectorLogs and roll back a bad deploy.',
      }),
      new Alarm(this, 'ProjectorIteratorAgeAlarm', {
        metric: projector.fn.metric('IteratorAge', { statistic: Stats.MAXIMUM, period: Duration.minutes(1) }),
        threshold: Duration.minutes(STREAM.alarmIteratorAgeMinutes).toMilliseconds(),
        evaluationPeriods: 5,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription:
          'The projector is more than 10 minutes behind the events stream, so the view is stale; records older than an hour go to ProjectorFailures. Look for retried records in ProjectorLogs.',
      }),
      new Alarm(this, 'ReadApiServerErrorsAlarm', {
        metric: api.metricServerError({ statistic: Stats.SUM, period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: 'The read API answered 5xx. Search OrderQueriesLogs for "view query failed" and ReadApiAccessLogs for the failing routes.',
      }),
    ];
    for (const alarm of alarms) alarm.addAlarmAction(notify);

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint, description: 'GET /orders/{orderId} and /customers/{customerId}/orders here.' });
    new CfnOutput(this, 'EventTableName', { value: events.tableName, description: 'Append order events here with a condition on the version.' });
    new CfnOutput(this, 'ViewTableName', { value: view.tableName });
    new CfnOutput(this, 'RebuildFunctionName', { value: rebuild.fn.functionName });
    new CfnOutput(this, 'ProjectorLogGroup', { value: projector.fn.logGroup.logGroupName });
    new CfnOutput(this, 'FailureQueueUrl', { value: failures.queueUrl });

    Validations.of(failures).acknowledge(
      {
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself the on-failure destination of the stream mapping; it receives batch pointers, not work to redrive.',
      },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason: 'This queue is itself the on-failure destination; a further dead-letter queue would only move its records again.',
      },
    );
  }
}

import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, FilterCriteria, LoggingFormat, MetricType, Runtime, StartingPosition, Tracing } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** Stream settings both consumers share, exported so the tests pin the numbers the stack uses. */
export const STREAM = {
  batchSize: 100,
  maxBatchingWindowSeconds: 1,
  retryAttempts: 5,
  maxRecordAgeHours: 6,
  /** A consumer this far behind is alarmed on, hours before its records reach maxRecordAge. */
  alarmIteratorAgeMinutes: 10,
} as const;

export type StreamConsumerProps = {
  table: ITableV2;
  entry: string;
  description: string;
  /** Lambda filter patterns; a record reaches the function if it matches any of them. */
  filters: Record<string, unknown>[];
  failures: IQueue;
  alarmTopic: ITopic;
  logRetention: RetentionDays;
  environment?: Record<string, string>;
};

/**
 * One filtered consumer of the table stream: its own role, log group, function, event source
 * mapping with failure handling, and the two alarms every stream consumer needs.
 */
export function addStreamConsumer(scope: Construct, id: string, props: StreamConsumerProps) {
  const logs = new LogGroup(scope, `${id}Logs`, { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });

  // An explicit role instead of the AWS managed basic-execution policy, whose log
  // permissions reach every log group in the account.
  const role = new Role(scope, `${id}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: props.description,
  });
  logs.grantWrite(role);

  const fn = new NodejsFunction(scope, id, {
    role,
    entry: props.entry,
    description: props.description,
    runtime: Runtime.NODEJS_24_X,
    architecture: Architecture.ARM_64,
    memorySize: 256,
    timeout: Duration.seconds(30),
    tracing: Tracing.ACTIVE,
    loggingFormat: LoggingFormat.JSON,
    logGroup: logs,
    environment: props.environment,
    // Bundle the SDK clients the handler imports rather than rely on the runtime's copy.
    bundling: { minify: true, sourceMap: true, externalModules: [] },
  });

  fn.addEventSource(
    new DynamoEventSource(props.table, {
      // A new mapping starts at the oldest record still in the stream (24 hours), not at "now".
      startingPosition: StartingPosition.TRIM_HORIZON,
      // Lambda drops records that match no filter before batching: they are never invoked or billed.
      filters: props.filters.map((pattern) => FilterCriteria.filter(pattern)),
      batchSize: STREAM.batchSize,
      maxBatchingWindow: Duration.seconds(STREAM.maxBatchingWindowSeconds),
      // One batch per shard at a time; DynamoDB keeps the records of one item in one shard, in order.
      parallelizationFactor: 1,
      reportBatchItemFailures: true,
      bisectBatchOnError: true,
      retryAttempts: STREAM.retryAttempts,
      maxRecordAge: Duration.hours(STREAM.maxRecordAgeHours),
      onFailure: new SqsDlq(props.failures),
      // Polled, filtered-out, invoked and dropped counts per mapping, to see what the filter saves.
      metricsConfig: { metrics: [MetricType.EVENT_COUNT] },
    }),
  );

  const notify = new SnsAction(props.alarmTopic);
  new Alarm(scope, `${id}ErrorsAlarm`, {
    metric: fn.metricErrors({ statistic: Stats.SUM, period: Duration.minutes(5) }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
    alarmDescription: `${id} invocations failed as a whole (timeout, crash or bad deploy), so its shard is retried and held up. Check ${id}Logs and roll back a bad deploy.`,
  }).addAlarmAction(notify);
  new Alarm(scope, `${id}IteratorAgeAlarm`, {
    metric: fn.metric('IteratorAge', { statistic: Stats.MAXIMUM, period: Duration.minutes(1) }),
    threshold: Duration.minutes(STREAM.alarmIteratorAgeMinutes).toMilliseconds(),
    evaluationPeriods: 5,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
    alarmDescription: `${id} is more than ${STREAM.alarmIteratorAgeMinutes} minutes behind the stream; records older than ${STREAM.maxRecordAgeHours} hours are given up and reported to StreamFailures. Look for a record being retried in ${id}Logs.`,
  }).addAlarmAction(notify);

  Validations.of(fn).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason: 'Only the stream event source mapping invokes the function; its on-failure destination is StreamFailures, and a function DLQ only serves async invokes.',
  });
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
  });
  return { fn, role, logs };
}

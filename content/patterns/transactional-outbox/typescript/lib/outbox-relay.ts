import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Stats } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, FilterCriteria, FilterRule, LoggingFormat, Runtime, StartingPosition, Tracing } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { addAlarm, FIVE_MINUTES } from './alarm';

/** Stream settings, exported so the tests pin the numbers the stack uses. */
export const RELAY = {
  batchSize: 50,
  retryAttempts: 10,
  maxRecordAgeHours: 6,
  /** Events this late are worth a page: the bus is behind the database by that much. */
  alarmIteratorAgeMinutes: 5,
} as const;

/**
 * Only new outbox items: TTL expiries arrive as REMOVE records and must not be published
 * again. Lambda drops non-matching records before invoking, so they cost no invocation.
 */
export const RELAY_FILTERS: Record<string, unknown>[] = [{ eventName: FilterRule.isEqual('INSERT') }];

export type OutboxRelayProps = { outbox: ITableV2; bus: IEventBus; alarmTopic: ITopic };

/** The publishing side: a function on the outbox stream that puts each new event on the bus. */
export function addOutboxRelay(scope: Construct, props: OutboxRelayProps) {
  const failures = new Queue(scope, 'RelayFailures', {
    retentionPeriod: Duration.days(14),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });

  const logs = new LogGroup(scope, 'OutboxRelayLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  const role = new Role(scope, 'OutboxRelayRole', {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: 'Outbox relay: write its own logs, read the outbox stream, put events on the order bus.',
  });
  logs.grantWrite(role);

  const relay = new NodejsFunction(scope, 'OutboxRelay', {
    role,
    entry: path.join(__dirname, '..', 'lambda', 'outbox-relay.ts'),
    description: 'Publishes each new outbox item to the order event bus.',
    runtime: Runtime.NODEJS_24_X,
    architecture: Architecture.ARM_64,
    memorySize: 256,
    timeout: Duration.seconds(30),
    tracing: Tracing.ACTIVE,
    loggingFormat: LoggingFormat.JSON,
    logGroup: logs,
    environment: { EVENT_BUS_NAME: props.bus.eventBusName },
    bundling: { minify: true, sourceMap: true, externalModules: [] },
  });
  props.bus.grantPutEventsTo(relay);

  relay.addEventSource(
    new DynamoEventSource(props.outbox, {
      // A new mapping starts at the oldest record still in the stream, so events written
      // while it is being created are not skipped.
      startingPosition: StartingPosition.TRIM_HORIZON,
      filters: RELAY_FILTERS.map((pattern) => FilterCriteria.filter(pattern)),
      batchSize: RELAY.batchSize,
      // One batch per shard at a time, so a shard's events are put on the bus in stream order.
      parallelizationFactor: 1,
      // The handler names the first record PutEvents did not accept; Lambda retries from there.
      reportBatchItemFailures: true,
      bisectBatchOnError: true,
      retryAttempts: RELAY.retryAttempts,
      maxRecordAge: Duration.hours(RELAY.maxRecordAgeHours),
      onFailure: new SqsDlq(failures),
    }),
  );

  addAlarm(scope, 'RelayFailuresAlarm', {
    metric: failures.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period: Duration.minutes(1) }),
    threshold: 1,
    topic: props.alarmTopic,
    description:
      'The relay gave up on outbox records and sent a pointer to RelayFailures: those events are NOT on the bus. The outbox items stay in the Outbox table for 7 days; re-publish them (or replay the stream range within 24 hours), then delete the message.',
  });
  addAlarm(scope, 'OutboxRelayErrorsAlarm', {
    metric: relay.metricErrors({ statistic: Stats.SUM, period: FIVE_MINUTES }),
    threshold: 1,
    topic: props.alarmTopic,
    description: 'OutboxRelay invocations failed as a whole (timeout, crash or bad deploy), so its shard is retried and held up. Check OutboxRelayLogs.',
  });
  addAlarm(scope, 'OutboxRelayIteratorAgeAlarm', {
    metric: relay.metric('IteratorAge', { statistic: Stats.MAXIMUM, period: Duration.minutes(1) }),
    threshold: Duration.minutes(RELAY.alarmIteratorAgeMinutes).toMilliseconds(),
    evaluationPeriods: 5,
    topic: props.alarmTopic,
    description:
      'Events reach the bus more than 5 minutes after their order changed. Look in OutboxRelayLogs for "PutEvents rejected entries" (throttling, a missing bus) or a record retried again and again.',
  });

  Validations.of(relay).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason: 'Only the stream event source mapping invokes the function; its on-failure destination is RelayFailures, and a function DLQ only serves async invokes.',
  });
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
  });
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
  return { relay, logs, failures };
}

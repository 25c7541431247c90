import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export const RATE = Duration.minutes(5);
/** Scheduler may start each run anywhere in this window, which spreads load when many schedules share a minute. */
export const FLEXIBLE_WINDOW = Duration.minutes(2);
/**
 * A run that cannot start within five minutes is given up and parked: by then the next one is due,
 * and a late heartbeat is worse than an honest gap. The same limit applies on both hops.
 */
export const MAX_EVENT_AGE = Duration.minutes(5);
export const SCHEDULER_RETRIES = 3;
export const LAMBDA_RETRIES = 2;
/** With a run due every five minutes, three periods without a single invocation mean the schedule has stopped. */
export const SILENCE_WINDOW = Duration.minutes(15);

export class TheScheduledLambdaStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const table = new TableV2(this, 'Heartbeats', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // A demo stack should leave nothing behind on `cdk destroy`.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Every run that did not happen ends up here, whichever hop failed.
    const missedRuns = new Queue(this, 'MissedRuns', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    const logGroup = new LogGroup(this, 'HeartbeatLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An explicit role instead of the managed basic-execution policy, which can write to every log group.
    const role = new Role(this, 'HeartbeatRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Heartbeat: write its own logs, record runs in the table, park failed runs.',
    });
    logGroup.grantWrite(role);

    const heartbeat = new NodejsFunction(this, 'Heartbeat', {
      role,
      logGroup,
      entry: path.join(__dirname, '..', 'lambda', 'heartbeat.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      environment: { TABLE_NAME: table.tableName },
      bundling: { minify: true, sourceMap: true },
      // Second hop: Scheduler handed the run over, but the function threw.
      retryAttempts: LAMBDA_RETRIES,
      maxEventAge: MAX_EVENT_AGE,
      onFailure: new SqsDestination(missedRuns),
    });
    // A transaction of one conditional Put and one Update needs exactly these two actions.
    table.grant(heartbeat, 'dynamodb:PutItem', 'dynamodb:UpdateItem');

    // Scheduler assumes this role to invoke the target; it is trusted only for schedules in this account's default group.
    const schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': this.account,
            'aws:SourceArn': this.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
          },
        },
      }),
      description: 'EventBridge Scheduler: invoke the heartbeat function, park runs it could not deliver.',
    });

    const schedule = new Schedule(this, 'EveryFiveMinutes', {
      description: 'Runs the heartbeat function every five minutes.',
      schedule: ScheduleExpression.rate(RATE),
      timeWindow: TimeWindow.flexible(FLEXIBLE_WINDOW),
      target: new LambdaInvoke(heartbeat, {
        role: schedulerRole,
        // First hop: Scheduler could not invoke the function at all.
        retryAttempts: SCHEDULER_RETRIES,
        maxEventAge: MAX_EVENT_AGE,
        deadLetterQueue: missedRuns,
        input: ScheduleTargetInput.fromObject({
          scheduledTime: ContextAttribute.scheduledTime,
          executionId: ContextAttribute.executionId,
          attemptNumber: ContextAttribute.attemptNumber,
          scheduleArn: ContextAttribute.scheduleArn,
        }),
      }),
    });

    // One topic for every alarm; it e-mails only when an address is given at deploy time.
    const alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'The Scheduled Lambda alarms', enforceSSL: true });
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
    const notify = new SnsAction(alarmTopic);

    // A message in the queue means a heartbeat is missing; this is the signal to page someone on.
    new Alarm(this, 'MissedRunsAlarm', {
      alarmDescription:
        'A scheduled heartbeat run failed and was parked in MissedRuns. Read the message for the condition and error, fix the cause, then purge or delete the message.',
      metric: missedRuns.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: Stats.MAXIMUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(notify);
    // Every failed attempt, including the ones a retry later fixes.
    new Alarm(this, 'HeartbeatErrorsAlarm', {
      alarmDescription: 'A heartbeat run threw; Lambda retries it twice before parking it. Check HeartbeatLogs for the error.',
      metric: heartbeat.metricErrors({ period: Duration.minutes(5), statistic: Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(notify);
    // A disabled or deleted schedule parks nothing; only the absence of invocations shows it.
    new Alarm(this, 'HeartbeatSilentAlarm', {
      alarmDescription:
        'The heartbeat function has not been invoked for 15 minutes: the schedule is disabled, deleted or cannot assume its role. Check the EveryFiveMinutes schedule.',
      metric: heartbeat.metricInvocations({ period: SILENCE_WINDOW, statistic: Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.BREACHING,
    }).addAlarmAction(notify);

    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'FunctionName', { value: heartbeat.functionName });
    new CfnOutput(this, 'ScheduleName', { value: schedule.scheduleName });
    new CfnOutput(this, 'MissedRunsUrl', { value: missedRuns.queueUrl });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });

    Validations.of(heartbeat).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'An on-failure destination to the MissedRuns queue replaces the legacy function DLQ and also records the error.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
    Validations.of(schedulerRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::<HeartbeatCF533661.Arn>:*]',
      reason: 'The target grant also covers versions and aliases of the one heartbeat function; no other function is reachable.',
    });
    Validations.of(missedRuns).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue for the schedule and the function; it has nowhere further to send.',
    });
    Validations.of(missedRuns).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: 'This queue is itself the dead-letter queue; messages stay 14 days for inspection.',
    });
  }
}

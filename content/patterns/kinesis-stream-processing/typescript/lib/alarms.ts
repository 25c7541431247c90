import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { SETTINGS } from './settings';

/** The stack's one alarm topic, with an e-mail subscription when `-c alarmEmail=...` is given. */
export function alarmTopic(scope: Construct): Topic {
  const topic = new Topic(scope, 'AlarmTopic', { displayName: 'Kinesis Stream Processing alarms', enforceSSL: true });
  const email: unknown = scope.node.tryGetContext('alarmEmail');
  if (typeof email === 'string' && email.length > 0) {
    Validations.of(topic.addSubscription(new EmailSubscription(email))).acknowledge({
      id: 'Serverless-SNSRedrivePolicy',
      reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
    });
  }
  Validations.of(topic).acknowledge({
    id: 'AwsSolutions-SNS2',
    reason:
      'CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states.',
  });
  return topic;
}

/** A pointer in the failure queue means records were given up on: someone must replay them within the stream's retention. */
export function failedBatchesAlarm(scope: Construct, queue: IQueue, topic: Topic): Alarm {
  const alarm = new Alarm(scope, 'FailedBatchesAlarm', {
    metric: queue.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period: Duration.minutes(1) }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
    alarmDescription:
      'A consumer gave up on stream records and sent a pointer to FailedBatches. Read the message for the function, shard and sequence range, replay those records from the stream within 24 hours, then delete the message.',
  });
  alarm.addAlarmAction(new SnsAction(topic));
  return alarm;
}

/** Errors (the invocation failed as a whole) and IteratorAge (the consumer is falling behind) for one consumer. */
export function consumerAlarms(scope: Construct, id: string, fn: IFunction, topic: Topic): Alarm[] {
  const alarms = [
    new Alarm(scope, `${id}ErrorsAlarm`, {
      metric: fn.metricErrors({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `${id} invocations failed as a whole (crash, timeout, a failed DynamoDB write or a bad deploy), so its shard is retried and held up. Read its log group and roll back a bad deploy.`,
    }),
    new Alarm(scope, `${id}IteratorAgeAlarm`, {
      metric: fn.metric('IteratorAge', { statistic: Stats.MAXIMUM, period: Duration.minutes(1) }),
      threshold: Duration.minutes(SETTINGS.alarmIteratorAgeMinutes).toMilliseconds(),
      evaluationPeriods: 5,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `${id} has been more than ${SETTINGS.alarmIteratorAgeMinutes} minutes behind the stream for 5 minutes; records older than ${SETTINGS.maxRecordAgeHours} hour are skipped and reported to FailedBatches. Look for a record being retried in its log group.`,
    }),
  ];
  for (const alarm of alarms) alarm.addAlarmAction(new SnsAction(topic));
  return alarms;
}

import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * The stack's alarm plumbing: one TLS-only topic, an optional e-mail subscriber from the
 * `alarmEmail` context value, and alarms that fire on the first occurrence and notify that topic.
 */
export class Operations {
  readonly topic: Topic;
  private readonly notify: SnsAction;

  constructor(private readonly scope: Construct) {
    this.topic = new Topic(scope, 'AlarmTopic', { displayName: 'S3 Event Processing alarms', enforceSSL: true });
    const email: unknown = scope.node.tryGetContext('alarmEmail');
    if (typeof email === 'string' && email.trim() !== '') {
      Validations.of(this.topic.addSubscription(new EmailSubscription(email.trim()))).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states.',
    });
    this.notify = new SnsAction(this.topic);
  }

  /** A message waiting in a failure queue: something was not processed and someone has to look. */
  queueNotEmpty(id: string, queue: IQueue, alarmDescription: string): Alarm {
    return this.atLeastOnce(id, queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) }), alarmDescription);
  }

  /** Any occurrence of a count metric (errors, failed or timed-out executions) in five minutes. */
  anyInFiveMinutes(id: string, metric: IMetric, alarmDescription: string): Alarm {
    return this.atLeastOnce(id, metric, alarmDescription);
  }

  private atLeastOnce(id: string, metric: IMetric, alarmDescription: string): Alarm {
    const alarm = new Alarm(this.scope, id, {
      alarmDescription,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.notify);
    return alarm;
  }
}

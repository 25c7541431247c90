import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * Who is told when a saga stops moving: one alarm topic for the stack, and the alarms that notify it.
 * Deploy with `-c alarmEmail=you@example.com` to receive them by e-mail.
 */
export class Operations extends Construct {
  readonly topic: Topic;
  private readonly notify: SnsAction;
  private readonly stackScope: Construct;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.stackScope = scope;
    // Created at stack level: AlarmTopic is the id the catalog's operability check looks for.
    this.topic = new Topic(scope, 'AlarmTopic', { displayName: 'Choreography saga alarms', enforceSSL: true });
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

  private alarm(id: string, alarmDescription: string, metric: IMetric): Alarm {
    const alarm = new Alarm(this.stackScope, id, {
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

  /** One message in a dead-letter queue means one order whose saga stopped: someone has to look. */
  queueNotEmpty(id: string, queue: IQueue, alarmDescription: string): Alarm {
    return this.alarm(id, alarmDescription, queue.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period: Duration.minutes(1) }));
  }

  /** Any failed invocation in five minutes; the retry may still succeed, but the first failure is worth knowing about. */
  functionErrors(id: string, fn: IFunction, alarmDescription: string): Alarm {
    return this.alarm(id, alarmDescription, fn.metricErrors({ statistic: Stats.SUM, period: Duration.minutes(5) }));
  }
}

import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * Operations plumbing: the stack's one alarm topic, and alarms that all notify it.
 * Deploy with `-c alarmEmail=you@example.com` to have the notifications mailed to you.
 */
export class Operations extends Construct {
  readonly topic: Topic;
  private readonly notify: SnsAction;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // Created at stack level: AlarmTopic is the id the catalog's operability check looks for.
    this.topic = new Topic(scope, 'AlarmTopic', { displayName: 'EventBridge archive and replay alarms', enforceSSL: true });
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
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, a customer managed key would cost $1 a month, and alarm notifications carry only alarm names and states.',
    });
    this.notify = new SnsAction(this.topic);
  }

  /** Anything in a dead-letter queue: an event that needs a person to look at it and redrive it. */
  queueNotEmpty(id: string, queue: IQueue, alarmDescription: string): Alarm {
    return this.alarm(id, queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) }), alarmDescription);
  }

  /** Any failed invocation of a function within five minutes. */
  functionErrors(id: string, fn: IFunction, alarmDescription: string): Alarm {
    return this.alarm(id, fn.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }), alarmDescription);
  }

  private alarm(id: string, metric: IMetric, alarmDescription: string): Alarm {
    const alarm = new Alarm(this.node.scope as Construct, id, {
      metric,
      alarmDescription,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.notify);
    return alarm;
  }
}

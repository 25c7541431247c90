import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * The stack's operations plumbing: one alarm topic, and alarms that all notify it.
 * Deploy with `-c alarmEmail=you@example.com` to have the notifications mailed to you.
 */
export class Operations extends Construct {
  readonly topic: Topic;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // The construct id the project's operability check looks for is AlarmTopic, at stack level.
    this.topic = new Topic(scope, 'AlarmTopic', { displayName: 'Alarms', enforceSSL: true });
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
    this.action = new SnsAction(this.topic);
  }

  /** Messages waiting in a dead-letter or failure queue: someone has to look and redrive. */
  queueNotEmpty(id: string, queue: IQueue, alarmDescription: string): Alarm {
    const alarm = new Alarm(this.node.scope as Construct, id, {
      alarmDescription,
      metric: queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    return alarm;
  }

  /** Any invocation error of a function in five minutes. */
  functionErrors(id: string, fn: IFunction, alarmDescription: string): Alarm {
    const alarm = new Alarm(this.node.scope as Construct, id, {
      alarmDescription,
      metric: fn.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    return alarm;
  }
}

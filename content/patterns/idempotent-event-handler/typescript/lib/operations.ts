import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * Who hears about trouble: the stack's one alarm topic and the alarms that publish to it.
 * Pass `-c alarmEmail=you@example.com` at deploy time to get the notifications by e-mail.
 */
export class Operations extends Construct {
  readonly alarmTopic: Topic;
  private readonly notify: SnsAction;
  private readonly stackScope: Construct;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.stackScope = scope;
    // Created in the stack's scope: the catalog's operability check finds the topic by the id AlarmTopic.
    this.alarmTopic = new Topic(scope, 'AlarmTopic', { displayName: 'Idempotent Event Handler alarms', enforceSSL: true });
    const email: unknown = scope.node.tryGetContext('alarmEmail');
    if (typeof email === 'string' && email.trim().length > 0) {
      const subscription = this.alarmTopic.addSubscription(new EmailSubscription(email.trim()));
      Validations.of(subscription).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }
    Validations.of(this.alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states.',
    });
    this.notify = new SnsAction(this.alarmTopic);
  }

  /** A dead-letter queue holding anything at all means a message was given up on. */
  whenQueueHoldsMessages(id: string, queue: IQueue, alarmDescription: string): Alarm {
    return this.alarm(id, queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) }), alarmDescription);
  }

  /** Whole invocations failing: timeouts, crashes, a bad deploy. Per-record failures do not count here. */
  whenFunctionErrors(id: string, fn: IFunction, alarmDescription: string): Alarm {
    return this.alarm(id, fn.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }), alarmDescription);
  }

  private alarm(id: string, metric: IMetric, alarmDescription: string): Alarm {
    const alarm = new Alarm(this.stackScope, id, {
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

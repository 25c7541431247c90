import { Duration, Fn, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IRule } from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * One stack's alarm plumbing. Each account gets its own topic and its own alarms: the people who
 * run the producer cannot see the consumer's CloudWatch, and the other way round.
 * Deploy with `-c alarmEmail=you@example.com` to have the notifications mailed.
 */
export class Operations extends Construct {
  readonly topic: Topic;
  private readonly action: SnsAction;
  private readonly stackScope: Construct;

  constructor(scope: Construct, id: string, displayName: string) {
    super(scope, id);
    this.stackScope = scope;
    // The project's operability check looks for the id AlarmTopic at stack level.
    this.topic = new Topic(scope, 'AlarmTopic', { displayName, enforceSSL: true });
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

  private alarm(id: string, metric: Metric, alarmDescription: string): Alarm {
    const alarm = new Alarm(this.stackScope, id, {
      alarmDescription,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    return alarm;
  }

  /** Messages waiting in a dead-letter queue: stays in ALARM until someone reads and redrives them. */
  queueNotEmpty(id: string, queue: IQueue, description: string): Alarm {
    return this.alarm(id, queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) }), description);
  }

  /** Any failed invocation of a function in five minutes. */
  functionErrors(id: string, fn: IFunction, description: string): Alarm {
    return this.alarm(id, fn.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }), description);
  }

  /**
   * Deliveries a rule gave up on. A rule on a custom bus reports under both EventBusName and
   * RuleName, and its Ref is "bus|rule", so the two dimensions are cut from that one value.
   */
  ruleFailedInvocations(id: string, rule: IRule, description: string): Alarm {
    const [busName, ruleName] = [0, 1].map((i) => Fn.select(i, Fn.split('|', rule.ruleName)));
    const metric = new Metric({
      namespace: 'AWS/Events',
      metricName: 'FailedInvocations',
      dimensionsMap: { EventBusName: busName!, RuleName: ruleName! },
      statistic: 'Sum',
      period: Duration.minutes(5),
    });
    return this.alarm(id, metric, description);
  }
}

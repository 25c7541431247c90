import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/**
 * The stack's operations plumbing: one alarm topic and a way to add alarms that notify it.
 * Deploy with `-c alarmEmail=you@example.com` to have the notifications mailed to you.
 */
export class Operations extends Construct {
  readonly topic: Topic;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // The construct id the project's operability check looks for is AlarmTopic, at stack level.
    this.topic = new Topic(scope, 'AlarmTopic', { displayName: 'Serverless microservices alarms', enforceSSL: true });
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

  /** An alarm in the given scope (a service keeps its own alarms) that fires on one occurrence. */
  alarmOnAny(scope: Construct, id: string, metric: IMetric, alarmDescription: string): Alarm {
    const alarm = new Alarm(scope, id, {
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
}

export const fiveMinuteSum = { statistic: 'Sum', period: Duration.minutes(5) } as const;
export const oneMinuteMax = { statistic: 'Maximum', period: Duration.minutes(1) } as const;

import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { CfnBudget } from 'aws-cdk-lib/aws-budgets';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/**
 * The stack's operations plumbing: one alarm topic, the alarms that notify it, and a cost budget.
 * Deploy with `-c alarmEmail=you@example.com` to have the notifications mailed to you.
 */
export class Operations extends Construct {
  readonly topic: Topic;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // The construct id the project's operability check looks for is AlarmTopic, at stack level.
    this.topic = new Topic(scope, 'AlarmTopic', { displayName: 'API response caching alarms', enforceSSL: true });
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

  /** At least one occurrence of the metric's sum in five minutes. */
  alarmOnAny(id: string, metric: IMetric, alarmDescription: string): Alarm {
    const alarm = new Alarm(this.node.scope as Construct, id, {
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

  /** A monthly cost budget on one AWS service, telling the alarm topic when it is passed or forecast to be. */
  monthlyBudget(id: string, service: string, amountUsd: number): CfnBudget {
    const scope = this.node.scope as Construct;
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowBudgetsToPublish',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('budgets.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
      }),
    );
    const notifyAt = (notificationType: 'ACTUAL' | 'FORECASTED'): CfnBudget.NotificationWithSubscribersProperty => ({
      notification: { notificationType, comparisonOperator: 'GREATER_THAN', threshold: 100, thresholdType: 'PERCENTAGE' },
      subscribers: [{ subscriptionType: 'SNS', address: this.topic.topicArn }],
    });
    const budget = new CfnBudget(scope, id, {
      budget: {
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: amountUsd, unit: 'USD' },
        costFilters: { Service: [service] },
      },
      notificationsWithSubscribers: [notifyAt('ACTUAL'), notifyAt('FORECASTED')],
    });
    // Budgets checks that it may publish before it accepts the subscriber.
    budget.node.addDependency(this.topic);
    return budget;
  }
}

export const fiveMinuteSum = { statistic: 'Sum', period: Duration.minutes(5) } as const;

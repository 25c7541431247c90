import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { CfnBudget } from 'aws-cdk-lib/aws-budgets';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

/** Enough for the floor the schedule keeps (about $6 a month at 512 MB) plus sustained scale-out. */
export const DEFAULT_MONTHLY_BUDGET_USD = 20;

/** The monthly budget from context `monthlyBudgetUsd` (a number, or a string from `-c`), or the default. */
export function monthlyBudgetUsd(scope: Construct): number {
  const raw: unknown = scope.node.tryGetContext('monthlyBudgetUsd');
  if (raw === undefined || raw === null || raw === '') return DEFAULT_MONTHLY_BUDGET_USD;
  const amount = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!(amount > 0)) throw new Error(`monthlyBudgetUsd must be a positive number of US dollars, got ${JSON.stringify(raw)}`);
  return amount;
}

/** The stack's one alarm topic. Deploy with `-c alarmEmail=you@example.com` to get its messages by e-mail. */
export function createAlarmTopic(scope: Construct): Topic {
  const topic = new Topic(scope, 'AlarmTopic', { displayName: 'Provisioned concurrency alarms', enforceSSL: true });
  const email: unknown = scope.node.tryGetContext('alarmEmail');
  if (typeof email === 'string' && email.trim() !== '') {
    Validations.of(topic.addSubscription(new EmailSubscription(email.trim()))).acknowledge({
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

export type AlarmSettings = { metric: IMetric; description: string; evaluationPeriods?: number };

/** Alarms when the metric's five-minute sum reaches 1 in each of `evaluationPeriods` periods in a row. */
export function alarmOnAny(scope: Construct, id: string, topic: Topic, settings: AlarmSettings): Alarm {
  const periods = settings.evaluationPeriods ?? 1;
  const alarm = new Alarm(scope, id, {
    metric: settings.metric,
    threshold: 1,
    evaluationPeriods: periods,
    datapointsToAlarm: periods,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
    alarmDescription: settings.description,
  });
  alarm.addAlarmAction(new SnsAction(topic));
  return alarm;
}

export const FIVE_MINUTE_SUM = { statistic: 'Sum', period: Duration.minutes(5) } as const;

/**
 * A monthly cost budget on the account's AWS Lambda charges that tells the alarm topic when they pass
 * the amount or are forecast to. Provisioned concurrency is billed while idle, so this is how someone
 * hears that a raised floor or ceiling has quietly become a standing cost.
 */
export function lambdaBudget(scope: Construct, topic: Topic, amountUsd: number): CfnBudget {
  topic.addToResourcePolicy(
    new PolicyStatement({
      sid: 'AllowBudgetsToPublish',
      effect: Effect.ALLOW,
      principals: [new ServicePrincipal('budgets.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
  );
  const notifyWhen = (notificationType: 'ACTUAL' | 'FORECASTED'): CfnBudget.NotificationWithSubscribersProperty => ({
    notification: { notificationType, comparisonOperator: 'GREATER_THAN', threshold: 100, thresholdType: 'PERCENTAGE' },
    subscribers: [{ subscriptionType: 'SNS', address: topic.topicArn }],
  });
  const budget = new CfnBudget(scope, 'LambdaBudget', {
    budget: {
      budgetType: 'COST',
      timeUnit: 'MONTHLY',
      budgetLimit: { amount: amountUsd, unit: 'USD' },
      costFilters: { Service: ['AWS Lambda'] },
    },
    notificationsWithSubscribers: [notifyWhen('ACTUAL'), notifyWhen('FORECASTED')],
  });
  // AWS Budgets checks that it may publish to the topic before it accepts the subscriber.
  budget.node.addDependency(topic);
  return budget;
}

import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

/**
 * One topic, three alarms, each on the first occurrence. Caught per-order failures do not fail a job,
 * so a crashing or timing-out worker is watched directly through its Errors metric.
 */
export function addAlarms(scope: Construct, r: { stateMachine: StateMachine; worker: IFunction }): Topic {
  const topic = new Topic(scope, 'AlarmTopic', { displayName: 'Map state pricing job alarms', enforceSSL: true });
  const alarmEmail: unknown = scope.node.tryGetContext('alarmEmail');
  if (typeof alarmEmail === 'string' && alarmEmail.length > 0) {
    Validations.of(topic.addSubscription(new EmailSubscription(alarmEmail))).acknowledge({
      id: 'Serverless-SNSRedrivePolicy',
      reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
    });
  }
  Validations.of(topic).acknowledge({
    id: 'AwsSolutions-SNS2',
    reason:
      'CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states.',
  });

  const notify = new SnsAction(topic);
  const onFirst = (id: string, metric: Metric, alarmDescription: string) =>
    new Alarm(scope, id, {
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription,
    }).addAlarmAction(notify);
  const fiveMinuteSum = { statistic: Stats.SUM, period: Duration.minutes(5) };

  onFirst(
    'PricingJobFailedAlarm',
    r.stateMachine.metricFailed(fiveMinuteSum),
    'A pricing job failed: an invalid job, more than 400 inline orders, an unreadable manifest, or more than 5% of a manifest in failed batches. The execution history names the state and error.',
  );
  onFirst(
    'PricingJobTimedOutAlarm',
    r.stateMachine.metricTimedOut(fiveMinuteSum),
    'A pricing job ran past its one-hour timeout. Check the Map Run for throttled or slow batches.',
  );
  onFirst(
    'OrderPricerErrorsAlarm',
    r.worker.metricErrors(fiveMinuteSum),
    'The OrderPricer function failed (crash, timeout or an input it does not understand). Inline jobs record the order as FAILED; manifest jobs retry the batch and count it against the 5% tolerance. Check OrderPricerLogs.',
  );
  return topic;
}

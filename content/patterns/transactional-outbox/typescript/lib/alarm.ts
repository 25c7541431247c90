import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

export type AlarmProps = {
  metric: IMetric;
  threshold: number;
  evaluationPeriods?: number;
  description: string;
  topic: ITopic;
};

/** An alarm that fires at or above its threshold, stays quiet without data, and notifies the alarm topic. */
export function addAlarm(scope: Construct, id: string, props: AlarmProps): Alarm {
  const alarm = new Alarm(scope, id, {
    metric: props.metric,
    threshold: props.threshold,
    evaluationPeriods: props.evaluationPeriods ?? 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
    alarmDescription: props.description,
  });
  alarm.addAlarmAction(new SnsAction(props.topic));
  return alarm;
}

/** Five-minute sums: the period every count alarm of this stack uses. */
export const FIVE_MINUTES = Duration.minutes(5);

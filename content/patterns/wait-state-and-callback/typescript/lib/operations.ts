import { Duration, type Stack, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, type Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';

export type OperationsProps = { flow: StateMachine; api: HttpApi; decide: IFunction };

/**
 * Tells a person when something broke rather than when someone said no: rejected and expired requests end
 * in Succeed states, so they never count as failed executions.
 */
export function operations(stack: Stack, props: OperationsProps): Topic {
  const { flow, api, decide } = props;
  const topic = new Topic(stack, 'AlarmTopic', { displayName: 'Wait state and callback alarms', enforceSSL: true });
  const email: unknown = stack.node.tryGetContext('alarmEmail');
  if (typeof email === 'string' && email !== '') {
    Validations.of(topic.addSubscription(new EmailSubscription(email))).acknowledge({
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
  const everyFiveMinutes = { statistic: Stats.SUM, period: Duration.minutes(5) };
  const alarm = (id: string, metric: Metric, alarmDescription: string) =>
    new Alarm(stack, id, {
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription,
    }).addAlarmAction(notify);

  alarm(
    'ApprovalFlowFailedAlarm',
    flow.metricFailed(everyFiveMinutes),
    'An ApprovalFlow execution failed: an invalid request, a step that kept failing, or Revoke failed, which leaves access ACTIVE. Open the failed execution and read the error and cause of its Fail state.',
  );
  alarm(
    'ApprovalFlowTimedOutAlarm',
    flow.metricTimedOut(everyFiveMinutes),
    'An ApprovalFlow execution hit its overall timeout, which only a stuck step can cause. If it stopped after Grant access, the request item is still ACTIVE: revoke it by hand.',
  );
  alarm(
    'ApiServerErrorsAlarm',
    api.metricServerError(everyFiveMinutes),
    'The approval API answered 5xx: a decision could not be recorded or delivered (503 asks the approver to retry). Search DecideLogs for "decision failed" and "decision not delivered".',
  );
  alarm(
    'DecideErrorsAlarm',
    decide.metricErrors(everyFiveMinutes),
    'The Decide function crashed or timed out. Check DecideLogs and roll back a bad deploy.',
  );
  return topic;
}

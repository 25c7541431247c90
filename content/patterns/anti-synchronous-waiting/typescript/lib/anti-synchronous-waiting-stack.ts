import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { ReportData } from './report-data';
import { reportWorkflow } from './report-workflow';

/**
 * THE FIX. The same report over the same data, run by a Standard Step Functions workflow: the
 * `.sync` Athena integration waits for the query, so no code is billed while it runs and the wait
 * is bounded by Athena's own query timeout rather than by Lambda's fifteen minutes.
 */
export class ReportWorkflowStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const reports = new ReportData(this, 'Reports');
    const workflow = reportWorkflow(this, reports);

    // Operations: a failed or stuck report is the only thing that needs a person.
    const alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'Report workflow alarms', enforceSSL: true });
    const alarmEmail: unknown = this.node.tryGetContext('alarmEmail');
    if (typeof alarmEmail === 'string' && alarmEmail.length > 0) {
      Validations.of(alarmTopic.addSubscription(new EmailSubscription(alarmEmail))).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }
    Validations.of(alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states.',
    });
    const notify = new SnsAction(alarmTopic);
    const everyFiveMinutes = { statistic: Stats.SUM, period: Duration.minutes(5) };
    const alarm = (alarmId: string, metric: Metric, alarmDescription: string) =>
      new Alarm(this, alarmId, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription,
      }).addAlarmAction(notify);
    alarm(
      'ReportWorkflowFailedAlarm',
      workflow.metricFailed(everyFiveMinutes),
      'A report run failed: the query failed or was cancelled (bad SQL, missing data, the 1 GiB scan cutoff) or its rows could not be read. Open the failed execution and read the error and cause.',
    );
    alarm(
      'ReportWorkflowTimedOutAlarm',
      workflow.metricTimedOut(everyFiveMinutes),
      'A report run hit its 40-minute limit: the query ran longer than 30 minutes. Check the query in the Athena console before raising the limits.',
    );

    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });
    new CfnOutput(this, 'ReportWorkflowArn', { value: workflow.stateMachineArn });
    new CfnOutput(this, 'OrdersBucketName', { value: reports.orders.bucketName });
  }
}

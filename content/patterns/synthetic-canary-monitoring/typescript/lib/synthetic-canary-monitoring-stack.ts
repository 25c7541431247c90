import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { itemsApi } from './items-api';
import { CANARY_RATE, journeyCanary } from './journey-canary';

export class SyntheticCanaryMonitoringStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const { table, fn, role: functionRole, api } = itemsApi(this);
    const { canary, bucket, role: canaryRole, canaryName } = journeyCanary(this, { apiUrl: api.apiEndpoint });

    const alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'Synthetic canary monitoring alarms', enforceSSL: true });
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

    // The outside-in signal: one run every five minutes, so each period holds one run's result.
    // Two failed periods out of three ride out a single network blip and still page within 15 minutes.
    // Missing periods are left out of the count rather than counted as failures, so the brand-new alarm does
    // not page before the canary's first runs; when runs stop altogether, the alarm goes to
    // INSUFFICIENT_DATA and says so on the same topic, because a canary that stopped running watches nothing.
    const canaryAlarm = new Alarm(this, 'JourneyCanaryFailingAlarm', {
      metric: canary.metricSuccessPercent({ statistic: Stats.AVERAGE, period: CANARY_RATE }),
      threshold: 100,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: TreatMissingData.MISSING,
      alarmDescription:
        'ALARM: the create-read-delete journey failed in 2 of the last 3 runs; the failed step, its HTTP status and the response body are in the run report of the canary in CloudWatch Synthetics. INSUFFICIENT_DATA: the canary stopped running; start it again with aws synthetics start-canary.',
    });
    canaryAlarm.addAlarmAction(notify);
    canaryAlarm.addInsufficientDataAction(notify);
    // The inside-out signals: the same failures seen by the API and the function, for any caller.
    new Alarm(this, 'ApiServerErrorsAlarm', {
      metric: api.metricServerError({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'The items API answered 5xx. Search ItemsFunctionLogs for "item request failed" and ApiAccessLogs for the failing requests.',
    }).addAlarmAction(notify);
    new Alarm(this, 'ItemsFunctionErrorsAlarm', {
      metric: fn.metricErrors({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'The ItemsFunction failed (timeout, crash or bad deploy). Check ItemsFunctionLogs and roll back a bad deploy.',
    }).addAlarmAction(notify);

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint, description: 'POST /items, then GET or DELETE /items/{id}.' });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'CanaryName', { value: canaryName, description: 'Stop it with: aws synthetics stop-canary --name <this>' });
    new CfnOutput(this, 'ArtifactsBucketName', { value: bucket.bucketName });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });

    // --- cdk-nag findings this design accepts, each with its reason. ---
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'The items API is a public demo endpoint the canary calls without credentials; add a JWT or IAM authorizer before real use, and give the canary a token.',
    });
    Validations.of(fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.',
    });
    Validations.of(functionRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
    const bucketArn = `<${this.getLogicalId(bucket.node.defaultChild as CfnBucket)}.Arn>`;
    Validations.of(canaryRole).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'Synthetics requires s3:ListAllMyBuckets, which has no narrower resource, and cloudwatch:PutMetricData, which is limited here to the CloudWatchSynthetics namespace by condition.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${bucketArn}/*]`,
        reason: 'Synthetics picks the object keys of each run (canary name, date, run id); the wildcard covers only this artifacts bucket.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/lambda/cwsyn-${canaryName}-*]`,
        reason: 'Synthetics names the canary function cwsyn-<canary name>-<id> at creation; the wildcard covers only this canary\'s log group.',
      },
      {
        id: 'Serverless-LambdaStarPermissions',
        reason: 'The wildcards are the three above: ListAllMyBuckets and namespace-bound PutMetricData on *, objects in this bucket, and this canary\'s log group.',
      },
    );
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Only the canary writes here and every run is already recorded in its own logs and metrics; server access logs would need a second bucket.',
    });
  }
}

import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type CfnBucket, EventType } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { CURATED_PREFIX, QUARANTINE_PREFIX, RAW_PREFIX } from '../lambda/layout';
import { LakeCatalog } from './catalog';
import { LakeQuery } from './query';
import { LakeZones } from './zones';

/** Lambda retries a failed asynchronous invocation this many times before it parks the event. */
export const TRANSFORM_RETRIES = 2;

export class ServerlessDataLakeStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const zones = new LakeZones(this, 'Zones');

    // --- The transform: every object created under incoming/ in the raw bucket. ---

    const failedTransforms = new Queue(this, 'FailedTransforms', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    const transformLogs = new LogGroup(this, 'TransformLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An explicit role instead of the managed basic-execution policy, which can write to every log group.
    const role = new Role(this, 'TransformRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Lake transform: read raw uploads, write curated and quarantined objects.',
    });
    transformLogs.grantWrite(role);
    // Least privilege by hand: Bucket.grantRead/grantWrite would add List*, GetBucket* and DeleteObject*.
    role.addToPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [zones.raw.arnForObjects(`${RAW_PREFIX}*`)],
      }),
    );
    role.addToPolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [zones.curated.arnForObjects(`${CURATED_PREFIX}*`), zones.curated.arnForObjects(`${QUARANTINE_PREFIX}*`)],
      }),
    );

    const transform = new NodejsFunction(this, 'Transform', {
      role,
      entry: path.join(__dirname, '..', 'lambda', 'transform.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      // Parsing and gzip are CPU-bound; more memory buys CPU and a 32 MiB file fits comfortably.
      memorySize: 1024,
      timeout: Duration.minutes(2),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup: transformLogs,
      environment: { CURATED_BUCKET_NAME: zones.curated.bucketName },
      retryAttempts: TRANSFORM_RETRIES,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(failedTransforms),
      bundling: { minify: true, sourceMap: true },
    });
    zones.raw.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(transform), { prefix: RAW_PREFIX });

    // --- The catalog and the query engine over the curated zone. ---

    const catalog = new LakeCatalog(this, 'Catalog', { curated: zones.curated });
    const query = new LakeQuery(this, 'Analytics');

    // --- Operations: one topic, and an alarm for each way a transform can fail unseen. ---

    const alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'Serverless data lake alarms', enforceSSL: true });
    const alarmEmail: unknown = this.node.tryGetContext('alarmEmail');
    if (typeof alarmEmail === 'string' && alarmEmail.trim() !== '') {
      Validations.of(alarmTopic.addSubscription(new EmailSubscription(alarmEmail.trim()))).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }
    const notify = new SnsAction(alarmTopic);
    const alarm = (alarmId: string, metric: IMetric, alarmDescription: string) =>
      new Alarm(this, alarmId, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription,
      }).addAlarmAction(notify);
    alarm(
      'TransformErrorsAlarm',
      transform.metricErrors({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      'The lake transform failed an invocation (S3 error, timeout or crash); Lambda retries it. Check TransformLogs.',
    );
    alarm(
      'FailedTransformsAlarm',
      failedTransforms.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period: Duration.minutes(1) }),
      'A raw object was not transformed after all retries. Its event is in FailedTransforms; fix the cause and re-copy the object to reprocess it.',
    );

    new CfnOutput(this, 'RawBucketName', { value: zones.raw.bucketName, description: `Upload JSON-lines files under ${RAW_PREFIX}.` });
    new CfnOutput(this, 'CuratedBucketName', { value: zones.curated.bucketName });
    new CfnOutput(this, 'DatabaseName', { value: catalog.databaseName });
    new CfnOutput(this, 'TableName', { value: catalog.tableName });
    new CfnOutput(this, 'WorkGroupName', { value: query.workGroupName });
    new CfnOutput(this, 'QueryResultsBucketName', { value: query.results.bucketName });
    new CfnOutput(this, 'FailedTransformsQueueUrl', { value: failedTransforms.queueUrl });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });

    // --- cdk-nag findings this design accepts, each with its reason. ---

    Validations.of(alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states.',
    });
    Validations.of(zones.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging it into itself would loop, and into another bucket would only move the question.',
    });
    Validations.of(query.results).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Query result files are short-lived copies of lake data; Athena query history and CloudTrail already record who ran which query.',
    });
    Validations.of(failedTransforms).acknowledge(
      { id: 'AwsSolutions-SQS3', reason: 'This queue is itself the on-failure destination of the transform.' },
      { id: 'Serverless-SQSRedrivePolicy', reason: 'This queue is itself the on-failure destination; events wait 14 days for inspection.' },
    );
    Validations.of(transform).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'An on-failure destination to the FailedTransforms queue replaces the legacy function DLQ and also records the error.',
    });
    const logicalId = (bucket: { node: { defaultChild?: unknown } }) => this.getLogicalId(bucket.node.defaultChild as CfnBucket);
    Validations.of(role).acknowledge(
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray trace segments cannot be scoped to a resource.' },
      {
        id: `AwsSolutions-IAM5[Resource::<${logicalId(zones.raw)}.Arn>/${RAW_PREFIX}*]`,
        reason: 'The transform reads whichever upload it is notified of; the wildcard is limited to objects under incoming/ in the raw bucket.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${logicalId(zones.curated)}.Arn>/${CURATED_PREFIX}*]`,
        reason: 'Curated object keys are derived from each upload and its event days; the wildcard is limited to the table location.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${logicalId(zones.curated)}.Arn>/${QUARANTINE_PREFIX}*]`,
        reason: 'Quarantine object keys are derived from each upload; the wildcard is limited to the quarantine prefix.',
      },
    );
    // Created by CDK to apply the bucket's notification configuration during deployment.
    const notificationsHandler = this.node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
    if (notificationsHandler) {
      Validations.of(notificationsHandler).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'The helper function is written by CDK and runs only while CloudFormation applies the bucket notification; its S3 permission is scoped to this bucket.',
      });
    }
  }
}

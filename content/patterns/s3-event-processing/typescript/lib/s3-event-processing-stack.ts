import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Match, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { RESULTS_PREFIX, UPLOAD_PREFIX, acknowledgeFindings } from './acknowledgements';

export { RESULTS_PREFIX, UPLOAD_PREFIX };
import { MAP_SETTINGS, largeFileWorkflow } from './large-file-workflow';
import { Operations } from './operations';

/** Objects smaller than this go to one Lambda invocation; this size and above go to the Distributed Map. */
export const SMALL_FILE_LIMIT_BYTES = 5 * 1024 * 1024;

export class S3EventProcessingStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const ops = new Operations(this);

    const bucket = new Bucket(this, 'Uploads', {
      // S3 sends every object-level event to the account's default event bus; the rules below pick theirs.
      eventBridgeEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [
        { id: 'ExpireMapResults', prefix: RESULTS_PREFIX, expiration: Duration.days(30) },
        { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      // Demo data: `cdk destroy` empties and deletes the bucket.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    const totals = new TableV2(this, 'UploadTotals', {
      partitionKey: { name: 'uploadId', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // The layout Powertools idempotency expects: key "id", and DynamoDB TTL on "expiration".
    const idempotency = new TableV2(this, 'IdempotencyRecords', {
      partitionKey: { name: 'id', type: AttributeType.STRING },
      timeToLiveAttribute: 'expiration',
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const failureQueue = (queueId: string) =>
      new Queue(this, queueId, { retentionPeriod: Duration.days(14), encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true });
    const smallFileFailures = failureQueue('SmallFileFailures');
    const largeFileFailures = failureQueue('LargeFileFailures');

    const environment = { TOTALS_TABLE_NAME: totals.tableName, IDEMPOTENCY_TABLE_NAME: idempotency.tableName };
    const smallFileProcessor = this.processor('SmallFileProcessor', 'small-file-processor.ts', {
      description: 'Tallies one small CSV upload into its totals, once per upload.',
      memorySize: 1024,
      timeout: Duration.seconds(60),
      environment,
      // EventBridge invokes asynchronously: two more tries, then the event and its error go to SmallFileFailures.
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: new SqsDestination(smallFileFailures),
    });
    smallFileProcessor.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(`${UPLOAD_PREFIX}*`)] }));

    const batchProcessor = this.processor('BatchProcessor', 'batch-processor.ts', {
      description: 'Tallies one batch of rows of a large CSV upload into its totals, once per batch.',
      memorySize: 256,
      timeout: Duration.seconds(30),
      environment,
    });

    for (const fn of [smallFileProcessor, batchProcessor]) {
      totals.grant(fn, 'dynamodb:UpdateItem');
      idempotency.grant(fn, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');
    }

    const { stateMachine } = largeFileWorkflow(this, {
      bucket,
      uploadPrefix: UPLOAD_PREFIX,
      resultsPrefix: RESULTS_PREFIX,
      totals,
      batchProcessor,
    });

    const uploadsOf = (size: string[]) => ({
      detail: { bucket: { name: [bucket.bucketName] }, object: { key: Match.wildcard(`${UPLOAD_PREFIX}*.csv`), size } },
      detailType: ['Object Created'],
      source: ['aws.s3'],
    });
    // EventBridge retries delivery for up to two hours; what still cannot be delivered lands in the queue.
    const delivery = { retryAttempts: 8, maxEventAge: Duration.hours(2) };
    new Rule(this, 'SmallFileRule', {
      description: `CSV uploads under ${UPLOAD_PREFIX} smaller than ${SMALL_FILE_LIMIT_BYTES} bytes go to the SmallFileProcessor.`,
      eventPattern: uploadsOf(Match.lessThan(SMALL_FILE_LIMIT_BYTES)),
      targets: [new LambdaFunction(smallFileProcessor, { deadLetterQueue: smallFileFailures, ...delivery })],
    });
    new Rule(this, 'LargeFileRule', {
      description: `CSV uploads under ${UPLOAD_PREFIX} of ${SMALL_FILE_LIMIT_BYTES} bytes or more go to the LargeFileWorkflow.`,
      eventPattern: uploadsOf(Match.greaterThanOrEqual(SMALL_FILE_LIMIT_BYTES)),
      targets: [new SfnStateMachine(stateMachine, { deadLetterQueue: largeFileFailures, ...delivery })],
    });

    // --- Alarms: each place an upload can end up instead of its totals tells someone. ---
    ops.queueNotEmpty('SmallFileFailuresAlarm', smallFileFailures,
      'A small upload was not processed: EventBridge could not invoke the SmallFileProcessor, or it failed three times. Read the message in SmallFileFailures for the object and the error, fix the cause, then copy the object again.');
    ops.queueNotEmpty('LargeFileFailuresAlarm', largeFileFailures,
      'EventBridge could not start the LargeFileWorkflow for a large upload. Read the event in LargeFileFailures for the object and the error, then copy the object again.');
    ops.anyInFiveMinutes('SmallFileProcessorErrorsAlarm', smallFileProcessor.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
      'The SmallFileProcessor failed on an upload; Lambda retries it twice before it goes to SmallFileFailures. Check its log group.');
    ops.anyInFiveMinutes('LargeFileWorkflowFailedAlarm', stateMachine.metricFailed({ statistic: 'Sum', period: Duration.minutes(5) }),
      'A large upload failed: more than 5% of its rows were in failed batches, or a step failed. Open the execution, read the failed batches in its Map Run, fix the cause, then redrive the execution.');
    ops.anyInFiveMinutes('LargeFileWorkflowTimedOutAlarm', stateMachine.metricTimedOut({ statistic: 'Sum', period: Duration.minutes(5) }),
      'A large upload ran past the two-hour workflow timeout. Redrive the execution to finish the remaining batches, or raise maxConcurrency.');
    ops.anyInFiveMinutes('BatchFailuresAlarm', new Metric({
      namespace: 'AWS/States',
      metricName: 'ExecutionsFailed',
      dimensionsMap: { StateMachineArn: `${stateMachine.stateMachineArn}/${MAP_SETTINGS.label}` },
      statistic: 'Sum',
      period: Duration.minutes(5),
    }), 'A batch of a large upload failed after three tries; its rows are not in the totals. The Map Run lists it, and its FAILED results file under map-results/ holds the rows.');

    new CfnOutput(this, 'BucketName', { value: bucket.bucketName, description: `Upload .csv files under ${UPLOAD_PREFIX}.` });
    new CfnOutput(this, 'TotalsTableName', { value: totals.tableName });
    new CfnOutput(this, 'StateMachineArn', { value: stateMachine.stateMachineArn });
    new CfnOutput(this, 'SmallFileProcessorName', { value: smallFileProcessor.functionName });
    new CfnOutput(this, 'SmallFileProcessorLogGroup', { value: smallFileProcessor.logGroup.logGroupName });
    new CfnOutput(this, 'SmallFileFailuresUrl', { value: smallFileFailures.queueUrl });
    new CfnOutput(this, 'LargeFileFailuresUrl', { value: largeFileFailures.queueUrl });
    new CfnOutput(this, 'AlarmTopicArn', { value: ops.topic.topicArn });

    acknowledgeFindings(this, { bucket, smallFileFailures, largeFileFailures, smallFileProcessor, batchProcessor, stateMachine });
  }

  /** A Node.js 24 function on arm64 with its own log group and its own role. */
  private processor(id: string, entry: string, props: NodejsFunctionProps): NodejsFunction {
    const logGroup = new LogGroup(this, `${id}Logs`, { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    // An explicit role instead of the AWS managed basic-execution policy, whose
    // log permissions reach every log group in the account.
    const role = new Role(this, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${id}: ${props.description}`,
    });
    logGroup.grantWrite(role);
    return new NodejsFunction(this, id, {
      role,
      entry: path.join(__dirname, '..', 'lambda', entry),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      bundling: { minify: true, sourceMap: true },
      ...props,
    });
  }
}

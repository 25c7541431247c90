import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  Peer,
  Port,
  SecurityGroup,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import {
  Cluster,
  ContainerImage,
  ContainerInsights,
  CpuArchitecture,
  FargateTaskDefinition,
  LogDrivers,
  OperatingSystemFamily,
} from 'aws-cdk-lib/aws-ecs';
import { EventBus, Match, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination as LambdaSqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, type CfnBucket, BucketEncryption, EventType } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  EXTRACT_SOURCE,
  ROW_EXTRACTED,
  ROW_TRANSFORMED,
  SOURCE_PREFIX,
  TASK_STARTED_BY,
  TRANSFORM_SOURCE,
} from '../lambda/pipeline-events';
import { Operations } from './operations';

/**
 * The throttles. Every step of the pipeline is capped so that one large file, or a hundred
 * small ones, turns into a longer run rather than a spike the account or the table must absorb.
 */
export const THROTTLE = {
  /** Extract tasks allowed to run at once; further files wait on the upload queue. */
  maxRunningTasks: 2,
  /** Rate at which one extract task publishes row events. */
  maxEventsPerSecond: 20,
  /** The SQS event source's maximum concurrency: at most this many Extractor invocations at once. */
  extractorPollers: 2,
} as const;

/**
 * Reserved concurrency for the four functions, only when asked for with `-c reservedConcurrency=N`.
 * A new account's concurrency quota can be as low as 10 and Lambda always keeps 100 unreserved,
 * so reserving by default would make the first deploy fail there.
 */
export function reservedConcurrency(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`reservedConcurrency must be a whole number of at least 1, got ${String(value)}`);
  return n;
}

const EXTRACTOR_TIMEOUT = Duration.seconds(30);

export class TheEventbridgeEtlStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const reserved = reservedConcurrency(this.node.tryGetContext('reservedConcurrency'));
    const ops = new Operations(this, 'Operations');

    // --- Landing: a CSV in the bucket becomes a message on the upload queue. ---

    const bucket = new Bucket(this, 'LandingBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Empty the bucket before `cdk destroy`; an auto-delete custom resource would add a function and a role.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const uploadDlq = new Queue(this, 'UploadDlq', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    const uploadQueue = new Queue(this, 'UploadQueue', {
      // Six times the function timeout, as AWS recommends for SQS event sources.
      visibilityTimeout: Duration.seconds(EXTRACTOR_TIMEOUT.toSeconds() * 6),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // A file that finds every task slot busy is retried after each visibility timeout; ten
      // receives let it wait about half an hour before it is parked for a redrive.
      deadLetterQueue: { queue: uploadDlq, maxReceiveCount: 10 },
    });
    bucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(uploadQueue), { suffix: '.csv' });

    // --- The event bus every step publishes to, and the queue for what it cannot deliver. ---

    const bus = new EventBus(this, 'EtlBus', { description: 'Row events of the EventBridge ETL pipeline.' });

    const failedEvents = new Queue(this, 'FailedEvents', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });

    // --- Extract: a Fargate task per file, in a VPC without NAT gateways. ---

    const flowLogs = new LogGroup(this, 'VpcFlowLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      // Tasks get a public address instead; a NAT gateway would cost more at rest than the whole pipeline.
      natGateways: 0,
      subnetConfiguration: [{ name: 'Tasks', subnetType: SubnetType.PUBLIC, cidrMask: 24 }],
      // Free, and keeps the S3 reads on the AWS network.
      gatewayEndpoints: { S3: { service: GatewayVpcEndpointAwsService.S3 } },
      flowLogs: {
        Rejected: { destination: FlowLogDestination.toCloudWatchLogs(flowLogs), trafficType: FlowLogTrafficType.REJECT },
      },
    });

    const taskSecurityGroup = new SecurityGroup(this, 'TaskSecurityGroup', {
      vpc,
      description: 'Extract tasks: no inbound traffic, HTTPS out to S3, ECR, CloudWatch Logs and EventBridge.',
      allowAllOutbound: false,
    });
    taskSecurityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'HTTPS to AWS APIs');

    const cluster = new Cluster(this, 'Cluster', { vpc, containerInsightsV2: ContainerInsights.ENABLED });

    const taskLogs = new LogGroup(this, 'ExtractTaskLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const taskDefinition = new FargateTaskDefinition(this, 'ExtractTask', {
      cpu: 256,
      memoryLimitMiB: 512,
      runtimePlatform: { cpuArchitecture: CpuArchitecture.ARM64, operatingSystemFamily: OperatingSystemFamily.LINUX },
    });
    const container = taskDefinition.addContainer('Extract', {
      // Synth only stages the folder; `cdk deploy` builds the image with Docker and pushes it.
      image: ContainerImage.fromAsset(path.join(__dirname, '..', 'task'), { platform: Platform.LINUX_ARM64 }),
      logging: LogDrivers.awsLogs({ logGroup: taskLogs, streamPrefix: 'extract' }),
      readonlyRootFilesystem: true,
    });
    // The task may read CSV objects from this bucket and publish to this bus, nothing more.
    taskDefinition.addToTaskRolePolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('*.csv')] }),
    );
    bus.grantPutEventsTo(taskDefinition.taskRole);

    const extractor = this.pipelineFunction(reserved, 'Extractor', 'extractor.ts', {
      description: 'Starts one extract task per CSV file, while fewer than the allowed number are running.',
      timeout: EXTRACTOR_TIMEOUT,
      environment: {
        CLUSTER_ARN: cluster.clusterArn,
        TASK_DEFINITION_ARN: taskDefinition.taskDefinitionArn,
        TASK_FAMILY: taskDefinition.family,
        CONTAINER_NAME: container.containerName,
        SUBNET_IDS: vpc.publicSubnets.map((s) => s.subnetId).join(','),
        SECURITY_GROUP_ID: taskSecurityGroup.securityGroupId,
        EVENT_BUS_NAME: bus.eventBusName,
        MAX_RUNNING_TASKS: String(THROTTLE.maxRunningTasks),
        MAX_EVENTS_PER_SECOND: String(THROTTLE.maxEventsPerSecond),
      },
    });
    const onThisCluster = { ArnEquals: { 'ecs:cluster': cluster.clusterArn } };
    extractor.addToRolePolicy(
      new PolicyStatement({ actions: ['ecs:RunTask'], resources: [taskDefinition.taskDefinitionArn], conditions: onThisCluster }),
    );
    // ListTasks has no resource to name; the condition keeps it to this cluster.
    extractor.addToRolePolicy(new PolicyStatement({ actions: ['ecs:ListTasks'], resources: ['*'], conditions: onThisCluster }));
    extractor.addToRolePolicy(
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [taskDefinition.taskRole.roleArn, taskDefinition.obtainExecutionRole().roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
    );
    extractor.addEventSource(
      new SqsEventSource(uploadQueue, {
        // One file per invocation, so a busy slot only puts that one file back on the queue.
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: THROTTLE.extractorPollers,
      }),
    );

    // --- Transform and load: one rule and one function each. ---

    const asyncFailures = {
      retryAttempts: 2,
      // Throttled invocations wait in Lambda's own queue for up to this long instead of being dropped.
      maxEventAge: Duration.hours(6),
      onFailure: new LambdaSqsDestination(failedEvents),
    };

    const transformer = this.pipelineFunction(reserved, 'Transformer', 'transformer.ts', {
      description: 'Validates one extracted row and publishes it as RowTransformed or RowRejected.',
      environment: { EVENT_BUS_NAME: bus.eventBusName },
      ...asyncFailures,
    });
    bus.grantPutEventsTo(transformer);

    const orders = new TableV2(this, 'Orders', {
      partitionKey: { name: 'orderId', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const loader = this.pipelineFunction(reserved, 'Loader', 'loader.ts', {
      description: 'Writes one transformed order into the Orders table.',
      environment: { ORDERS_TABLE_NAME: orders.tableName },
      ...asyncFailures,
    });
    orders.grant(loader, 'dynamodb:PutItem');

    const observer = this.pipelineFunction(reserved, 'Observer', 'observer.ts', {
      description: 'Logs every event on the ETL bus as one JSON line.',
      ...asyncFailures,
    });

    const target = (fn: NodejsFunction) =>
      new LambdaFunction(fn, { deadLetterQueue: failedEvents, retryAttempts: 8, maxEventAge: Duration.hours(2) });

    new Rule(this, 'TransformRule', {
      eventBus: bus,
      description: 'Every extracted row goes to the Transformer.',
      eventPattern: { source: [EXTRACT_SOURCE], detailType: [ROW_EXTRACTED] },
      targets: [target(transformer)],
    });
    new Rule(this, 'LoadRule', {
      eventBus: bus,
      description: 'Every valid, transformed row goes to the Loader.',
      eventPattern: { source: [TRANSFORM_SOURCE], detailType: [ROW_TRANSFORMED] },
      targets: [target(loader)],
    });
    new Rule(this, 'ObserveRule', {
      eventBus: bus,
      description: 'Every event of the pipeline, whatever its type, goes to the Observer.',
      eventPattern: { source: Match.prefix(SOURCE_PREFIX) },
      targets: [target(observer)],
    });

    // --- A task that dies mid-file: ECS reports it on the default bus, and the report lands in a queue. ---

    // Rows published before the task stopped stay published; the rest of the file is not read.
    // The stop event carries the container overrides, so it names the bucket and key to upload again.
    const failedExtracts = new Queue(this, 'FailedExtracts', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    new Rule(this, 'ExtractFailedRule', {
      description: 'An extract task that stopped with a non-zero exit code, or never started, is reported to FailedExtracts.',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: {
          clusterArn: [cluster.clusterArn],
          startedBy: [TASK_STARTED_BY],
          lastStatus: ['STOPPED'],
          $or: [{ stopCode: ['TaskFailedToStart'] }, { containers: { exitCode: [{ 'anything-but': 0 }] } }],
        },
      },
      targets: [new SqsQueue(failedExtracts, { deadLetterQueue: failedEvents, retryAttempts: 8, maxEventAge: Duration.hours(2) })],
    });

    // --- Alarms: every place a file or a row can end up instead of the table notifies one topic. ---

    ops.queueNotEmpty('UploadDlqAlarm', uploadDlq,
      'A file could not start an extract task after 10 tries. Check the Extractor log for the reason, then redrive UploadDlq to UploadQueue.');
    ops.queueNotEmpty('FailedEventsAlarm', failedEvents,
      'Row events were not delivered or a function failed on them after its retries. Read the messages in FailedEvents for the error and the row, fix the cause, then replay them.');
    ops.queueNotEmpty('FailedExtractsAlarm', failedExtracts,
      'An extract task stopped before finishing its file. Read the stop event in FailedExtracts for the reason and the SOURCE_KEY, then copy the file to the bucket again; the loader overwrites rows already loaded.');
    ops.functionErrors('ExtractorErrorsAlarm', extractor,
      'The Extractor failed outright; its messages return to UploadQueue and may reach UploadDlq. Check its log.');
    ops.functionErrors('TransformerErrorsAlarm', transformer,
      'The Transformer failed on rows; they are retried twice and then parked in FailedEvents. Check its log.');
    ops.functionErrors('LoaderErrorsAlarm', loader,
      'The Loader failed to write rows; they are retried twice and then parked in FailedEvents. Check its log and the table.');
    ops.functionErrors('ObserverErrorsAlarm', observer,
      'The Observer failed to log events; they are retried twice and then parked in FailedEvents. Check its log.');

    new CfnOutput(this, 'BucketName', { value: bucket.bucketName, description: 'Upload .csv files here.' });
    new CfnOutput(this, 'TableName', { value: orders.tableName });
    new CfnOutput(this, 'ClusterName', { value: cluster.clusterName });
    new CfnOutput(this, 'ExtractTaskLogGroup', { value: taskLogs.logGroupName });
    new CfnOutput(this, 'ObserverLogGroup', { value: observer.logGroup.logGroupName });
    new CfnOutput(this, 'UploadDlqUrl', { value: uploadDlq.queueUrl });
    new CfnOutput(this, 'FailedEventsQueueUrl', { value: failedEvents.queueUrl });
    new CfnOutput(this, 'FailedExtractsQueueUrl', { value: failedExtracts.queueUrl });

    this.acknowledgeFindings({ bucket, uploadDlq, failedEvents, failedExtracts, extractor, taskDefinition, functions: [transformer, loader, observer] });
  }

  /** A Node.js 24 function on arm64 with its own log group, its own role and, if asked for, reserved concurrency. */
  private pipelineFunction(reserved: number | undefined, id: string, entry: string, props: NodejsFunctionProps): NodejsFunction {
    const logGroup = new LogGroup(this, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An explicit role instead of the AWS managed basic-execution policy, whose
    // log permissions reach every log group in the account.
    const role = new Role(this, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${id}: ${props.description}`,
    });
    logGroup.grantWrite(role);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; for the Extractor, ecs:ListTasks has no resource ARN either and a condition pins it to this cluster.',
    });
    return new NodejsFunction(this, id, {
      role,
      entry: path.join(__dirname, '..', 'lambda', entry),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      reservedConcurrentExecutions: reserved,
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      bundling: { minify: true, sourceMap: true },
      ...props,
    });
  }

  private acknowledgeFindings(r: {
    bucket: Bucket;
    uploadDlq: Queue;
    failedEvents: Queue;
    failedExtracts: Queue;
    extractor: NodejsFunction;
    taskDefinition: FargateTaskDefinition;
    functions: NodejsFunction[];
  }): void {
    Validations.of(r.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Uploads are already recorded by the S3 notification and the Extractor log; server access logs would need a second bucket.',
    });
    Validations.of(r.failedExtracts).acknowledge(
      { id: 'AwsSolutions-SQS3', reason: 'This queue only collects stop events of failed extract tasks; nothing consumes it, so there is nothing to redrive from it.' },
      { id: 'Serverless-SQSRedrivePolicy', reason: 'Nothing consumes this queue; an operator reads the stop events, which wait 14 days.' },
    );
    for (const dlq of [r.uploadDlq, r.failedEvents]) {
      Validations.of(dlq).acknowledge(
        { id: 'AwsSolutions-SQS3', reason: 'This queue is itself a dead-letter queue.' },
        { id: 'Serverless-SQSRedrivePolicy', reason: 'This queue is itself a dead-letter queue; messages wait here for inspection and redrive.' },
      );
    }
    Validations.of(r.extractor).acknowledge(
      {
        id: 'Serverless-LambdaDLQ',
        reason: 'Only the SQS event source invokes the Extractor; files that cannot start a task reach UploadDlq through the queue redrive policy.',
      },
      {
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason: 'Lambda does not support on-failure destinations for SQS event sources; the redrive policy to UploadDlq plays that role.',
      },
    );
    for (const fn of r.functions) {
      Validations.of(fn).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason: 'Failed asynchronous invocations go to FailedEvents through an on-failure destination, which keeps the error and the original event together.',
      });
    }
    Validations.of(r.taskDefinition.obtainExecutionRole()).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ecr:GetAuthorizationToken, which the execution role needs to pull the image, cannot be scoped to a repository.',
    });
    Validations.of(r.taskDefinition.taskRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(r.bucket.node.defaultChild as CfnBucket)}.Arn>/*.csv]`,
      reason: 'The task reads whichever CSV file it is told to; the wildcard is limited to .csv objects in the landing bucket.',
    });
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

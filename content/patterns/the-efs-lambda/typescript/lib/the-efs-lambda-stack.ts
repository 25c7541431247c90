import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { type CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { FlowLogDestination, FlowLogTrafficType, SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { AccessPoint, FileSystem, PerformanceMode, ThroughputMode } from 'aws-cdk-lib/aws-efs';
import { AnyPrincipal, Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, FileSystem as LambdaFileSystem, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

/** Where Lambda mounts the access point inside the function's file system. */
export const MOUNT_PATH = '/mnt/msg';
/** Files on EFS belong to this POSIX user, whoever the caller is. */
export const APP_UID = '1001';

export class TheEfsLambdaStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // The function only talks NFS to EFS inside the VPC, so isolated subnets are
    // enough: no internet gateway, no NAT gateway, no endpoints to pay for.
    const vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Isolated', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    });
    const isolated = { subnetType: SubnetType.PRIVATE_ISOLATED };
    vpc.addFlowLog('RejectedTraffic', {
      trafficType: FlowLogTrafficType.REJECT,
      destination: FlowLogDestination.toCloudWatchLogs(
        new LogGroup(this, 'FlowLogs', { retention: RetentionDays.ONE_WEEK, removalPolicy: RemovalPolicy.DESTROY }),
      ),
    });

    const functionSg = new SecurityGroup(this, 'FunctionSg', {
      vpc,
      allowAllOutbound: false,
      description: 'Message wall function: may only reach the EFS mount targets over NFS',
    });
    const fileSystemSg = new SecurityGroup(this, 'FileSystemSg', {
      vpc,
      allowAllOutbound: false,
      description: 'EFS mount targets: accept NFS from the message wall function only',
    });

    const logs = new LogGroup(this, 'MessageWallLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, 'MessageWallRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Message wall: own logs, ENIs in the VPC, mount and write through one EFS access point.',
    });
    logs.grantWrite(role);
    // What the AWS managed VPC access policy would grant, minus its log permissions.
    role.addToPolicy(
      new PolicyStatement({
        actions: [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        resources: ['*'],
      }),
    );

    const sharedFiles = new FileSystem(this, 'SharedFiles', {
      vpc,
      vpcSubnets: isolated,
      securityGroup: fileSystemSg,
      encrypted: true,
      performanceMode: PerformanceMode.GENERAL_PURPOSE,
      // Bursting has no per-GB I/O charge. Elastic would meter each read of a tiny
      // message file as at least 32 KiB, which adds up when every list reads dozens.
      throughputMode: ThroughputMode.BURSTING,
      enableAutomaticBackups: true,
      removalPolicy: RemovalPolicy.DESTROY,
      // CDK's own "no anonymous access" statement would let any IAM principal that
      // reaches a mount target write as root. The policy below is narrower and, being
      // a policy, already refuses anonymous NFS clients, so that statement is left out.
      allowAnonymousAccess: true,
      fileSystemPolicy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            principals: [role],
            actions: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
            conditions: { Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true' } },
          }),
          new PolicyStatement({
            effect: Effect.DENY,
            principals: [new AnyPrincipal()],
            actions: ['*'],
            conditions: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ],
      }),
    });

    // Every request is mapped to one POSIX user and confined to /messages, which
    // EFS creates with these owners and permissions the first time it is used.
    const messagesAccessPoint = new AccessPoint(this, 'MessagesAccessPoint', {
      fileSystem: sharedFiles,
      path: '/messages',
      posixUser: { uid: APP_UID, gid: APP_UID },
      createAcl: { ownerUid: APP_UID, ownerGid: APP_UID, permissions: '750' },
    });

    const messageWall = new NodejsFunction(this, 'MessageWall', {
      role,
      entry: path.join(__dirname, '..', 'lambda', 'message-wall.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup: logs,
      vpc,
      vpcSubnets: isolated,
      securityGroups: [functionSg],
      // Also adds ClientMount (for this access point only) and ClientWrite to the role,
      // opens NFS (2049) from functionSg to fileSystemSg, and waits for the mount targets.
      filesystem: LambdaFileSystem.fromEfsAccessPoint(messagesAccessPoint, MOUNT_PATH),
      environment: { MESSAGE_DIR: MOUNT_PATH },
      bundling: { minify: true, sourceMap: true },
    });

    const api = new HttpApi(this, 'Api', { description: 'A message wall kept on EFS.' });
    const integration = new HttpLambdaIntegration('MessageWallIntegration', messageWall);
    // Anyone may read and post; wiping the wall takes a request signed with AWS credentials
    // (execute-api:Invoke in the caller's account), which API Gateway checks before Lambda runs.
    api.addRoutes({ path: '/messages', methods: [HttpMethod.GET, HttpMethod.POST], integration });
    api.addRoutes({ path: '/messages', methods: [HttpMethod.DELETE], integration, authorizer: new HttpIamAuthorizer() });

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = api.defaultStage?.node.defaultChild as CfnStage;
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        routeKey: '$context.routeKey',
        status: '$context.status',
        latencyMs: '$context.responseLatency',
      }),
    };
    stage.defaultRouteSettings = { throttlingBurstLimit: 20, throttlingRateLimit: 50 };

    // Operations: one topic for every alarm.
    const alarmTopic = new Topic(this, 'AlarmTopic', { enforceSSL: true, displayName: 'The EFS Lambda alarms' });
    const alarmEmail = this.node.tryGetContext('alarmEmail') as string | undefined;
    if (alarmEmail) {
      Validations.of(alarmTopic.addSubscription(new EmailSubscription(alarmEmail))).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }
    const notify = new SnsAction(alarmTopic);
    // File system failures become a 500 from the handler, which Lambda's Errors metric does
    // not count; the API's 5xx count sees those as well as crashes and timeouts.
    new Alarm(this, 'ApiServerErrorsAlarm', {
      metric: api.metricServerError({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'The message wall answered 5xx. Read the MessageWall function log: a failed mount, an EFS permission error or a timeout while the file system throttles.',
    }).addAlarmAction(notify);
    new Alarm(this, 'MessageWallErrorsAlarm', {
      metric: messageWall.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'The MessageWall function crashed or timed out. Check its log; timeouts after a burst often mean the file system has spent its burst credits.',
    }).addAlarmAction(notify);

    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn, description: 'Alarms notify this topic.' });
    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint, description: 'GET, POST and DELETE /messages under this URL.' });
    new CfnOutput(this, 'FileSystemId', { value: sharedFiles.fileSystemId });
    new CfnOutput(this, 'AccessPointId', { value: messagesAccessPoint.accessPointId });

    Validations.of(alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, a customer managed key would cost $1 a month, and the notifications carry only alarm names and states.',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'Reading and posting are a public demo, throttled and validated; DELETE requires IAM. Add a JWT authorizer before real use.',
    });
    Validations.of(messageWall).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'API Gateway invokes the function synchronously and receives its errors; a DLQ only catches async invokes.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'VPC network interface actions and X-Ray segments take no narrower resource; ClientMount is limited to one access point by condition.',
    });
  }
}

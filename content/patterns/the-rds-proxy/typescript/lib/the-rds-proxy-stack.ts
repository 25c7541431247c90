import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { CfnBudget } from 'aws-cdk-lib/aws-budgets';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { type CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  InstanceClass,
  InstanceSize,
  InstanceType,
  InterfaceVpcEndpointAwsService,
  Port,
  SecurityGroup,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { AnyPrincipal, Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Credentials,
  DatabaseInstance,
  DatabaseInstanceEngine,
  DatabaseProxy,
  DatabaseSecret,
  MysqlEngineVersion,
  ProxyTarget,
  StorageType,
} from 'aws-cdk-lib/aws-rds';
import type { Construct } from 'constructs';

const DB_USER = 'admin';
const DB_NAME = 'guestbook';
/** Default monthly limit of the RDS cost budget, in US dollars; override with -c monthlyBudgetUsd=... */
const DEFAULT_MONTHLY_BUDGET_USD = 60;

export class TheRdsProxyStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Isolated subnets only: no internet gateway, no NAT gateway. Nothing in here
    // needs the internet, and the one AWS API the proxy calls gets an endpoint below.
    const vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Isolated', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    });
    const isolated = { subnetType: SubnetType.PRIVATE_ISOLATED };
    // Rejected packets only: cheap, and exactly what shows a security group doing its job.
    vpc.addFlowLog('RejectedTraffic', {
      trafficType: FlowLogTrafficType.REJECT,
      destination: FlowLogDestination.toCloudWatchLogs(
        new LogGroup(this, 'FlowLogs', { retention: RetentionDays.ONE_WEEK, removalPolicy: RemovalPolicy.DESTROY }),
      ),
    });

    // Every group starts closed in both directions; the rules below open one hop each.
    const group = (groupId: string, description: string) =>
      new SecurityGroup(this, groupId, { vpc, description, allowAllOutbound: false });
    const functionSg = group('FunctionSg', 'Guestbook function: may only open MySQL connections to the proxy');
    const proxySg = group('ProxySg', 'RDS Proxy: accepts the function, talks to the database and Secrets Manager');
    const databaseSg = group('DatabaseSg', 'MySQL instance: accepts connections from the proxy only');
    const endpointSg = group('EndpointSg', 'Secrets Manager endpoint: accepts HTTPS from the proxy only');

    const secret = new DatabaseSecret(this, 'DatabaseSecret', { username: DB_USER });

    const database = new DatabaseInstance(this, 'Database', {
      // MySQL 8.4 is the long-term-support line. CloudFormation accepts only full versions, so the
      // minor is pinned here and RDS must not move it behind the template's back: with automatic
      // minor upgrades on, the next deploy would ask for the older version and fail. Upgrade by
      // raising this constant and deploying (MySQL restarts once during that deploy).
      engine: DatabaseInstanceEngine.mysql({ version: MysqlEngineVersion.VER_8_4_10 }),
      autoMinorVersionUpgrade: false,
      instanceType: InstanceType.of(InstanceClass.T4G, InstanceSize.MICRO),
      vpc,
      vpcSubnets: isolated,
      securityGroups: [databaseSg],
      credentials: Credentials.fromSecret(secret),
      databaseName: DB_NAME,
      allocatedStorage: 20,
      storageType: StorageType.GP3,
      storageEncrypted: true,
      publiclyAccessible: false,
      multiAz: false,
      backupRetention: Duration.days(1),
      deletionProtection: false,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const proxy = new DatabaseProxy(this, 'Proxy', {
      proxyTarget: ProxyTarget.fromInstance(database),
      // Proxy names are unique per account and region; the construct id alone would clash.
      dbProxyName: `${this.stackName.toLowerCase()}-guestbook`,
      secrets: [secret],
      vpc,
      vpcSubnets: isolated,
      securityGroups: [proxySg],
      // Clients must present an IAM token over TLS; the password stays between the proxy and MySQL.
      iamAuth: true,
      requireTLS: true,
      // However many functions run, the proxy opens at most 75% of max_connections and
      // makes extra callers wait up to 5 seconds for a free one instead of failing at once.
      maxConnectionsPercent: 75,
      maxIdleConnectionsPercent: 25,
      borrowTimeout: Duration.seconds(5),
    });

    const secretsEndpoint = vpc.addInterfaceEndpoint('SecretsManagerEndpoint', {
      service: InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      subnets: isolated,
      securityGroups: [endpointSg],
      open: false,
      privateDnsEnabled: true,
    });
    // Through this endpoint nobody can do more than read this one secret.
    secretsEndpoint.addToPolicy(
      new PolicyStatement({
        principals: [new AnyPrincipal()],
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: [secret.secretArn],
      }),
    );

    const functionLogs = new LogGroup(this, 'GuestbookLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, 'GuestbookRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Guestbook: own logs, ENIs in the VPC, rds-db:connect to the proxy as one user.',
    });
    functionLogs.grantWrite(role);
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

    const guestbook = new NodejsFunction(this, 'Guestbook', {
      role,
      entry: path.join(__dirname, '..', 'lambda', 'handler.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup: functionLogs,
      vpc,
      vpcSubnets: isolated,
      securityGroups: [functionSg],
      environment: { PROXY_ENDPOINT: proxy.endpoint, DB_USER, DB_NAME },
      // @aws-sdk/rds-signer is not part of the Lambda runtime, so bundle the SDK pieces too.
      bundling: { minify: true, sourceMap: true, bundleAwsSDK: true },
    });
    // Scoped to this proxy and this database user: the token is useless anywhere else.
    proxy.grantConnect(role, DB_USER);

    // The only three network paths in the stack. The third, proxy to MySQL on the
    // database port, is opened by DatabaseProxy itself when it targets the instance.
    proxySg.connections.allowFrom(functionSg, Port.tcp(3306), 'Guestbook function to RDS Proxy');
    endpointSg.connections.allowFrom(proxySg, Port.tcp(443), 'RDS Proxy to Secrets Manager');

    const api = new HttpApi(this, 'Api', { description: 'Guestbook backed by MySQL through RDS Proxy.' });
    const integration = new HttpLambdaIntegration('GuestbookIntegration', guestbook);
    api.addRoutes({ path: '/entries', methods: [HttpMethod.GET, HttpMethod.POST], integration });

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
        integrationLatencyMs: '$context.integrationLatency',
      }),
    };
    stage.defaultRouteSettings = { throttlingBurstLimit: 50, throttlingRateLimit: 100 };

    // Operations: one topic for every alarm and for the cost budget.
    const alarmTopic = new Topic(this, 'AlarmTopic', { enforceSSL: true, displayName: 'The RDS Proxy alarms' });
    const alarmEmail = this.node.tryGetContext('alarmEmail') as string | undefined;
    if (alarmEmail) {
      Validations.of(alarmTopic.addSubscription(new EmailSubscription(alarmEmail))).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }
    const notify = new SnsAction(alarmTopic);

    // The handler turns database failures into a 503, so Lambda's own Errors metric misses them;
    // the API's 5xx count catches both those and crashed or timed-out invocations.
    new Alarm(this, 'ApiServerErrorsAlarm', {
      metric: api.metricServerError({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'The guestbook API answered 5xx. Read the Guestbook function log for the real error: a database the proxy cannot reach, an unhealthy proxy target or a timeout.',
    }).addAlarmAction(notify);
    new Alarm(this, 'GuestbookErrorsAlarm', {
      metric: guestbook.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'The Guestbook function crashed or timed out. Check its log; a 10-second timeout usually means the proxy kept it waiting for a database connection.',
    }).addAlarmAction(notify);

    // The instance, the proxy and the endpoint bill every hour whether or not anyone calls the API.
    // This budget notifies the alarm topic when this month's RDS and VPC charges pass the limit.
    const monthlyBudgetUsd = Number(this.node.tryGetContext('monthlyBudgetUsd') ?? DEFAULT_MONTHLY_BUDGET_USD);
    if (!Number.isFinite(monthlyBudgetUsd) || monthlyBudgetUsd <= 0) {
      throw new Error(`monthlyBudgetUsd must be a positive number of US dollars, got ${String(this.node.tryGetContext('monthlyBudgetUsd'))}`);
    }
    alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowBudgetsToPublish',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('budgets.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [alarmTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    const budget = new CfnBudget(this, 'MonthlyCostBudget', {
      budget: {
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: monthlyBudgetUsd, unit: 'USD' },
        // The instance, its storage and the proxy bill under RDS; the interface endpoint under VPC.
        costFilters: { Service: ['Amazon Relational Database Service', 'Amazon Virtual Private Cloud'] },
      },
      notificationsWithSubscribers: [
        {
          notification: { notificationType: 'ACTUAL', comparisonOperator: 'GREATER_THAN', threshold: 100, thresholdType: 'PERCENTAGE' },
          subscribers: [{ subscriptionType: 'SNS', address: alarmTopic.topicArn }],
        },
        {
          notification: { notificationType: 'FORECASTED', comparisonOperator: 'GREATER_THAN', threshold: 100, thresholdType: 'PERCENTAGE' },
          subscribers: [{ subscriptionType: 'SNS', address: alarmTopic.topicArn }],
        },
      ],
    });
    // Budgets checks that it may publish before it accepts the subscriber.
    budget.node.addDependency(alarmTopic);

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint, description: 'POST and GET /entries under this URL.' });
    new CfnOutput(this, 'ProxyName', { value: proxy.dbProxyName });
    new CfnOutput(this, 'DatabaseId', { value: database.instanceIdentifier });
    new CfnOutput(this, 'SecretArn', { value: secret.secretArn });

    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn, description: 'Alarms and the RDS cost budget notify this topic.' });

    Validations.of(alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, a customer managed key would cost $1 a month, and the notifications carry only alarm names and states.',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'The guestbook is a public demo endpoint; put a JWT or IAM authorizer in front of it before real use.',
    });
    Validations.of(guestbook).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'API Gateway invokes the function synchronously and receives its errors; a DLQ only catches async invokes.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Lambda creates and removes its VPC network interfaces and sends X-Ray segments; none of these actions accept a narrower resource.',
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Only the proxy ever reads this password because clients sign in with IAM; rotation would add a rotation function and more VPC plumbing to a cost-minimised demo.',
    });
    Validations.of(database).acknowledge({
      id: 'AwsSolutions-RDS3',
      reason: 'Single-AZ keeps the demo cheap; turn on multiAz for production, and the proxy will then hide most of a failover from the function.',
    });
    Validations.of(database).acknowledge({
      id: 'AwsSolutions-RDS10',
      reason: 'The demo database is meant to disappear on cdk destroy; enable deletion protection for data you keep.',
    });
    Validations.of(database).acknowledge({
      id: 'AwsSolutions-RDS11',
      reason: 'Clients never see the database port: only the proxy security group may reach it, and RDS Proxy for MySQL listens on 3306 regardless.',
    });
  }
}

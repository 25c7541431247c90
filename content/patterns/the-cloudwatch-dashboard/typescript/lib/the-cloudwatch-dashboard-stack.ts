import * as path from 'node:path';
import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { type CfnStage, HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { ServiceMonitoring } from './service-monitoring';

const FUNCTION_TIMEOUT = Duration.seconds(5);

/**
 * Access-log line written by hand rather than with JSON.stringify so that status and
 * latency stay numbers: Logs Insights can then sort and compare them as numbers.
 */
const ACCESS_LOG_FORMAT =
  '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","method":"$context.httpMethod",' +
  '"path":"$context.path","status":$context.status,"latencyMs":$context.responseLatency}';

export class TheCloudwatchDashboardStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // --- The service being watched: HTTP API -> Lambda -> DynamoDB hit counter. ---

    const hits = new TableV2(this, 'Hits', {
      partitionKey: { name: 'path', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // A demo stack should leave nothing behind on `cdk destroy`.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const functionLogs = new LogGroup(this, 'HitCounterLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An explicit role instead of the AWS managed basic-execution policy, whose
    // log permissions reach every log group in the account.
    const role = new Role(this, 'HitCounterRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Hit counter: write its own logs and traces, add to the hits table.',
    });
    functionLogs.grantWrite(role);

    const hitCounter = new NodejsFunction(this, 'HitCounter', {
      role,
      entry: path.join(__dirname, '..', 'lambda', 'hit-counter.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: FUNCTION_TIMEOUT,
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup: functionLogs,
      environment: { HITS_TABLE_NAME: hits.tableName },
      bundling: { minify: true, sourceMap: true },
    });
    hits.grant(hitCounter, 'dynamodb:UpdateItem');

    const api = new HttpApi(this, 'Api', {
      description: 'Counts visits per path; watched by the CloudWatch dashboard.',
      defaultIntegration: new HttpLambdaIntegration('HitCounterIntegration', hitCounter),
    });

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = api.defaultStage?.node.defaultChild as CfnStage;
    stage.accessLogSettings = { destinationArn: accessLogs.logGroupArn, format: ACCESS_LOG_FORMAT };
    stage.defaultRouteSettings = { throttlingRateLimit: 100, throttlingBurstLimit: 50 };

    // --- Where alarms go. ---

    const alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'Hit counter alarms',
      enforceSSL: true,
    });
    // Optional: `npx cdk deploy -c alarmEmail=you@example.com` subscribes an address.
    const alarmEmail: unknown = this.node.tryGetContext('alarmEmail');
    if (typeof alarmEmail === 'string' && alarmEmail !== '') {
      Validations.of(alarmTopic.addSubscription(new EmailSubscription(alarmEmail))).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }

    // --- Dashboard and alarms. ---

    const monitoring = new ServiceMonitoring(this, 'Monitoring', {
      api,
      fn: hitCounter,
      fnTimeout: FUNCTION_TIMEOUT,
      table: hits,
      topic: alarmTopic,
      accessLogs,
      functionLogs,
    });

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint, description: 'GET any path under this URL.' });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${monitoring.dashboard.dashboardName}`,
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });

    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'The hit counter is a public demo endpoint; add a JWT or IAM authorizer before real use.',
    });
    Validations.of(stage).acknowledge({
      id: 'Serverless-APIGWStructuredLogging',
      reason: 'Each access-log line is JSON; status and latency are left unquoted so they are numbers once API Gateway fills them in, which the rule cannot see when it parses the unfilled template.',
    });
    Validations.of(hitCounter).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
    Validations.of(alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, a customer managed key would cost $1/month, and alarm notifications carry only alarm names and states.',
    });
  }
}

import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { type CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { DEFAULT_SERVICE_NAME, METRICS_NAMESPACE } from '../lambda/telemetry';
import { OrderMonitoring } from './order-monitoring';

/** Settings the function reads through Powertools; the tests read them back from the template. */
export const LOG_LEVEL = 'INFO';
/** One invocation in ten logs at DEBUG: detail to compare against, at a tenth of the cost. */
export const DEBUG_SAMPLE_RATE = 0.1;

export class PowertoolsObservabilityStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const serviceName = String(this.node.tryGetContext('serviceName') ?? DEFAULT_SERVICE_NAME);

    const orders = new TableV2(this, 'Orders', {
      partitionKey: { name: 'orderId', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Demo data: nothing is left behind on `cdk destroy`.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const functionLogs = new LogGroup(this, 'PlaceOrderLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // A hand-written role: its own log group, one table action, X-Ray. Metrics need no
    // permission at all: the EMF lines are turned into metrics by CloudWatch Logs.
    const role = new Role(this, 'PlaceOrderRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Place order: write its own logs, put new orders, send traces.',
    });
    functionLogs.grantWrite(role);

    const placeOrder = new NodejsFunction(this, 'PlaceOrder', {
      role,
      entry: path.join(__dirname, '..', 'lambda', 'place-order.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(6),
      tracing: Tracing.ACTIVE,
      // Powertools writes its own JSON lines to stdout, the EMF lines among them, so Lambda's
      // log format stays the default: Lambda passes those lines through untouched.
      logGroup: functionLogs,
      environment: {
        ORDERS_TABLE_NAME: orders.tableName,
        POWERTOOLS_SERVICE_NAME: serviceName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        LOG_LEVEL,
        POWERTOOLS_LOGGER_SAMPLE_RATE: String(DEBUG_SAMPLE_RATE),
        // Responses hold customer orders; keep them out of trace metadata.
        POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
      },
      bundling: { minify: true, sourceMap: true },
    });
    orders.grant(placeOrder, 'dynamodb:PutItem');

    const api = new HttpApi(this, 'Api', { description: 'Order API instrumented with Powertools for AWS Lambda.' });
    api.addRoutes({ path: '/orders', methods: [HttpMethod.POST], integration: new HttpLambdaIntegration('PlaceOrderIntegration', placeOrder) });

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const stage = api.defaultStage?.node.defaultChild as CfnStage;
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      // requestId is the function's api_request_id log key: one join from the edge to the code.
      format: JSON.stringify({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        method: '$context.httpMethod',
        path: '$context.path',
        status: '$context.status',
        latencyMs: '$context.responseLatency',
      }),
    };
    // A public endpoint: bound how fast anyone can create orders, invocations and metrics.
    stage.defaultRouteSettings = { throttlingBurstLimit: 50, throttlingRateLimit: 100 };

    const alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'Order service alarms', enforceSSL: true });
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

    const monitoring = new OrderMonitoring(this, 'Monitoring', { serviceName, api, fn: placeOrder, functionLogs, topic: alarmTopic });

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint, description: 'POST orders to <ApiUrl>/orders.' });
    new CfnOutput(this, 'TableName', { value: orders.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: monitoring.dashboard.dashboardName });
    new CfnOutput(this, 'FunctionLogGroup', { value: functionLogs.logGroupName });

    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'The order API is a public demo endpoint; add a JWT or IAM authorizer before real use.',
    });
    Validations.of(placeOrder).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
  }
}

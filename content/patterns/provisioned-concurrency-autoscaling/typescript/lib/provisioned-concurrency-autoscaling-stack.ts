import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { type CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { FIVE_MINUTE_SUM, alarmOnAny, createAlarmTopic, lambdaBudget, monthlyBudgetUsd } from './operations';
import { addWarmCapacity } from './warm-capacity';

export class ProvisionedConcurrencyAutoscalingStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const quoteLogs = new LogGroup(this, 'QuoteLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An explicit role instead of the AWS managed basic-execution policy, whose
    // log permissions reach every log group in the account.
    const role = new Role(this, 'QuoteRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Shipping quote: write its own logs and traces, nothing else.',
    });
    quoteLogs.grantWrite(role);

    const quote = new NodejsFunction(this, 'Quote', {
      role,
      entry: path.join(__dirname, '..', 'lambda', 'quote.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      // Provisioned concurrency is priced per GB-second: memory is the lever on its idle cost.
      memorySize: 512,
      timeout: Duration.seconds(3),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup: quoteLogs,
      // A small bundle loads faster in every environment Lambda initialises, warm pool or not.
      bundling: { minify: true },
    });

    // Callers reach the function only through this alias; it is what holds the warm environments.
    const live = addWarmCapacity(this, quote.currentVersion);

    const api = new HttpApi(this, 'Api', { description: 'Shipping quotes from a Lambda alias kept warm.' });
    api.addRoutes({
      path: '/quote',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('QuoteIntegration', live),
    });

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
        method: '$context.httpMethod',
        path: '$context.path',
        status: '$context.status',
        latencyMs: '$context.responseLatency',
        integrationLatencyMs: '$context.integrationLatency',
      }),
    };
    // Throttle the public endpoint: spillover beyond the warm pool runs on standard concurrency and is billed.
    stage.defaultRouteSettings = { throttlingBurstLimit: 50, throttlingRateLimit: 100 };

    const alarmTopic = createAlarmTopic(this);
    alarmOnAny(this, 'QuoteErrorsAlarm', alarmTopic, {
      metric: quote.metricErrors(FIVE_MINUTE_SUM),
      description: 'The Quote function failed (crash, timeout or failed initialisation). Check QuoteLogs and roll back a bad deploy.',
    });
    alarmOnAny(this, 'SpilloverAlarm', alarmTopic, {
      metric: live.metric('ProvisionedConcurrencySpilloverInvocations', FIVE_MINUTE_SUM),
      // A few minutes of spillover is target tracking catching up with a burst; fifteen is a pool that is too small.
      evaluationPeriods: 3,
      description:
        'For 15 minutes requests to the live alias found no free provisioned environment and ran on standard concurrency, with cold starts. The ceiling is reached or the schedule floor is too low for this traffic.',
    });
    alarmOnAny(this, 'ApiServerErrorsAlarm', alarmTopic, {
      metric: api.metricServerError(FIVE_MINUTE_SUM),
      description: 'The quote API answered 5xx. Check QuoteLogs for errors and the access log for the failing requests.',
    });
    lambdaBudget(this, alarmTopic, monthlyBudgetUsd(this));

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint, description: 'GET /quote?to=FR&weightKg=2.5 under this URL.' });
    new CfnOutput(this, 'FunctionName', { value: quote.functionName });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });

    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'The shipping quote is a public demo endpoint that reads no data; add a JWT or IAM authorizer before real use.',
    });
    Validations.of(quote).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
  }
}

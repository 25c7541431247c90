import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  ApiKey,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { Stats } from 'aws-cdk-lib/aws-cloudwatch';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { FIVE_MINUTES, alarmOnSum, createAlarmTopic } from './operations';
import { HISTORY_METHOD_PATH, STAGE_BURST_LIMIT, STAGE_RATE_LIMIT, TIERS } from './usage-tiers';

/** Bodies for the answers API Gateway gives at each limit; responseType tells a client which one it hit. */
export const LIMIT_RESPONSES = {
  INVALID_API_KEY: { statusCode: '403', message: 'Send a valid API key in the x-api-key header.' },
  THROTTLED: { statusCode: '429', message: 'Too many requests for this key, method or stage; retry with backoff.' },
  QUOTA_EXCEEDED: { statusCode: '429', message: 'This API key has used its quota for the current period.' },
} as const;

export function limitResponseTemplate(message: string): string {
  return JSON.stringify({ message, errorType: '$context.error.responseType', requestId: '$context.requestId' });
}

/**
 * Every other 4xx API Gateway raises itself, in the same JSON shape with API Gateway's own message.
 * Whatever response type a request without any x-api-key header is classed as, its 403 is JSON too.
 */
export const DEFAULT_4XX_TEMPLATE = limitResponseTemplate('$context.error.message');

export class ApiKeysAndUsagePlansStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const functionLogs = new LogGroup(this, 'ForecastHandlerLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An explicit role instead of the managed basic-execution policy, whose log rights reach every log group.
    const role = new Role(this, 'ForecastHandlerRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Forecast handler: write its own logs. It reads and writes no data store.',
    });
    functionLogs.grantWrite(role);

    const forecastHandler = new NodejsFunction(this, 'ForecastHandler', {
      role,
      entry: path.join(__dirname, '..', 'lambda', 'forecast-handler.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(5),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup: functionLogs,
      bundling: { minify: true, sourceMap: true },
    });

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const api = new RestApi(this, 'ForecastApi', {
      description: 'Sells forecasts in tiers: every method needs an API key, and each key is metered by its usage plan.',
      endpointTypes: [EndpointType.REGIONAL],
      // Execution logging needs the account-wide API Gateway CloudWatch role; access logs cover this demo.
      cloudWatchRole: false,
      // Every method, now and later, requires a key: a usage plan can only meter requests that carry one.
      defaultMethodOptions: { apiKeyRequired: true },
      deployOptions: {
        stageName: 'v1',
        tracingEnabled: true,
        // A backstop for all keys together; each plan below limits every key further.
        throttlingRateLimit: STAGE_RATE_LIMIT,
        throttlingBurstLimit: STAGE_BURST_LIMIT,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        // The key id (never its value) on every line, so usage and refusals can be traced to a consumer.
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            apiKeyId: '$context.identity.apiKeyId',
            method: '$context.httpMethod',
            path: '$context.resourcePath',
            status: '$context.status',
            errorType: '$context.error.responseType',
            latencyMs: '$context.responseLatency',
          }),
        ),
      },
    });

    const integration = new LambdaIntegration(forecastHandler, { allowTestInvoke: false });
    const forecast = api.root.addResource('forecasts').addResource('{city}');
    forecast.addMethod('GET', integration);
    const history = forecast.addResource('history').addMethod('GET', integration);
    if (history.resource.path !== HISTORY_METHOD_PATH) throw new Error(`history lives at ${history.resource.path}`);

    // One plan per tier, one generated demo key per plan. No key value appears in the code or the
    // template: API Gateway generates it, and `aws apigateway get-api-key --include-value` reads it.
    for (const tier of TIERS) {
      const plan = api.addUsagePlan(`${tier.id}Plan`, {
        description: tier.description,
        throttle: { rateLimit: tier.rateLimit, burstLimit: tier.burstLimit },
        quota: tier.quota,
        apiStages: [
          {
            api,
            stage: api.deploymentStage,
            throttle: [{ method: history, throttle: { rateLimit: tier.historyRateLimit, burstLimit: tier.historyBurstLimit } }],
          },
        ],
      });
      const key = new ApiKey(this, `${tier.id}DemoKey`, {
        description: `Demo consumer on the ${tier.id} plan; issue one key per consumer in real use.`,
        enabled: true,
      });
      plan.addApiKey(key);
      new CfnOutput(this, `${tier.id}KeyId`, {
        value: key.keyId,
        description: `Read the key value with: aws apigateway get-api-key --include-value --api-key <this id>`,
      });
    }

    for (const [type, { statusCode, message }] of Object.entries(LIMIT_RESPONSES)) {
      api.addGatewayResponse(type, {
        type: ResponseType.of(type),
        statusCode,
        responseHeaders: { 'Content-Type': "'application/json'" },
        templates: { 'application/json': limitResponseTemplate(message) },
      });
    }
    // No status code: each 4xx keeps its own, only the body becomes JSON.
    api.addGatewayResponse('DEFAULT_4XX', {
      type: ResponseType.DEFAULT_4XX,
      responseHeaders: { 'Content-Type': "'application/json'" },
      templates: { 'application/json': DEFAULT_4XX_TEMPLATE },
    });

    // Operations. 5xx and function errors are ours; a burst of 4xx (bad keys, throttling, spent quotas)
    // is worth a look too: a leaked or misused key, or a consumer who has outgrown its tier.
    const alarmTopic = createAlarmTopic(this, 'API keys and usage plans alarms');
    alarmOnSum(
      this,
      'ApiServerErrorsAlarm',
      alarmTopic,
      api.metricServerError({ statistic: Stats.SUM, period: FIVE_MINUTES }),
      1,
      'The forecast API answered 5xx. Check ForecastHandlerLogs and the access log for the failing requests.',
    );
    alarmOnSum(
      this,
      'ForecastHandlerErrorsAlarm',
      alarmTopic,
      forecastHandler.metricErrors({ statistic: Stats.SUM, period: FIVE_MINUTES }),
      1,
      'The ForecastHandler function failed (timeout, crash or bad deploy). Check ForecastHandlerLogs and roll back a bad deploy.',
    );
    alarmOnSum(
      this,
      'ApiClientErrorsAlarm',
      alarmTopic,
      api.metricClientError({ statistic: Stats.SUM, period: FIVE_MINUTES }),
      100,
      'At least 100 4xx answers in five minutes. Group the access log by apiKeyId and errorType: INVALID_API_KEY means bad or leaked keys, THROTTLED or QUOTA_EXCEEDED a consumer outgrowing its plan.',
    );

    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });
    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'GET forecasts/{city} and forecasts/{city}/history with an x-api-key header.' });

    Validations.of(api).acknowledge(
      {
        id: 'AwsSolutions-APIG4',
        reason: 'API keys identify and meter consumers; they are not authorization. Add an IAM, Cognito or Lambda authorizer before real use.',
      },
      { id: 'AwsSolutions-COG4', reason: 'Consumers are identified by API key, not Cognito users; the authorizer choice is left to the adopter (see APIG4).' },
      { id: 'AwsSolutions-APIG3', reason: 'WAF costs a fixed monthly fee per web ACL; the demo relies on stage and usage-plan throttling instead.' },
      { id: 'AwsSolutions-APIG6', reason: 'Execution logging needs the account-wide API Gateway CloudWatch role; JSON access logs record every request with its key id.' },
      { id: 'AwsSolutions-APIG2', reason: 'The only input is a city name and a day count in the path and query string, both checked by the function; there is no body to validate.' },
    );
    Validations.of(forecastHandler).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
  }
}

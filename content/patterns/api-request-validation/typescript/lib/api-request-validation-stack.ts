import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
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
import { QUOTE_REQUEST_SCHEMA, RATES_QUERY_PARAMETERS } from './quote-request-model';

/**
 * The body a caller gets when the model rejects a request. Gateway response templates only substitute
 * variables (no VTL, so no escaping), and the validator's detail string quotes field names, so it would
 * break the JSON; it goes to the access log line for this request id instead.
 */
export const BAD_REQUEST_BODY_TEMPLATE = JSON.stringify({
  message: '$context.error.message',
  requestId: '$context.requestId',
});

/** The body for a missing required query string; the message names the missing parameters. */
export const BAD_REQUEST_PARAMETERS_TEMPLATE = JSON.stringify({
  message: '$context.error.message',
  requestId: '$context.requestId',
});

export class ApiRequestValidationStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const functionLogs = new LogGroup(this, 'QuoteHandlerLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An explicit role instead of the managed basic-execution policy, whose log rights reach every log group.
    const role = new Role(this, 'QuoteHandlerRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Quote handler: write its own logs. It reads and writes no data store.',
    });
    functionLogs.grantWrite(role);

    const quoteHandler = new NodejsFunction(this, 'QuoteHandler', {
      role,
      entry: path.join(__dirname, '..', 'lambda', 'quote-handler.ts'),
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
    const api = new RestApi(this, 'QuotesApi', {
      description: 'Prices hotel stays; API Gateway validates every request before the function runs.',
      endpointTypes: [EndpointType.REGIONAL],
      // Execution logging needs the account-wide API Gateway CloudWatch role; access logs cover this demo.
      cloudWatchRole: false,
      deployOptions: {
        stageName: 'v1',
        tracingEnabled: true,
        throttlingRateLimit: 100,
        throttlingBurstLimit: 50,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        // One JSON line per request, with the validator's verdict for the ones it refused.
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            path: '$context.resourcePath',
            status: '$context.status',
            errorType: '$context.error.responseType',
            validationError: '$context.error.validationErrorString',
            latencyMs: '$context.responseLatency',
          }),
        ),
      },
    });

    // One validator checks both the body (against the method's model) and the required parameters.
    const validator = api.addRequestValidator('ValidateBodyAndParameters', {
      requestValidatorName: 'body-and-parameters',
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const quoteRequest = api.addModel('QuoteRequestModel', {
      contentType: 'application/json',
      modelName: 'QuoteRequest',
      schema: QUOTE_REQUEST_SCHEMA,
    });
    // The test console is the only other caller a LambdaIntegration would let in; leave it out.
    const integration = new LambdaIntegration(quoteHandler, { allowTestInvoke: false });

    api.root.addResource('quotes').addMethod('POST', integration, {
      requestValidator: validator,
      // API Gateway skips body validation when no model matches the Content-Type; $default closes that gap.
      requestModels: { 'application/json': quoteRequest, $default: quoteRequest },
    });
    api.root.addResource('rates').addMethod('GET', integration, {
      requestValidator: validator,
      requestParameters: Object.fromEntries(RATES_QUERY_PARAMETERS.map((name) => [`method.request.querystring.${name}`, true])),
    });

    api.addGatewayResponse('BadRequestBody', {
      type: ResponseType.BAD_REQUEST_BODY,
      statusCode: '400',
      responseHeaders: { 'Content-Type': "'application/json'" },
      templates: { 'application/json': BAD_REQUEST_BODY_TEMPLATE },
    });
    api.addGatewayResponse('BadRequestParameters', {
      type: ResponseType.BAD_REQUEST_PARAMETERS,
      statusCode: '400',
      responseHeaders: { 'Content-Type': "'application/json'" },
      templates: { 'application/json': BAD_REQUEST_PARAMETERS_TEMPLATE },
    });

    // Operations: requests the validator refuses are 4xx by design; a 5xx or a function error is ours.
    const alarmTopic = createAlarmTopic(this, 'Request validation alarms');
    alarmOnSum(
      this,
      'ApiServerErrorsAlarm',
      alarmTopic,
      api.metricServerError({ statistic: Stats.SUM, period: FIVE_MINUTES }),
      1,
      'The quotes API answered 5xx. Check QuoteHandlerLogs and the access log for the failing requests.',
    );
    alarmOnSum(
      this,
      'QuoteHandlerErrorsAlarm',
      alarmTopic,
      quoteHandler.metricErrors({ statistic: Stats.SUM, period: FIVE_MINUTES }),
      1,
      'The QuoteHandler function failed (timeout, crash or bad deploy). Check QuoteHandlerLogs and roll back a bad deploy.',
    );

    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });
    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'POST quotes and GET rates under this URL.' });

    Validations.of(api).acknowledge(
      { id: 'AwsSolutions-APIG4', reason: 'A public demo of request validation; put an IAM, Cognito or Lambda authorizer in front before real use.' },
      { id: 'AwsSolutions-COG4', reason: 'Callers are not Cognito users in this demo; the authorizer choice is left to the adopter (see APIG4).' },
      { id: 'AwsSolutions-APIG3', reason: 'WAF costs a fixed monthly fee per web ACL; the demo relies on stage throttling and the validator instead.' },
      { id: 'AwsSolutions-APIG6', reason: 'Execution logging needs the account-wide API Gateway CloudWatch role; JSON access logs record every request and each validation error.' },
    );
    Validations.of(quoteHandler).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
  }
}

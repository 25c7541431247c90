import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  EndpointType,
  LogGroupLogDestination,
  type IRestApi,
  type RequestValidator,
  type RestApi,
  type RestApiProps,
} from 'aws-cdk-lib/aws-apigateway';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

// Everything the three stacks build the same way lives here, so that the only
// differences between them are the ones the trilogy is about.

/** The same size for every function, so cold starts and durations compare fairly. */
export const FUNCTION_MEMORY_MB = 256;

/** A stage-wide limit; each stack's functions can never see more than this. */
export const STAGE_THROTTLE = { rateLimit: 50, burstLimit: 100 };

/**
 * A Node.js 24 function on arm64 with its own log group and its own role. The role
 * may write to that log group and send X-Ray segments, nothing more.
 */
export function calculatorFunction(scope: Construct, id: string, handlerFile: string, description: string): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new Role(scope, `${id}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `${id}: write its own logs and traces.`,
  });
  logGroup.grantWrite(role);

  const fn = new NodejsFunction(scope, id, {
    description,
    role,
    entry: path.join(__dirname, '..', 'lambda', handlerFile),
    runtime: Runtime.NODEJS_24_X,
    architecture: Architecture.ARM_64,
    memorySize: FUNCTION_MEMORY_MB,
    timeout: Duration.seconds(5),
    tracing: Tracing.ACTIVE,
    loggingFormat: LoggingFormat.JSON,
    logGroup,
    bundling: { minify: true, sourceMap: true },
  });

  Validations.of(fn).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason: 'API Gateway invokes the function synchronously and returns its errors to the caller; a DLQ only applies to async invokes.',
  });
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
  });
  return fn;
}

/** Regional REST API settings shared by all three stacks: JSON access logs, tracing, throttling. */
export function calculatorApiProps(scope: Construct, id: string, description: string): RestApiProps {
  const accessLogs = new LogGroup(scope, `${id}AccessLogs`, {
    retention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  return {
    description,
    endpointTypes: [EndpointType.REGIONAL],
    // Execution logging needs an account-wide role setting; access logs cover this demo.
    cloudWatchRole: false,
    deployOptions: {
      stageName: 'prod',
      tracingEnabled: true,
      accessLogDestination: new LogGroupLogDestination(accessLogs),
      accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
      throttlingRateLimit: STAGE_THROTTLE.rateLimit,
      throttlingBurstLimit: STAGE_THROTTLE.burstLimit,
    },
  };
}

/** Method request parameters API Gateway must see before it invokes anything. */
export const REQUIRED_OPERANDS = { 'method.request.querystring.a': true, 'method.request.querystring.b': true };

/** Refuses a request without both operands with a 400 from API Gateway itself, so no function runs. */
export function operandsValidator(api: RestApi): RequestValidator {
  return api.addRequestValidator('OperandsValidator', {
    requestValidatorName: 'operands',
    validateRequestParameters: true,
    // These GET routes have no body or model, so this checks nothing yet; it covers any body-taking route added later.
    validateRequestBody: true,
  });
}

/** Findings that are the same on every calculator API and accepted for a public demo. */
export function acknowledgeDemoApiFindings(api: IRestApi): void {
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason: 'A public calculator demo, throttled at the stage; add an IAM or Cognito authorizer before real use.',
  });
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-COG4',
    reason: 'Callers are not Cognito users in this demo; the authorizer choice is left to the adopter (see APIG4).',
  });
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-APIG3',
    reason: 'WAF costs a fixed monthly fee per web ACL; the demo relies on stage throttling instead.',
  });
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-APIG6',
    reason: 'Execution logging needs the account-wide API Gateway CloudWatch role; JSON access logs record every request.',
  });
}

/**
 * The stack's alarm topic, e-mailed when deployed with -c alarmEmail=..., and one alarm on the API's
 * 5XX responses: a function error, timeout or crash reaches the caller as a 5XX in all three variants.
 */
export function serverErrorAlarm(scope: Construct, api: RestApi): Alarm {
  const topic = new Topic(scope, 'AlarmTopic', { displayName: `${api.node.id} alarms`, enforceSSL: true });
  const email = scope.node.tryGetContext('alarmEmail');
  if (typeof email === 'string' && email !== '') {
    Validations.of(topic.addSubscription(new EmailSubscription(email))).acknowledge({
      id: 'Serverless-SNSRedrivePolicy',
      reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
    });
  }
  Validations.of(topic).acknowledge({
    id: 'AwsSolutions-SNS2',
    reason:
      'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, a customer managed key would cost $1/month, and alarm notifications carry only alarm names and states.',
  });
  const alarm = new Alarm(scope, 'ServerErrorsAlarm', {
    metric: api.metricServerError({ statistic: 'Sum', period: Duration.minutes(5) }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
    alarmDescription: `${api.node.id} answered a 5XX: a function failed, timed out or could not be invoked. Look for errors in the function log groups and for 5XX lines in the access log.`,
  });
  alarm.addAlarmAction(new SnsAction(topic));
  return alarm;
}

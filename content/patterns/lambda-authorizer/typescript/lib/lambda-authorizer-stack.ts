import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  IdentitySource,
  LambdaIntegration,
  LogGroupLogDestination,
  RestApi,
  TokenAuthorizer,
} from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { FilterPattern, LogGroup, MetricFilter, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { BEARER_TOKEN_PATTERN } from '../lambda/bearer-token';
import { addJsonGatewayResponses } from './gateway-responses';
import { idpSettings } from './idp-settings';

/** How long API Gateway reuses an authorizer decision for the same token, across every method. */
export const AUTHORIZER_CACHE_TTL = Duration.minutes(5);

/** Where the access-log metric filter counts the requests the authorizer could not decide. */
export const METRIC_NAMESPACE = 'LambdaAuthorizer';

export class LambdaAuthorizerStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const idp = idpSettings(this.node);

    const jwtAuthorizer = this.lambdaFunction('JwtAuthorizer', 'jwt-authorizer.ts', 'JWT authorizer: write its own logs.', {
      JWT_ISSUER: idp.issuer,
      JWT_AUDIENCE: idp.audience,
      JWKS_URI: idp.jwksUri,
    });
    const whoAmI = this.lambdaFunction('WhoAmI', 'who-am-i.ts', 'Protected backend: write its own logs.', {});

    const tokenAuthorizer = new TokenAuthorizer(this, 'JwtTokenAuthorizer', {
      handler: jwtAuthorizer,
      identitySource: IdentitySource.header('Authorization'),
      // Checked by API Gateway before the function runs: a missing or malformed header is a free 401.
      validationRegex: BEARER_TOKEN_PATTERN,
      // The decision is cached by token, so a busy caller costs one verification per five minutes.
      resultsCacheTtl: AUTHORIZER_CACHE_TTL,
    });

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const api = new RestApi(this, 'Api', {
      restApiName: `${this.stackName}-api`,
      description: 'Every method requires a bearer JWT verified by the JwtAuthorizer function.',
      endpointTypes: [EndpointType.REGIONAL],
      // Execution logging needs an account-wide role setting; the access log records every decision.
      cloudWatchRole: false,
      // Deny by default: every method added to this API, now or later, goes through the authorizer.
      defaultMethodOptions: { authorizer: tokenAuthorizer, authorizationType: AuthorizationType.CUSTOM },
      deployOptions: {
        stageName: 'v1',
        tracingEnabled: true,
        throttlingRateLimit: 50,
        throttlingBurstLimit: 100,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            apiId: '$context.apiId',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            path: '$context.resourcePath',
            status: '$context.status',
            responseType: '$context.error.responseType',
            principalId: '$context.authorizer.principalId',
            authorizerStatus: '$context.authorizer.status',
            authorizerLatencyMs: '$context.authorizer.latency',
            latencyMs: '$context.responseLatency',
          }),
        ),
      },
    });
    api.root.addResource('me').addMethod('GET', new LambdaIntegration(whoAmI, { allowTestInvoke: false }));
    addJsonGatewayResponses(api);

    this.addAlarms(api, accessLogs);

    new CfnOutput(this, 'MeUrl', { value: api.urlForPath('/me'), description: 'GET with Authorization: Bearer <JWT>.' });
    new CfnOutput(this, 'JwtAuthorizerLogGroupName', { value: jwtAuthorizer.logGroup.logGroupName });

    Validations.of(api).acknowledge(
      {
        id: 'AwsSolutions-COG4',
        reason: 'Callers carry tokens from any OpenID Connect provider, which a Cognito user pool authorizer cannot verify; the Lambda authorizer guards every method instead.',
      },
      { id: 'AwsSolutions-APIG2', reason: 'The one method takes no body or parameters; the authorizer validates the only input, the Authorization header.' },
      { id: 'AwsSolutions-APIG3', reason: 'WAF costs a fixed monthly fee per web ACL; stage throttling and the gateway-side token pattern bound the load instead.' },
      { id: 'AwsSolutions-APIG6', reason: 'Execution logging needs the account-wide API Gateway CloudWatch role; JSON access logs record every authorizer decision.' },
    );
  }

  /** A Node.js function on arm64 with its own log group and a role that can write only there. */
  private lambdaFunction(id: string, file: string, description: string, environment: Record<string, string>): NodejsFunction {
    const logGroup = new LogGroup(this, `${id}Logs`, { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    // An explicit role instead of the AWS managed basic-execution policy, whose log permissions reach every log group.
    const role = new Role(this, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description });
    logGroup.grantWrite(role);
    const fn = new NodejsFunction(this, id, {
      role,
      entry: path.join(__dirname, '..', 'lambda', file),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      // Covers a cold start plus one key-set fetch, which gives up after two seconds.
      timeout: Duration.seconds(5),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      environment,
      bundling: { minify: true, sourceMap: true },
    });
    Validations.of(fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
    return fn;
  }

  /** One topic; an alarm when the authorizer cannot decide and one on any 5xx answer. */
  private addAlarms(api: RestApi, accessLogs: LogGroup): void {
    const alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'Lambda Authorizer alarms', enforceSSL: true });
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
    const notify = new SnsAction(alarmTopic);
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });

    // Rejected tokens are thrown as Unauthorized, so the function's Errors metric counts every bad
    // caller on the internet. The access log knows the difference: count only undecided requests.
    new MetricFilter(this, 'AuthorizerFailuresFilter', {
      logGroup: accessLogs,
      filterPattern: FilterPattern.any(
        FilterPattern.stringValue('$.responseType', '=', 'AUTHORIZER_FAILURE'),
        FilterPattern.stringValue('$.responseType', '=', 'AUTHORIZER_CONFIGURATION_ERROR'),
      ),
      metricNamespace: METRIC_NAMESPACE,
      metricName: 'AuthorizerFailures',
      metricValue: '1',
      dimensions: { ApiId: '$.apiId' },
    });
    new Alarm(this, 'AuthorizerFailuresAlarm', {
      metric: new Metric({
        namespace: METRIC_NAMESPACE,
        metricName: 'AuthorizerFailures',
        dimensionsMap: { ApiId: api.restApiId },
        statistic: Stats.SUM,
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'The JWT authorizer could not decide (key set unreachable or invalid, timeout, crash), so callers got 500. Search JwtAuthorizerLogs for "authorizer failure" and check jwksUri.',
    }).addAlarmAction(notify);
    new Alarm(this, 'ApiServerErrorsAlarm', {
      metric: api.metricServerError({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'The API answered 5xx. The access log responseType says whether the authorizer (AUTHORIZER_*) or the WhoAmI function failed.',
    }).addAlarmAction(notify);
  }
}

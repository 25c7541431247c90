import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { CALLER_SOURCE, SERVICE_CALL_FAILED } from '../lambda/breaker-events';
import { Operations } from './operations';

/** When the circuit opens, and how long a call may take before it counts as a failure. */
export const BREAKER = {
  failureThreshold: 3,
  windowSeconds: 60,
  serviceTimeoutMs: 2000,
} as const;

export class TheEventbridgeCircuitBreakerStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Deploy with `-c serviceUrl=https://...` to guard a real dependency instead of the stand-in.
    const serviceUrl = this.node.tryGetContext('serviceUrl') as string | undefined;
    const serviceName = serviceUrl ? new URL(serviceUrl).host : 'unreliable-service';

    // One item per recent failure: partition by dependency, sort by time, expire after the window.
    const failures = new TableV2(this, 'Failures', {
      partitionKey: { name: 'service', type: AttributeType.STRING },
      sortKey: { name: 'failedAt', type: AttributeType.STRING },
      timeToLiveAttribute: 'expiresAt',
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const bus = new EventBus(this, 'BreakerBus', { description: 'Failure events from the circuit breaker Caller.' });

    const caller = this.breakerFunction('Caller', 'caller.ts', {
      description: 'Checks the circuit, calls the dependency, and publishes an event when the call fails.',
      // Room for the dependency's timeout plus the DynamoDB query and the PutEvents call.
      timeout: Duration.seconds(6),
      environment: {
        FAILURES_TABLE_NAME: failures.tableName,
        EVENT_BUS_NAME: bus.eventBusName,
        SERVICE_NAME: serviceName,
        ...(serviceUrl ? { SERVICE_URL: serviceUrl } : {}),
        SERVICE_TIMEOUT_MS: String(BREAKER.serviceTimeoutMs),
        FAILURE_THRESHOLD: String(BREAKER.failureThreshold),
        WINDOW_SECONDS: String(BREAKER.windowSeconds),
      },
    });
    // The Caller only reads failures; it never writes them.
    failures.grant(caller, 'dynamodb:Query');
    bus.grantPutEventsTo(caller);

    const recorder = this.breakerFunction('FailureRecorder', 'failure-recorder.ts', {
      description: 'Stores each ServiceCallFailed event as a failure item with a TTL.',
      timeout: Duration.seconds(5),
      environment: { FAILURES_TABLE_NAME: failures.tableName, WINDOW_SECONDS: String(BREAKER.windowSeconds) },
      // A failure older than the window no longer counts, so retrying it longer is pointless.
      retryAttempts: 2,
      maxEventAge: Duration.seconds(BREAKER.windowSeconds),
    });
    failures.grant(recorder, 'dynamodb:PutItem');

    const failureRule = new Rule(this, 'FailureRule', {
      eventBus: bus,
      description: 'Routes every failed dependency call to the FailureRecorder.',
      eventPattern: { source: [CALLER_SOURCE], detailType: [SERVICE_CALL_FAILED] },
      targets: [new LambdaFunction(recorder, { retryAttempts: 2, maxEventAge: Duration.seconds(BREAKER.windowSeconds) })],
    });

    const unreliable = this.breakerFunction('UnreliableService', 'unreliable-service.ts', {
      description: 'A stand-in dependency: half its calls fail at once or stall for four seconds.',
      timeout: Duration.seconds(10),
      environment: { FAILURE_RATE: '0.5', STALL_MS: '4000' },
    });

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const api = new RestApi(this, 'Api', {
      description: 'Calls an unreliable dependency through an EventBridge-fed circuit breaker.',
      endpointTypes: [EndpointType.REGIONAL],
      // The account-wide API Gateway logging role is shared by every API in the region; leave it alone.
      cloudWatchRole: false,
      deployOptions: {
        stageName: 'prod',
        tracingEnabled: true,
        loggingLevel: MethodLoggingLevel.OFF,
        throttlingRateLimit: 20,
        throttlingBurstLimit: 40,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            path: '$context.resourcePath',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integration.latency',
          }),
        ),
      },
    });
    // GET methods carry no body, so checking it costs nothing; the query-string check is the one that bites.
    const validator = api.addRequestValidator('QueryValidator', { validateRequestBody: true, validateRequestParameters: true });
    const failParameter = { 'method.request.querystring.fail': false };
    api.root.addMethod('GET', new LambdaIntegration(caller), { requestParameters: failParameter, requestValidator: validator });
    api.root
      .addResource('unreliable')
      .addMethod('GET', new LambdaIntegration(unreliable), { requestParameters: failParameter, requestValidator: validator });

    // Failure records have no DLQ (they are worthless after one window), so the alarms are how anyone learns
    // that some were lost and the breaker counted fewer failures than happened.
    const ops = new Operations(this, 'Operations');
    ops.functionErrors('FailureRecorderErrorsAlarm', recorder,
      'The FailureRecorder could not store failure events; after two retries within 60 seconds they are dropped and the breaker undercounts. Check its log and the Failures table.');
    ops.countAtLeastOne('FailureRuleFailedInvocationsAlarm',
      new Metric({
        namespace: 'AWS/Events',
        metricName: 'FailedInvocations',
        dimensionsMap: { EventBusName: bus.eventBusName, RuleName: failureRule.ruleName },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      'EventBridge could not hand failure events to the FailureRecorder within 60 seconds and dropped them; the breaker undercounts. Check that the function and its permission exist.');

    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'GET here to call the dependency through the breaker.' });
    new CfnOutput(this, 'TableName', { value: failures.tableName });
    new CfnOutput(this, 'CallerLogGroup', { value: caller.logGroup.logGroupName });

    Validations.of(api).acknowledge(
      { id: 'AwsSolutions-APIG4', reason: 'A public demo endpoint; add an IAM, JWT or Lambda authorizer before real use.' },
      { id: 'AwsSolutions-COG4', reason: 'The demo has no user pool; callers are anonymous on purpose.' },
    );
    Validations.of(api.deploymentStage).acknowledge(
      {
        id: 'AwsSolutions-APIG3',
        reason: 'A WAF web ACL costs a fixed monthly fee the demo does not need; the stage throttle already limits abuse.',
      },
      {
        id: 'AwsSolutions-APIG6',
        reason: 'Execution logging needs the account-wide API Gateway CloudWatch role, a shared setting this stack must not change; access logs record every call.',
      },
    );
    for (const fn of [caller, unreliable]) {
      Validations.of(fn).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason: 'API Gateway invokes the function synchronously and receives its errors; a DLQ only applies to asynchronous invokes.',
      });
    }
    Validations.of(recorder).acknowledge(
      {
        id: 'Serverless-LambdaDLQ',
        reason: 'A failure record is only useful inside the 60-second window; one redriven from a DLQ later would no longer count.',
      },
      {
        id: 'Serverless-LambdaAsyncFailureDestination',
        reason: 'A failure record is only useful inside the 60-second window, so an event that outlives its retries is dropped on purpose.',
      },
    );
    Validations.of(failureRule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason: 'Delivery is retried for the 60-second window and no longer; a failure event kept past that would not change the breaker.',
    });
  }

  /** A Node.js 24 function on arm64 with its own log group and its own role. */
  private breakerFunction(id: string, entry: string, props: NodejsFunctionProps): NodejsFunction {
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
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
    return new NodejsFunction(this, id, {
      role,
      entry: path.join(__dirname, '..', 'lambda', entry),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      bundling: { minify: true, sourceMap: true },
      ...props,
    });
  }
}

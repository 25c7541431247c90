import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { type CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { FilterPattern, LogGroup, MetricFilter, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { OPENED_PHRASE } from '../lambda/state-log';
import { Operations } from './operations';

/** The breaker's settings, passed to the Caller and pinned by the tests. */
export const BREAKER = {
  failureThreshold: 3,
  successThreshold: 2,
  openTimeoutMs: 15_000,
  callTimeoutMs: 2_000,
} as const;

export class TheLambdaCircuitBreakerStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // `-c downstreamUrl=https://...` guards a real service; `-c failureRate=0.2` tunes the stand-in.
    const downstreamUrl = this.node.tryGetContext('downstreamUrl') as string | undefined;
    const failureRate = Number(this.node.tryGetContext('failureRate') ?? '0.5');
    if (!(failureRate >= 0 && failureRate <= 1)) throw new Error(`failureRate must be between 0 and 1, got ${failureRate}`);

    // One item per circuit, shared by every execution environment of the Caller.
    const state = new TableV2(this, 'BreakerState', {
      partitionKey: { name: 'circuitId', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const caller = this.breakerFunction('Caller', 'caller.ts', {
      description: 'Calls the recommendation service through a DynamoDB-backed circuit breaker, with a fallback.',
      // The downstream call's timeout plus a read and a write on each side of it.
      timeout: Duration.seconds(6),
      environment: {
        STATE_TABLE_NAME: state.tableName,
        CIRCUIT_ID: downstreamUrl ? new URL(downstreamUrl).host : 'recommendations',
        ...(downstreamUrl ? { DOWNSTREAM_URL: downstreamUrl } : {}),
        FAILURE_THRESHOLD: String(BREAKER.failureThreshold),
        SUCCESS_THRESHOLD: String(BREAKER.successThreshold),
        OPEN_TIMEOUT_MS: String(BREAKER.openTimeoutMs),
        CALL_TIMEOUT_MS: String(BREAKER.callTimeoutMs),
      },
    });
    // Strongly consistent reads and conditional puts of one item: nothing else.
    state.grant(caller, 'dynamodb:GetItem', 'dynamodb:PutItem');

    const downstream = this.breakerFunction('Downstream', 'downstream.ts', {
      description: 'A stand-in recommendation service that fails a configurable share of calls.',
      timeout: Duration.seconds(10),
      environment: { FAILURE_RATE: String(failureRate), STALL_MS: '5000' },
    });

    const api = new HttpApi(this, 'Api', { description: 'Recommendations behind a Lambda circuit breaker.' });
    api.addRoutes({ path: '/', methods: [HttpMethod.GET], integration: new HttpLambdaIntegration('CallerIntegration', caller) });
    api.addRoutes({
      path: '/downstream',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('DownstreamIntegration', downstream),
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
      }),
    };
    // Also the ceiling on how hard the Caller can ever push the downstream service.
    stage.defaultRouteSettings = { throttlingBurstLimit: 40, throttlingRateLimit: 20 };

    // Someone is told when the downstream service starts failing: every CLOSED -> OPEN or HALF_OPEN -> OPEN
    // line in the Caller's log counts once, and the alarm fires on the first. The Caller's own errors
    // (its answers are 500s then, not fallbacks) have an alarm too.
    const ops = new Operations(this, 'Operations');
    const opened = new MetricFilter(this, 'CircuitOpenedFilter', {
      logGroup: caller.logGroup,
      filterPattern: FilterPattern.allTerms(OPENED_PHRASE),
      metricNamespace: `CircuitBreaker/${this.stackName}`,
      metricName: 'CircuitOpened',
      metricValue: '1',
    });
    ops.countAtLeastOne('CircuitOpenedAlarm', opened.metric({ statistic: 'Sum', period: Duration.minutes(5) }),
      'The circuit opened: the downstream service failed three calls in a row and callers are getting the fallback list. Check the downstream service; the circuit closes by itself after two good trial calls.');
    ops.functionErrors('CallerErrorsAlarm', caller,
      'The Caller itself failed, so clients got a 500 instead of recommendations or the fallback. Check its log.');

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint, description: 'GET / for recommendations through the breaker.' });
    new CfnOutput(this, 'TableName', { value: state.tableName });
    new CfnOutput(this, 'CallerLogGroup', { value: caller.logGroup.logGroupName });

    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'A public demo endpoint; add a JWT or IAM authorizer before real use.',
    });
    for (const fn of [caller, downstream]) {
      Validations.of(fn).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason: 'API Gateway invokes the function synchronously and receives its errors; a DLQ only applies to asynchronous invokes.',
      });
    }
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

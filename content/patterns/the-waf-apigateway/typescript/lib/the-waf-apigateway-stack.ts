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
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { RegionalFirewall } from './regional-firewall';

/** Per client IP: more than this many requests in one window and WAF answers 429. */
export const RATE_LIMIT = { requestsPerIp: 100, windowSeconds: 60 } as const;

export class TheWafApigatewayStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // --- The thing being protected: a REST API in front of a small function. ---

    const greeterLogs = new LogGroup(this, 'GreeterLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An explicit role instead of the AWS managed basic-execution policy, whose
    // log permissions reach every log group in the account.
    const greeterRole = new Role(this, 'GreeterRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Greeter: write its own logs and traces, nothing else.',
    });
    greeterLogs.grantWrite(greeterRole);

    const greeter = new NodejsFunction(this, 'Greeter', {
      role: greeterRole,
      entry: path.join(__dirname, '..', 'lambda', 'greeter.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 128,
      timeout: Duration.seconds(3),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup: greeterLogs,
      bundling: { minify: true, sourceMap: true },
    });

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const api = new RestApi(this, 'GreetingApi', {
      description: 'A small greeting API guarded by a WAF web ACL.',
      // WAF web ACLs for API Gateway are regional; an edge-optimised API would need a CloudFront ACL.
      endpointTypes: [EndpointType.REGIONAL],
      // The account-wide API Gateway logging role is shared by every API in the region;
      // a demo stack should not take it over.
      cloudWatchRole: false,
      deployOptions: {
        stageName: 'prod',
        tracingEnabled: true,
        loggingLevel: MethodLoggingLevel.OFF,
        // A backstop for everyone together; the web ACL limits each address on its own.
        throttlingRateLimit: 50,
        throttlingBurstLimit: 100,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            path: '$context.resourcePath',
            status: '$context.status',
            waf: '$context.wafResponseCode',
            latencyMs: '$context.responseLatency',
          }),
        ),
      },
    });
    api.root.addResource('hello').addMethod('GET', new LambdaIntegration(greeter));

    // --- The firewall, attached to the stage. ---

    const firewall = new RegionalFirewall(this, 'Firewall', {
      // This ARN refers to the stage resource itself, so CloudFormation creates the stage
      // before the association; an ARN typed out from the stage name would race it.
      resourceArn: api.deploymentStage.stageArn,
      ...RATE_LIMIT,
    });

    new CfnOutput(this, 'HelloUrl', { value: api.urlForPath('/hello'), description: 'GET this, optionally with ?name=' });
    new CfnOutput(this, 'WebAclArn', { value: firewall.webAcl.attrArn });
    new CfnOutput(this, 'WafLogGroup', { value: firewall.logs.logGroupName });

    Validations.of(api).acknowledge(
      {
        id: 'AwsSolutions-APIG4',
        reason: 'A public greeting demo; WAF filters abuse but does not identify callers. Add an authorizer before real use.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason: 'The demo has no user accounts; a Cognito user pool authorizer has nothing to check.',
      },
      {
        id: 'AwsSolutions-APIG2',
        reason: 'The only method is a GET with one optional query value and no body, so a validator has nothing to require; the function checks the name and WAF inspects the query string.',
      },
    );
    Validations.of(api.deploymentStage).acknowledge({
      id: 'AwsSolutions-APIG6',
      reason: 'Execution logging needs the account-wide API Gateway CloudWatch role, a shared setting this stack must not change; access logs and WAF logs cover each call.',
    });
    Validations.of(greeter).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.',
    });
    Validations.of(greeterRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
  }
}

import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type CfnStage, HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** The shop's HTTP API, the same in both stacks: throttled, JSON access logs, public on purpose. */
export function shopApi(scope: Construct, description: string): HttpApi {
  const api = new HttpApi(scope, 'Api', { description });
  const accessLogs = new LogGroup(scope, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  const stage = api.defaultStage?.node.defaultChild as CfnStage;
  stage.accessLogSettings = {
    destinationArn: accessLogs.logGroupArn,
    format: JSON.stringify({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      method: '$context.httpMethod',
      path: '$context.path',
      // In the monolith every line says "ANY /{proxy+}"; in the fix it names the operation.
      route: '$context.routeKey',
      status: '$context.status',
      latencyMs: '$context.responseLatency',
    }),
  };
  // Throttle the public endpoint so a flood cannot run up the bill or the tables.
  stage.defaultRouteSettings = { throttlingBurstLimit: 20, throttlingRateLimit: 50 };
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason: 'A public demo endpoint with stage throttling; add a JWT or IAM authorizer before real use.',
  });
  return api;
}

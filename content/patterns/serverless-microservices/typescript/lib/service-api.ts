import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type CfnStage, HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** Each service's own HTTP API: throttled, JSON access logs, and public on purpose in this demo. */
export function serviceApi(scope: Construct, id: string, description: string): HttpApi {
  const api = new HttpApi(scope, id, { description });
  const accessLogs = new LogGroup(scope, `${id}AccessLogs`, { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  const stage = api.defaultStage?.node.defaultChild as CfnStage;
  stage.accessLogSettings = {
    destinationArn: accessLogs.logGroupArn,
    format: JSON.stringify({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      method: '$context.httpMethod',
      route: '$context.routeKey',
      status: '$context.status',
      latencyMs: '$context.responseLatency',
    }),
  };
  stage.defaultRouteSettings = { throttlingBurstLimit: 20, throttlingRateLimit: 50 };
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason: 'A public demo endpoint with stage throttling; add a JWT or IAM authorizer before real use.',
  });
  return api;
}

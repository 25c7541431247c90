import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** Stage-wide limits, exported so the tests pin the numbers the stack uses. */
export const READ_API_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

/** The public read side: two GET routes on an HTTP API, both answered by the query function. */
export function readApi(scope: Construct, queries: IFunction): HttpApi {
  const api = new HttpApi(scope, 'ReadApi', { description: 'Reads the order view: one order, or a customer\'s orders by status.' });
  const integration = new HttpLambdaIntegration('OrderQueriesIntegration', queries);
  api.addRoutes({ path: '/orders/{orderId}', methods: [HttpMethod.GET], integration });
  api.addRoutes({ path: '/customers/{customerId}/orders', methods: [HttpMethod.GET], integration });

  const accessLogs = new LogGroup(scope, 'ReadApiAccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  const stage = api.defaultStage?.node.defaultChild as CfnStage;
  stage.accessLogSettings = {
    destinationArn: accessLogs.logGroupArn,
    format: JSON.stringify({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      routeKey: '$context.routeKey',
      status: '$context.status',
      integrationError: '$context.integrationErrorMessage',
      latencyMs: '$context.responseLatency',
    }),
  };
  // Every route shares one throttle, so a flood gets 429s from API Gateway before it can scale the function.
  stage.defaultRouteSettings = { throttlingRateLimit: READ_API_THROTTLE.rateLimit, throttlingBurstLimit: READ_API_THROTTLE.burstLimit };

  Validations.of(api).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason: 'A public demo of the read side; add a JWT or IAM authorizer, and scope each caller to their own customerId, before real orders are served.',
  });
  return api;
}

// What both stacks share: the table, the function's role, log group and settings, and the
// public API. The stacks differ only in how the function's code is packaged.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type FunctionOptions, type IFunction, LoggingFormat, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export function productsTable(scope: Construct): TableV2 {
  return new TableV2(scope, 'Products', {
    partitionKey: { name: 'productId', type: AttributeType.STRING },
    billing: Billing.onDemand(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // A demo stack should leave nothing behind on `cdk destroy`.
    removalPolicy: RemovalPolicy.DESTROY,
  });
}

/**
 * Everything about the GetProduct function except its code: an explicit role that may write
 * its own logs and read one item at a time, JSON logs kept a month, arm64, X-Ray.
 */
export function getProductOptions(scope: Construct, products: TableV2): FunctionOptions & { logGroup: LogGroup } {
  const logGroup = new LogGroup(scope, 'GetProductLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  // An explicit role instead of the AWS managed basic-execution policy, whose log
  // permissions reach every log group in the account.
  const role = new Role(scope, 'GetProductRole', {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: 'GetProduct: write its own logs, read products one at a time.',
  });
  logGroup.grantWrite(role);
  products.grant(role, 'dynamodb:GetItem');
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
  });
  return {
    role,
    architecture: Architecture.ARM_64,
    memorySize: 256,
    timeout: Duration.seconds(5),
    tracing: Tracing.ACTIVE,
    loggingFormat: LoggingFormat.JSON,
    logGroup,
    environment: { PRODUCTS_TABLE_NAME: products.tableName },
  };
}

/** A public HTTP API with one route, GET /products/{productId}, throttled and access-logged. */
export function productsApi(scope: Construct, getProduct: IFunction): HttpApi {
  const api = new HttpApi(scope, 'Api', { description: 'Looks up products by id.' });
  api.addRoutes({
    path: '/products/{productId}',
    methods: [HttpMethod.GET],
    integration: new HttpLambdaIntegration('GetProductIntegration', getProduct),
  });
  const accessLogs = new LogGroup(scope, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
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
      integrationLatencyMs: '$context.integrationLatency',
    }),
  };
  // Throttle the public endpoint so a flood cannot run up the bill or the table.
  stage.defaultRouteSettings = { throttlingBurstLimit: 50, throttlingRateLimit: 100 };
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason: 'The product lookup is a public demo endpoint; add a JWT or IAM authorizer before real use.',
  });
  Validations.of(getProduct).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason: 'API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.',
  });
  return api;
}

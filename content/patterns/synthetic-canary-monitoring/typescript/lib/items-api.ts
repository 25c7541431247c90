import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export type ItemsApi = { table: TableV2; fn: NodejsFunction; role: Role; api: HttpApi };

/** The API under watch: POST /items, GET and DELETE /items/{id}, one function, one table. */
export function itemsApi(scope: Construct): ItemsApi {
  const table = new TableV2(scope, 'Items', {
    partitionKey: { name: 'id', type: AttributeType.STRING },
    billing: Billing.onDemand(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // Canary items carry an expiry, so a run that dies before its DELETE leaves nothing behind for long.
    timeToLiveAttribute: 'expiresAt',
    // A demo stack should leave nothing behind on `cdk destroy`.
    removalPolicy: RemovalPolicy.DESTROY,
  });

  const logGroup = new LogGroup(scope, 'ItemsFunctionLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  // An explicit role instead of the AWS managed basic-execution policy, whose
  // log permissions reach every log group in the account.
  const role = new Role(scope, 'ItemsFunctionRole', {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: 'Items function: write its own logs; put, get and delete items in the Items table.',
  });
  logGroup.grantWrite(role);

  const fn = new NodejsFunction(scope, 'ItemsFunction', {
    role,
    entry: path.join(__dirname, '..', 'lambda', 'items.ts'),
    runtime: Runtime.NODEJS_24_X,
    architecture: Architecture.ARM_64,
    memorySize: 256,
    timeout: Duration.seconds(5),
    tracing: Tracing.ACTIVE,
    loggingFormat: LoggingFormat.JSON,
    logGroup,
    environment: { ITEMS_TABLE_NAME: table.tableName },
    bundling: { minify: true, sourceMap: true },
  });
  // Least privilege: the three calls the handler makes, on this table only.
  table.grant(fn, 'dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:DeleteItem');

  const api = new HttpApi(scope, 'Api', { description: 'Items API watched by the JourneyCanary.' });
  const integration = new HttpLambdaIntegration('ItemsIntegration', fn);
  api.addRoutes({ path: '/items', methods: [HttpMethod.POST], integration });
  api.addRoutes({ path: '/items/{id}', methods: [HttpMethod.GET, HttpMethod.DELETE], integration });

  const accessLogs = new LogGroup(scope, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  const stage = api.defaultStage?.node.defaultChild as CfnStage;
  stage.accessLogSettings = {
    destinationArn: accessLogs.logGroupArn,
    format: JSON.stringify({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      userAgent: '$context.identity.userAgent',
      routeKey: '$context.routeKey',
      status: '$context.status',
      latencyMs: '$context.responseLatency',
      integrationError: '$context.integrationErrorMessage',
    }),
  };
  // Throttle the public endpoint so a flood cannot run up the bill or the table.
  stage.defaultRouteSettings = { throttlingBurstLimit: 50, throttlingRateLimit: 100 };

  return { table, fn, role, api };
}

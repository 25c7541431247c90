import * as path from 'node:path';
import { type CfnElement, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  EndpointType,
  JsonSchemaType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RequestValidator,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { AccountRootPrincipal, ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { createUserDirectory } from './user-directory';

/** The one deployed stage; the service policy names it, so a future stage gets no access by accident. */
export const STAGE_NAME = 'v1';
/** Stage-wide throttle: steady requests per second and burst, for every route together. */
export const THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;
/** The service routes and methods the example service role may call, and nothing else. */
export const SERVICE_ROUTES = [
  { method: 'GET', path: '/internal/orders/*' },
  { method: 'POST', path: '/internal/orders/*' },
] as const;

export class ApiAuthorizationCognitoIamStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const { users, webClient, domain, readScope, writeScope } = createUserDirectory(this);

    const orders = new TableV2(this, 'Orders', {
      partitionKey: { name: 'owner', type: AttributeType.STRING },
      sortKey: { name: 'orderId', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Demo data: `cdk destroy` removes the table with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const handlerLogs = new LogGroup(this, 'OrdersHandlerLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An explicit role instead of the AWS managed basic-execution policy, whose
    // log permissions reach every log group in the account.
    const handlerRole = new Role(this, 'OrdersHandlerRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Orders handler: write its own logs and traces, query and put orders.',
    });
    handlerLogs.grantWrite(handlerRole);

    const handler = new NodejsFunction(this, 'OrdersHandler', {
      role: handlerRole,
      entry: path.join(__dirname, '..', 'lambda', 'orders.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(5),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup: handlerLogs,
      environment: { ORDERS_TABLE_NAME: orders.tableName },
      bundling: { minify: true, sourceMap: true },
    });
    // Least privilege: list one owner's orders and add new ones; no scan, update or delete.
    orders.grant(handler, 'dynamodb:Query', 'dynamodb:PutItem');

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const api = new RestApi(this, 'OrdersApi', {
      description: 'Orders: people call with Cognito access tokens, services with SigV4.',
      endpointTypes: [EndpointType.REGIONAL],
      // The account-wide API Gateway logging role is shared by every API in the Region;
      // a demo stack should not take it over. Access logs record every call instead.
      cloudWatchRole: false,
      deployOptions: {
        stageName: STAGE_NAME,
        tracingEnabled: true,
        loggingLevel: MethodLoggingLevel.OFF,
        throttlingRateLimit: THROTTLE.rateLimit,
        throttlingBurstLimit: THROTTLE.burstLimit,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        // Who called is part of every line: the token's subject, or the signer's ARN.
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            resource: '$context.resourcePath',
            status: '$context.status',
            error: '$context.error.responseType',
            user: '$context.authorizer.claims.sub',
            caller: '$context.identity.userArn',
            latencyMs: '$context.responseLatency',
          }),
        ),
      },
    });

    const authorizer = new CognitoUserPoolsAuthorizer(this, 'UsersAuthorizer', {
      cognitoUserPools: [users],
      identitySource: 'method.request.header.Authorization',
    });
    const newOrder = api.addModel('NewOrderModel', {
      contentType: 'application/json',
      schema: {
        type: JsonSchemaType.OBJECT,
        required: ['item', 'quantity'],
        additionalProperties: false,
        properties: {
          item: { type: JsonSchemaType.STRING, minLength: 1, maxLength: 100 },
          quantity: { type: JsonSchemaType.INTEGER, minimum: 1, maximum: 100 },
        },
      },
    });
    // Bodies against the model, and required path parameters, before the function is ever invoked.
    const validator = new RequestValidator(this, 'RequestValidator', {
      restApi: api,
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    // No extra permission for the console's test-invoke: only the deployed stage may invoke the function.
    const integration = new LambdaIntegration(handler, { allowTestInvoke: false });

    // People: a Cognito access token carrying the right scope.
    const userOrders = api.root.addResource('orders');
    userOrders.addMethod('GET', integration, {
      authorizationType: AuthorizationType.COGNITO,
      authorizer,
      authorizationScopes: [readScope],
      requestValidator: validator,
    });
    userOrders.addMethod('POST', integration, {
      authorizationType: AuthorizationType.COGNITO,
      authorizer,
      authorizationScopes: [writeScope],
      requestValidator: validator,
      requestModels: { 'application/json': newOrder },
    });

    // Services: a SigV4 signature from a principal whose IAM policy allows execute-api:Invoke here.
    const serviceOrders = api.root.addResource('internal').addResource('orders').addResource('{owner}');
    const ownerParameter = { 'method.request.path.owner': true };
    serviceOrders.addMethod('GET', integration, {
      authorizationType: AuthorizationType.IAM,
      requestValidator: validator,
      requestParameters: ownerParameter,
    });
    serviceOrders.addMethod('POST', integration, {
      authorizationType: AuthorizationType.IAM,
      requestParameters: ownerParameter,
      requestValidator: validator,
      requestModels: { 'application/json': newOrder },
    });

    // What a calling service needs: attach this policy to its role. The example role below
    // lets anyone in this account who may assume it try the service routes from a terminal.
    const invokePolicy = new ManagedPolicy(this, 'InternalOrdersInvokePolicy', {
      description: 'Call the service routes of the orders API (GET and POST /internal/orders/{owner}) and nothing else.',
      statements: [
        new PolicyStatement({
          actions: ['execute-api:Invoke'],
          resources: SERVICE_ROUTES.map((r) => api.arnForExecuteApi(r.method, r.path, STAGE_NAME)),
        }),
      ],
    });
    const serviceRole = new Role(this, 'OrdersServiceRole', {
      assumedBy: new AccountRootPrincipal(),
      description: 'Example caller of the orders service routes; trust your real workload (Lambda, ECS task, EC2) instead.',
      managedPolicies: [invokePolicy],
      maxSessionDuration: Duration.hours(1),
    });

    // --- Operations: one alarm topic and three alarms. ---
    const alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'API authorization with Cognito and IAM alarms', enforceSSL: true });
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
    new Alarm(this, 'ApiServerErrorsAlarm', {
      metric: api.metricServerError({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'The orders API answered 5xx. Search OrdersHandlerLogs for "orders call failed" and ApiAccessLogs for the failing requests.',
    }).addAlarmAction(notify);
    new Alarm(this, 'ApiRejectionsAlarm', {
      metric: api.metricClientError({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      threshold: 50,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'At least 50 calls in 5 minutes were refused with 4xx: expired or wrong-scope tokens, a service whose role lost its permission, or someone probing. The error and caller fields of ApiAccessLogs say which.',
    }).addAlarmAction(notify);
    new Alarm(this, 'OrdersHandlerErrorsAlarm', {
      metric: handler.metricErrors({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'The OrdersHandler function crashed or timed out. Check OrdersHandlerLogs and roll back a bad deploy.',
    }).addAlarmAction(notify);

    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });
    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'Base URL of the v1 stage.' });
    new CfnOutput(this, 'UserPoolId', { value: users.userPoolId });
    new CfnOutput(this, 'WebClientId', { value: webClient.userPoolClientId, description: 'Public app client for the authorization code grant with PKCE.' });
    new CfnOutput(this, 'AuthDomainUrl', { value: domain.baseUrl(), description: 'Hosted sign-in and token endpoints live under this URL.' });
    new CfnOutput(this, 'ServiceRoleArn', { value: serviceRole.roleArn, description: 'Assume this role to call /internal/orders/{owner} with SigV4.' });
    new CfnOutput(this, 'TableName', { value: orders.tableName });

    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason: 'A web ACL bills a fixed monthly fee; every method already demands a Cognito token or a SigV4 signature, and the stage is throttled.',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG6',
      reason: 'Execution logging needs the account-wide API Gateway CloudWatch role; JSON access logs record every request and its caller.',
    });
    for (const method of [serviceOrders.node.findChild('GET'), serviceOrders.node.findChild('POST')]) {
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-COG4',
        reason: 'Service-to-service routes use IAM (SigV4) authorization on purpose: workloads already hold IAM roles and need no user pool identity.',
      });
    }
    const apiLogicalId = this.getLogicalId(api.node.defaultChild as CfnElement);
    for (const route of SERVICE_ROUTES) {
      Validations.of(invokePolicy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${apiLogicalId}>/${STAGE_NAME}/${route.method}${route.path}]`,
        reason: 'The trailing wildcard stands for the {owner} path parameter only; the ARN fixes the API, the v1 stage, the method and /internal/orders.',
      });
    }
    Validations.of(handler).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.',
    });
    Validations.of(handlerRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
  }
}

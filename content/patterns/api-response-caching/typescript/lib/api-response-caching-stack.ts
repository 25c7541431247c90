import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  EndpointType,
  JsonSchemaType,
  JsonSchemaVersion,
  LambdaIntegration,
  LogGroupLogDestination,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { MAX_COMMENT_LENGTH } from '../lambda/catalog';
import { CacheInvalidation } from './cache-invalidation';
import { Operations, fiveMinuteSum } from './operations';

/** How long API Gateway serves a cached answer before asking the function again. */
export const PRODUCT_TTL = Duration.minutes(5);
export const REVIEWS_TTL = Duration.minutes(1);
/** The smallest stage cache; it is billed for every hour the stack exists. */
export const CACHE_SIZE_GB = '0.5';
/** Default monthly limit of the API Gateway cost budget in US dollars; override with -c monthlyBudgetUsd=... */
export const DEFAULT_MONTHLY_BUDGET_USD = 20;

const PRODUCT_ID = 'method.request.path.productId';
const CURRENCY = 'method.request.querystring.currency';

export class ApiResponseCachingStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const monthlyBudgetUsd = Number(this.node.tryGetContext('monthlyBudgetUsd') ?? DEFAULT_MONTHLY_BUDGET_USD);
    if (!Number.isFinite(monthlyBudgetUsd) || monthlyBudgetUsd <= 0) {
      throw new Error(`monthlyBudgetUsd must be a positive number of US dollars, got ${String(this.node.tryGetContext('monthlyBudgetUsd'))}`);
    }

    const catalog = new TableV2(this, 'Catalog', {
      partitionKey: { name: 'productId', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // A demo stack should leave nothing behind on `cdk destroy`.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const ttlEnvironment = {
      TABLE_NAME: catalog.tableName,
      PRODUCT_TTL_SECONDS: String(PRODUCT_TTL.toSeconds()),
      REVIEWS_TTL_SECONDS: String(REVIEWS_TTL.toSeconds()),
    };
    const reader = this.lambda('CatalogReader', 'catalog-reader.ts', 'Catalog reader: write its own logs, query the catalog table.', ttlEnvironment);
    // Least privilege: the reader only queries; it cannot write or scan.
    catalog.grant(reader, 'dynamodb:Query');
    const writer = this.lambda('ReviewWriter', 'review-writer.ts', 'Review writer: write its own logs, add reviews to the catalog table.', ttlEnvironment);
    // A transaction of a condition check on the product and a put of the review.
    catalog.grant(writer, 'dynamodb:ConditionCheckItem', 'dynamodb:PutItem');

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const api = new RestApi(this, 'CatalogApi', {
      description: 'Product catalog reads served from the stage cache; review writes go straight through.',
      endpointTypes: [EndpointType.REGIONAL],
      // Execution logging needs an account-wide role setting; access logs cover this demo.
      cloudWatchRole: false,
      deployOptions: {
        stageName: 'prod',
        tracingEnabled: true,
        throttlingRateLimit: 100,
        throttlingBurstLimit: 50,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            resource: '$context.resourcePath',
            path: '$context.path',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
          }),
        ),
        // The cache itself: one 0.5 GB cluster for the stage, encrypted at rest. Caching is off
        // for every method unless a method below turns it on.
        cacheClusterEnabled: true,
        cacheClusterSize: CACHE_SIZE_GB,
        cachingEnabled: false,
        cacheDataEncrypted: true,
        methodOptions: {
          '/products/{productId}/GET': { cachingEnabled: true, cacheTtl: PRODUCT_TTL, cacheDataEncrypted: true },
          '/products/{productId}/reviews/GET': { cachingEnabled: true, cacheTtl: REVIEWS_TTL, cacheDataEncrypted: true },
          // A write must always reach the function; say so explicitly rather than trust a default.
          '/products/{productId}/reviews/POST': { cachingEnabled: false },
        },
      },
    });

    const product = api.root.addResource('products').addResource('{productId}');
    // The cache key is the resource path plus these parameters. Leave productId out and every
    // product shares one cached answer; leave currency out and a EUR caller gets the USD price.
    product.addMethod('GET', new LambdaIntegration(reader, { cacheKeyParameters: [PRODUCT_ID, CURRENCY] }), {
      requestParameters: { [PRODUCT_ID]: true, [CURRENCY]: false },
    });
    const reviews = product.addResource('reviews');
    reviews.addMethod('GET', new LambdaIntegration(reader, { cacheKeyParameters: [PRODUCT_ID] }), {
      requestParameters: { [PRODUCT_ID]: true },
    });
    const reviewModel = api.addModel('ReviewModel', {
      contentType: 'application/json',
      modelName: 'Review',
      schema: {
        schema: JsonSchemaVersion.DRAFT4,
        title: 'Review',
        type: JsonSchemaType.OBJECT,
        required: ['rating', 'comment'],
        additionalProperties: false,
        properties: {
          rating: { type: JsonSchemaType.INTEGER, minimum: 1, maximum: 5 },
          comment: { type: JsonSchemaType.STRING, minLength: 1, maxLength: MAX_COMMENT_LENGTH },
        },
      },
    });
    reviews.addMethod('POST', new LambdaIntegration(writer), {
      requestParameters: { [PRODUCT_ID]: true },
      requestValidator: api.addRequestValidator('ReviewValidator', { validateRequestBody: true, validateRequestParameters: true }),
      requestModels: { 'application/json': reviewModel },
    });

    const invalidation = new CacheInvalidation(this, 'CacheInvalidation', {
      api,
      cachedMethods: [
        { resourcePath: '/products/{productId}', httpMethod: 'GET' },
        { resourcePath: '/products/{productId}/reviews', httpMethod: 'GET' },
      ],
    });

    // Someone is told: 5xx from the API, any function error, and the month's API Gateway bill.
    const ops = new Operations(this, 'Operations');
    ops.alarmOnAny('ApiServerErrorsAlarm', api.deploymentStage.metricServerError(fiveMinuteSum),
      'The catalog API answered 5xx. Read ApiAccessLogs for the resource and status, then the function log ("catalog read failed" or "review write failed").');
    ops.alarmOnAny('CatalogReaderErrorsAlarm', reader.metricErrors(fiveMinuteSum),
      'CatalogReader crashed or timed out. A product with very many reviews can outrun its 10-second timeout; check CatalogReaderLogs.');
    ops.alarmOnAny('ReviewWriterErrorsAlarm', writer.metricErrors(fiveMinuteSum),
      'ReviewWriter crashed or timed out. Check ReviewWriterLogs; callers got a 5xx and may retry.');
    ops.monthlyBudget('MonthlyCostBudget', 'Amazon API Gateway', monthlyBudgetUsd);

    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'GET products/{id}?currency=EUR, GET and POST products/{id}/reviews.' });
    new CfnOutput(this, 'TableName', { value: catalog.tableName });
    new CfnOutput(this, 'InvalidatorRoleArn', { value: invalidation.invalidatorRole.roleArn, description: 'Assume it to sign Cache-Control: max-age=0 requests.' });
    new CfnOutput(this, 'AlarmTopicArn', { value: ops.topic.topicArn, description: 'Alarms and the API Gateway cost budget notify this topic.' });

    Validations.of(api).acknowledge(
      { id: 'AwsSolutions-APIG4', reason: 'A public catalog demo with stage throttling; add an authorizer to the review POST before real use.' },
      { id: 'AwsSolutions-COG4', reason: 'Readers are anonymous in this demo; the authorizer choice is left to the adopter (see APIG4).' },
      { id: 'AwsSolutions-APIG3', reason: 'WAF costs a fixed monthly fee per web ACL; the demo relies on stage throttling, the request model and the cache.' },
      { id: 'AwsSolutions-APIG6', reason: 'Execution logging needs the account-wide API Gateway CloudWatch role; JSON access logs record every request.' },
    );
  }

  private lambda(id: string, file: string, description: string, environment: Record<string, string>): NodejsFunction {
    const logGroup = new LogGroup(this, `${id}Logs`, { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    // An explicit role instead of the managed basic-execution policy, which can write to every log group.
    const role = new Role(this, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description });
    logGroup.grantWrite(role);
    const fn = new NodejsFunction(this, id, {
      role,
      logGroup,
      entry: path.join(__dirname, '..', 'lambda', file),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      environment,
      bundling: { minify: true, sourceMap: true },
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
    Validations.of(fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.',
    });
    return fn;
  }
}

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ApiResponseCachingStack, DEFAULT_MONTHLY_BUDGET_USD, PRODUCT_TTL, REVIEWS_TTL } from '../lib/api-response-caching-stack';
import { UNAUTHORIZED_INVALIDATION } from '../lib/cache-invalidation';
import { appFromCdkJson } from './cdk-app';

type Resource = { Type: string; Properties: Record<string, any> };
type MethodSetting = { ResourcePath: string; HttpMethod: string; CachingEnabled?: boolean; CacheTtlInSeconds?: number; CacheDataEncrypted?: boolean; ThrottlingRateLimit?: number; ThrottlingBurstLimit?: number };

describe('ApiResponseCachingStack', () => {
  let stack: ApiResponseCachingStack;
  let template: Template;
  let settings: MethodSetting[];

  const methodAt = (pathPart: string, httpMethod: string): Resource => {
    const resources = template.findResources('AWS::ApiGateway::Resource');
    const resourceId = Object.entries(resources).find(([id, r]) => r.Properties.PathPart === pathPart && id.length > 0)?.[0];
    const method = Object.values(template.findResources('AWS::ApiGateway::Method')).find(
      (m) => m.Properties.HttpMethod === httpMethod && m.Properties.ResourceId.Ref === resourceId,
    );
    assert.ok(method, `no ${httpMethod} on ${pathPart}`);
    return method as Resource;
  };
  const settingFor = (resourcePath: string, httpMethod: string) => settings.find((s) => s.ResourcePath === resourcePath && s.HttpMethod === httpMethod);

  before(() => {
    stack = new ApiResponseCachingStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
    settings = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0].Properties.MethodSettings;
  });

  test('provisions one encrypted 0.5 GB stage cache that is off unless a method turns it on', () => {
    template.resourceCountIs('AWS::ApiGateway::Stage', 1);
    template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'prod', CacheClusterEnabled: true, CacheClusterSize: '0.5' });
    assert.deepEqual(
      [settingFor('/*', '*')?.CachingEnabled, settingFor('/*', '*')?.CacheDataEncrypted],
      [false, true],
    );
  });

  test('caches the product GET for 5 minutes and the reviews GET for 1 minute, encrypted', () => {
    assert.deepEqual(settingFor('/~1products~1{productId}', 'GET'), {
      ResourcePath: '/~1products~1{productId}',
      HttpMethod: 'GET',
      CachingEnabled: true,
      CacheTtlInSeconds: 300,
      CacheDataEncrypted: true,
      DataTraceEnabled: false,
    });
    assert.deepEqual(settingFor('/~1products~1{productId}~1reviews', 'GET'), {
      ResourcePath: '/~1products~1{productId}~1reviews',
      HttpMethod: 'GET',
      CachingEnabled: true,
      CacheTtlInSeconds: 60,
      CacheDataEncrypted: true,
      DataTraceEnabled: false,
    });
    assert.equal(PRODUCT_TTL.toSeconds(), 300);
    assert.equal(REVIEWS_TTL.toSeconds(), 60);
  });

  test('never caches the review POST', () => {
    assert.equal(settingFor('/~1products~1{productId}~1reviews', 'POST')?.CachingEnabled, false);
    assert.equal(methodAt('reviews', 'POST').Properties.Integration.CacheKeyParameters, undefined);
  });

  test('keys the product cache on the product id and the currency, and the reviews cache on the product id', () => {
    const product = methodAt('{productId}', 'GET').Properties;
    assert.deepEqual(product.Integration.CacheKeyParameters, ['method.request.path.productId', 'method.request.querystring.currency']);
    // A cache key must be a declared request parameter; the currency is optional.
    assert.deepEqual(product.RequestParameters, { 'method.request.path.productId': true, 'method.request.querystring.currency': false });
    const reviews = methodAt('reviews', 'GET').Properties;
    assert.deepEqual(reviews.Integration.CacheKeyParameters, ['method.request.path.productId']);
    assert.deepEqual(reviews.RequestParameters, { 'method.request.path.productId': true });
  });

  test('tells clients the same TTLs the stage caches for', () => {
    const fns = Object.values(template.findResources('AWS::Lambda::Function')).filter((f) => f.Properties.Environment?.Variables?.TABLE_NAME);
    assert.equal(fns.length, 2);
    for (const fn of fns) {
      assert.equal(fn.Properties.Environment.Variables.PRODUCT_TTL_SECONDS, String(settingFor('/~1products~1{productId}', 'GET')?.CacheTtlInSeconds));
      assert.equal(fn.Properties.Environment.Variables.REVIEWS_TTL_SECONDS, String(settingFor('/~1products~1{productId}~1reviews', 'GET')?.CacheTtlInSeconds));
    }
  });

  test('requires IAM authorization to invalidate and ignores unauthorized Cache-Control with a warning header', () => {
    const [settingsCall] = Object.values(template.findResources('Custom::AWS'));
    const create = JSON.parse(JSON.stringify(settingsCall.Properties.Create['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : 'TOKEN')).join('')));
    const call = JSON.parse(create);
    assert.equal(call.service, 'APIGateway');
    assert.equal(call.action, 'updateStage');
    assert.deepEqual(call.parameters.patchOperations, [
      { op: 'replace', path: '/~1products~1{productId}/GET/caching/requireAuthorizationForCacheControl', value: 'true' },
      { op: 'replace', path: '/~1products~1{productId}/GET/caching/unauthorizedCacheControlHeaderStrategy', value: 'SUCCEED_WITH_RESPONSE_HEADER' },
      { op: 'replace', path: '/~1products~1{productId}~1reviews/GET/caching/requireAuthorizationForCacheControl', value: 'true' },
      { op: 'replace', path: '/~1products~1{productId}~1reviews/GET/caching/unauthorizedCacheControlHeaderStrategy', value: 'SUCCEED_WITH_RESPONSE_HEADER' },
    ]);
    assert.equal(UNAUTHORIZED_INVALIDATION, 'SUCCEED_WITH_RESPONSE_HEADER');
    assert.deepEqual(settingsCall.Properties.Update, settingsCall.Properties.Create);
    // The helper may patch this one stage and nothing else.
    const patch = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s: { Action: string | string[] }) => [s.Action].flat().some((a) => a.startsWith('apigateway:')));
    assert.deepEqual(patch.map((s: { Action: string }) => s.Action), ['apigateway:PATCH']);
    assert.match(JSON.stringify(patch[0].Resource), /:apigateway:.*::\/restapis\/.*\/stages\//);
  });

  test('grants execute-api:InvalidateCache only to the InvalidatorRole, on the cached GETs only', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const granting = policies.filter((p) =>
      p.Properties.PolicyDocument.Statement.some((s: { Action: string | string[] }) => [s.Action].flat().some((a) => a.startsWith('execute-api:'))),
    );
    assert.equal(granting.length, 1);
    const role = Object.keys(template.findResources('AWS::IAM::Role')).find((id) => id.startsWith('CacheInvalidationInvalidatorRole'));
    assert.deepEqual(granting[0].Properties.Roles, [{ Ref: role }]);
    const [statement] = granting[0].Properties.PolicyDocument.Statement;
    assert.equal(statement.Action, 'execute-api:InvalidateCache');
    const tails = statement.Resource.map((r: { 'Fn::Join': [string, unknown[]] }) => r['Fn::Join'][1].at(-1));
    assert.deepEqual(tails, ['/GET/products/*', '/GET/products/*/reviews']);
    // Only principals of this account can assume it.
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { AWS: { 'Fn::Join': ['', Match.arrayWith([':iam::', { Ref: 'AWS::AccountId' }, ':root'])] } } })],
      },
      MaxSessionDuration: 3600,
    });
  });

  test('lets the reader only query and the writer only condition-check and put, each on the catalog table', () => {
    const table = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'))[0];
    const dynamo = Object.values(template.findResources('AWS::IAM::Policy')).map((p) => [
      p.Properties.Roles[0].Ref as string,
      p.Properties.PolicyDocument.Statement.filter((s: { Action: string | string[] }) => [s.Action].flat().some((a) => a.startsWith('dynamodb:'))),
    ]);
    const byRole = Object.fromEntries(dynamo.filter(([, s]) => s.length > 0).map(([role, s]) => [String(role).replace(/Role.*$/, ''), s.map((x: { Action: unknown; Resource: unknown }) => [x.Action, x.Resource])]));
    assert.deepEqual(byRole, {
      CatalogReader: [['dynamodb:Query', { 'Fn::GetAtt': [table, 'Arn'] }]],
      ReviewWriter: [[['dynamodb:ConditionCheckItem', 'dynamodb:PutItem'], { 'Fn::GetAtt': [table, 'Arn'] }]],
    });
  });

  test('validates review bodies against the request model before the function runs', () => {
    const post = methodAt('reviews', 'POST').Properties;
    assert.ok(post.RequestValidatorId);
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true, ValidateRequestParameters: true });
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      Schema: Match.objectLike({
        required: ['rating', 'comment'],
        additionalProperties: false,
        properties: { rating: { type: 'integer', minimum: 1, maximum: 5 }, comment: { type: 'string', minLength: 1, maxLength: 500 } },
      }),
    });
  });

  test('throttles the stage and writes JSON access logs', () => {
    assert.deepEqual([settingFor('/*', '*')?.ThrottlingRateLimit, settingFor('/*', '*')?.ThrottlingBurstLimit], [100, 50]);
    template.hasResourceProperties('AWS::ApiGateway::Stage', { AccessLogSetting: Match.objectLike({ Format: Match.stringLikeRegexp('integrationLatency') }) });
  });

  test('alarms on 5xx and on either function failing, and budgets the month of API Gateway charges, all on one topic', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    assert.deepEqual(
      alarms.map((a) => [a.Namespace, a.MetricName, a.Statistic, a.Period, a.Threshold, a.Dimensions.map((d: { Name: string }) => d.Name).join()]).sort(),
      [
        ['AWS/ApiGateway', '5XXError', 'Sum', 300, 1, 'ApiName,Stage'],
        ['AWS/Lambda', 'Errors', 'Sum', 300, 1, 'FunctionName'],
        ['AWS/Lambda', 'Errors', 'Sum', 300, 1, 'FunctionName'],
      ],
    );
    for (const alarm of alarms) assert.deepEqual(alarm.AlarmActions, [{ Ref: topics[0] }]);
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: {
        BudgetType: 'COST',
        TimeUnit: 'MONTHLY',
        BudgetLimit: { Amount: DEFAULT_MONTHLY_BUDGET_USD, Unit: 'USD' },
        CostFilters: { Service: ['Amazon API Gateway'] },
      },
      NotificationsWithSubscribers: [
        { Notification: Match.objectLike({ NotificationType: 'ACTUAL', Threshold: 100 }), Subscribers: [{ SubscriptionType: 'SNS', Address: { Ref: topics[0] } }] },
        { Notification: Match.objectLike({ NotificationType: 'FORECASTED', Threshold: 100 }), Subscribers: [{ SubscriptionType: 'SNS', Address: { Ref: topics[0] } }] },
      ],
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowBudgetsToPublish', Principal: { Service: 'budgets.amazonaws.com' } })]) },
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new ApiResponseCachingStack(appFromCdkJson({ alarmEmail: 'ops@example.com', monthlyBudgetUsd: 40 }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    withEmail.hasResourceProperties('AWS::Budgets::Budget', { Budget: Match.objectLike({ BudgetLimit: { Amount: 40, Unit: 'USD' } }) });
    assert.throws(() => new ApiResponseCachingStack(appFromCdkJson({ monthlyBudgetUsd: 'lots' }), 'Bad-Budget'), /monthlyBudgetUsd/);
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new ApiResponseCachingStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const scope of [stack, withEmail]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const open = pack.validateScope(scope).violations.map((v) => `${v.ruleName}: ${v.description}`);
        assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
      }
    }
  });
});

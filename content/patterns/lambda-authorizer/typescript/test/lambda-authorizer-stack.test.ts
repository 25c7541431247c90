import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { BEARER_TOKEN_PATTERN } from '../lambda/bearer-token';
import { LambdaAuthorizerStack } from '../lib/lambda-authorizer-stack';
import { appFromCdkJson } from './cdk-app';

const AUTH0 = {
  jwtIssuer: 'https://example-tenant.eu.auth0.com/',
  jwtAudience: 'https://orders.example.com',
  jwksUri: 'https://example-tenant.eu.auth0.com/.well-known/jwks.json',
};

type Statement = { Action: string | string[]; Resource: unknown };

describe('LambdaAuthorizerStack', () => {
  let app: App;
  let stack: LambdaAuthorizerStack;
  let template: Template;
  const logicalId = (type: string, prefix: string) => {
    const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
    assert.equal(ids.length, 1, `one ${type} named ${prefix}`);
    return ids[0]!;
  };

  before(() => {
    app = appFromCdkJson();
    stack = new LambdaAuthorizerStack(app, 'Under-Test');
    template = Template.fromStack(stack);
  });

  test('puts every method of the API behind the JWT token authorizer', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).map((m) => m.Properties);
    assert.ok(methods.length > 0);
    const authorizer = logicalId('AWS::ApiGateway::Authorizer', 'JwtTokenAuthorizer');
    for (const method of methods) {
      assert.equal(method.AuthorizationType, 'CUSTOM', `${method.HttpMethod} must not be open`);
      assert.deepEqual(method.AuthorizerId, { Ref: authorizer });
    }
  });

  test('reads the token from the Authorization header and caches each decision for five minutes', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'TOKEN',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
      IdentityValidationExpression: BEARER_TOKEN_PATTERN,
      AuthorizerUri: Match.anyValue(),
    });
  });

  test('lets API Gateway refuse headers that are not a signed bearer JWT before invoking the function', () => {
    const [authorizer] = Object.values(template.findResources('AWS::ApiGateway::Authorizer')).map((a) => a.Properties);
    const pattern = new RegExp(authorizer.IdentityValidationExpression);
    assert.ok(pattern.test('Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl'));
    for (const header of ['', 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1In0.', 'bearer a.b.c', 'Bearer a.b.c d']) {
      assert.equal(pattern.test(header), false, header);
    }
  });

  test('gives the authorizer the issuer, audience and key set from context', () => {
    const configured = Template.fromStack(new LambdaAuthorizerStack(appFromCdkJson(AUTH0), 'Configured'));
    configured.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ JWT_ISSUER: AUTH0.jwtIssuer, JWT_AUDIENCE: AUTH0.jwtAudience, JWKS_URI: AUTH0.jwksUri }),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          JWT_ISSUER: 'https://idp.example.com/',
          JWT_AUDIENCE: 'https://api.example.com',
          JWKS_URI: 'https://idp.example.com/.well-known/jwks.json',
        }),
      },
    });
  });

  test('refuses to synthesize a key set URL that is not HTTPS', () => {
    assert.throws(
      () => new LambdaAuthorizerStack(appFromCdkJson({ ...AUTH0, jwksUri: 'http://example-tenant.eu.auth0.com/.well-known/jwks.json' }), 'Plain'),
      /jwksUri must be an https:\/\/ URL/,
    );
    assert.throws(() => new LambdaAuthorizerStack(appFromCdkJson({ ...AUTH0, jwtAudience: '' }), 'Empty'), /jwtAudience/);
  });

  test('lets only this API invoke each function: the authorizer as its authorizer, the backend for GET /me', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).map((p) => p.Properties);
    assert.equal(permissions.length, 2);
    const api = logicalId('AWS::ApiGateway::RestApi', 'Api');
    const authorizer = logicalId('AWS::ApiGateway::Authorizer', 'JwtTokenAuthorizer');
    const byFunction = new Map(permissions.map((p) => [p.FunctionName['Fn::GetAtt'][0] as string, p]));
    for (const p of permissions) assert.equal(p.Principal, 'apigateway.amazonaws.com');
    const authorizerPermission = byFunction.get(logicalId('AWS::Lambda::Function', 'JwtAuthorizer'))!;
    assert.deepEqual(authorizerPermission.SourceArn['Fn::Join'][1].slice(-3), [{ Ref: api }, '/authorizers/', { Ref: authorizer }]);
    const backendPermission = byFunction.get(logicalId('AWS::Lambda::Function', 'WhoAmI'))!;
    assert.deepEqual(backendPermission.SourceArn['Fn::Join'][1].slice(-4), [{ Ref: api }, '/', { Ref: logicalId('AWS::ApiGateway::Stage', 'ApiDeploymentStagev1') }, '/GET/me']);
  });

  test('gives both functions roles that can only write their own logs and traces', () => {
    template.resourcePropertiesCountIs('AWS::IAM::Role', { ManagedPolicyArns: Match.anyValue() }, 0);
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Statement[],
    );
    const actions = [...new Set(statements.flatMap((s) => [s.Action].flat()))].sort();
    assert.deepEqual(actions, ['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    for (const s of statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('logs:')))) {
      assert.deepEqual(Object.keys(s.Resource as object), ['Fn::GetAtt']);
    }
  });

  test('throttles the stage and logs every authorizer decision as JSON', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      MethodSettings: Match.arrayWith([
        Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 }),
      ]),
    });
    const [stage] = Object.values(template.findResources('AWS::ApiGateway::Stage')).map((s) => s.Properties);
    const format = JSON.parse(stage.AccessLogSetting.Format);
    assert.equal(format.responseType, '$context.error.responseType');
    assert.equal(format.principalId, '$context.authorizer.principalId');
    assert.equal(format.apiId, '$context.apiId');
  });

  test('answers 401, 403 and authorizer failures with JSON that carries no internals', () => {
    const responses = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse')).map((r) => r.Properties);
    const byType = new Map(responses.map((r) => [r.ResponseType, r]));
    const unauthorized = byType.get('UNAUTHORIZED');
    assert.equal(unauthorized.StatusCode, '401');
    assert.equal(unauthorized.ResponseParameters['gatewayresponse.header.WWW-Authenticate'], '\'Bearer error="invalid_token"\'');
    assert.equal(byType.get('ACCESS_DENIED').StatusCode, '403');
    for (const type of ['AUTHORIZER_FAILURE', 'AUTHORIZER_CONFIGURATION_ERROR']) {
      assert.equal(byType.get(type).StatusCode, '500');
      assert.match(byType.get(type).ResponseTemplates['application/json'], /temporarily unavailable; retry later/);
    }
    for (const type of ['UNAUTHORIZED', 'ACCESS_DENIED', 'AUTHORIZER_FAILURE', 'AUTHORIZER_CONFIGURATION_ERROR', 'DEFAULT_4XX', 'DEFAULT_5XX']) {
      const response = byType.get(type);
      assert.equal(response.ResponseParameters['gatewayresponse.header.Content-Type'], "'application/json'");
      const body: string = response.ResponseTemplates['application/json'];
      // Valid JSON once API Gateway has substituted its variables.
      const filled = body.replace('$context.error.messageString', '"Missing Authentication Token"').replace('$context.requestId', 'r-1');
      assert.deepEqual(Object.keys(JSON.parse(filled)), ['message', 'requestId'], type);
      assert.doesNotMatch(body, /authorizer\.error|error\.message[^S]|integration/, type);
    }
  });

  test('alarms when the authorizer cannot decide and on any 5xx answer, notifying one alarm topic', () => {
    const topic = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topic.length, 1);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: logicalId('AWS::Logs::LogGroup', 'ApiAccessLogs') },
      FilterPattern: '{ ($.responseType = "AUTHORIZER_FAILURE") || ($.responseType = "AUTHORIZER_CONFIGURATION_ERROR") }',
      MetricTransformations: [
        { MetricNamespace: 'LambdaAuthorizer', MetricName: 'AuthorizerFailures', MetricValue: '1', Dimensions: [{ Key: 'ApiId', Value: '$.apiId' }] },
      ],
    });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    assert.deepEqual(
      alarms.map((a) => [a.Namespace, a.MetricName, a.Statistic, a.Period, a.Threshold, a.ComparisonOperator]).sort(),
      [
        ['AWS/ApiGateway', '5XXError', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold'],
        ['LambdaAuthorizer', 'AuthorizerFailures', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold'],
      ],
    );
    const failures = alarms.find((a) => a.MetricName === 'AuthorizerFailures');
    assert.deepEqual(failures.Dimensions, [{ Name: 'ApiId', Value: { Ref: logicalId('AWS::ApiGateway::RestApi', 'Api') } }]);
    for (const alarm of alarms) assert.deepEqual(alarm.AlarmActions, [{ Ref: topic[0] }]);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new LambdaAuthorizerStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('runs both functions on Node.js 24 on arm64 with tracing and a short timeout', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).map((f) => f.Properties);
    assert.equal(functions.length, 2);
    for (const fn of functions) {
      assert.equal(fn.Runtime, 'nodejs24.x');
      assert.deepEqual(fn.Architectures, ['arm64']);
      assert.deepEqual(fn.TracingConfig, { Mode: 'Active' });
      assert.equal(fn.Timeout, 5);
    }
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new LambdaAuthorizerStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const [pack, scope] of [stack, withEmail].flatMap((s) => [new AwsSolutionsChecks(), new ServerlessChecks()].map((p) => [p, s] as const))) {
      const report = pack.validateScope(scope);
      const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
    }
  });
});

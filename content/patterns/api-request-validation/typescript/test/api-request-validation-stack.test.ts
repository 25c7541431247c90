import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { ApiRequestValidationStack } from '../lib/api-request-validation-stack';
import { synth } from './synth';

type Resource = { Type: string; Properties: Record<string, any> };

describe('ApiRequestValidationStack', () => {
  let stack: ApiRequestValidationStack;
  let template: Template;

  before(() => {
    ({ stack, template } = synth());
  });

  function methods(): Record<string, Resource> {
    return template.findResources('AWS::ApiGateway::Method') as Record<string, Resource>;
  }

  function method(httpMethod: string): Resource {
    const found = Object.values(methods()).filter((m) => m.Properties.HttpMethod === httpMethod);
    assert.equal(found.length, 1);
    return found[0];
  }

  test('attaches a validator that checks body and parameters to every method', () => {
    const validators = template.findResources('AWS::ApiGateway::RequestValidator');
    assert.deepEqual(
      Object.values(validators).map((v) => [v.Properties.ValidateRequestBody, v.Properties.ValidateRequestParameters]),
      [[true, true]],
    );
    const validatorId = Object.keys(validators)[0];
    assert.equal(Object.keys(methods()).length, 2);
    for (const m of Object.values(methods())) assert.deepEqual(m.Properties.RequestValidatorId, { Ref: validatorId });
  });

  test('validates POST /quotes bodies against the QuoteRequest model whatever the content type', () => {
    const model = Object.keys(template.findResources('AWS::ApiGateway::Model', { Properties: { Name: 'QuoteRequest' } }))[0];
    assert.ok(model);
    assert.deepEqual(method('POST').Properties.RequestModels, { 'application/json': { Ref: model }, $default: { Ref: model } });
  });

  test('requires roomType and nights on GET /rates', () => {
    assert.deepEqual(method('GET').Properties.RequestParameters, {
      'method.request.querystring.roomType': true,
      'method.request.querystring.nights': true,
    });
  });

  test('answers a rejected body with a JSON 400 that stays valid JSON and leaves the detail to the access log', () => {
    const [response] = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse', { Properties: { ResponseType: 'BAD_REQUEST_BODY' } }));
    assert.equal(response.Properties.StatusCode, '400');
    assert.equal(response.Properties.ResponseParameters['gatewayresponse.header.Content-Type'], "'application/json'");
    const body = response.Properties.ResponseTemplates['application/json'] as string;
    // Templates are plain substitution, never escaped: the validator's detail quotes field names
    // (["guests"]) and would break the JSON, so it must not be in the body.
    assert.ok(!body.includes('validationErrorString'));
    const filled = body.replace('$context.error.message', 'Invalid request body').replace('$context.requestId', 'abc-123');
    assert.deepEqual(JSON.parse(filled), { message: 'Invalid request body', requestId: 'abc-123' });
  });

  test('answers a missing query string with a JSON 400 naming it', () => {
    const [response] = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse', { Properties: { ResponseType: 'BAD_REQUEST_PARAMETERS' } }));
    assert.equal(response.Properties.StatusCode, '400');
    const filled = (response.Properties.ResponseTemplates['application/json'] as string)
      .replace('$context.error.message', 'Missing required request parameters: [nights]')
      .replace('$context.requestId', 'abc-123');
    assert.deepEqual(JSON.parse(filled), { message: 'Missing required request parameters: [nights]', requestId: 'abc-123' });
  });

  test('throttles the stage and logs each request with its validation error', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      MethodSettings: [Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 50 })],
      AccessLogSetting: Match.objectLike({ Format: Match.stringLikeRegexp('"validationError":"\\$context.error.validationErrorString"') }),
    });
  });

  test('lets only the two methods of this API invoke the function', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).map((p) => p.Properties);
    assert.equal(permissions.length, 2);
    const api = Object.keys(template.findResources('AWS::ApiGateway::RestApi'))[0];
    const routes = permissions.map((p) => {
      assert.equal(p.Principal, 'apigateway.amazonaws.com');
      const parts = p.SourceArn['Fn::Join'][1];
      assert.ok(parts.some((part: unknown) => JSON.stringify(part) === JSON.stringify({ Ref: api })));
      return parts.at(-1);
    });
    assert.deepEqual(routes.sort(), ['/GET/rates', '/POST/quotes']);
  });

  test('gives the function a role that can write its own logs and traces and nothing else', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const actions = statements.flatMap((s: { Action: string | string[] }) => [s.Action].flat()).sort();
    assert.deepEqual(actions, ['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  test('alarms on any 5xx answer and on function errors, notifying one alarm topic', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    assert.deepEqual(
      alarms.map((a) => [a.Namespace, a.MetricName, a.Statistic, a.Period, a.Threshold, a.ComparisonOperator]).sort(),
      [
        ['AWS/ApiGateway', '5XXError', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold'],
        ['AWS/Lambda', 'Errors', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold'],
      ],
    );
    for (const alarm of alarms) assert.deepEqual(alarm.AlarmActions, [{ Ref: topics[0] }]);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    synth({ alarmEmail: 'ops@example.com' }, 'With-Email').template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = synth({ alarmEmail: 'ops@example.com' }, 'Nag-With-Email').stack;
    for (const scope of [stack, withEmail]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const open = pack.validateScope(scope).violations.map((v) => `${v.ruleName}: ${v.description}`);
        assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
      }
    }
  });
});

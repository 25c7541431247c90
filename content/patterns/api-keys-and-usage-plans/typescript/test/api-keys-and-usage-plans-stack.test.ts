import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { ApiKeysAndUsagePlansStack } from '../lib/api-keys-and-usage-plans-stack';
import { synth } from './synth';

type Props = Record<string, any>;

describe('ApiKeysAndUsagePlansStack', () => {
  let stack: ApiKeysAndUsagePlansStack;
  let template: Template;

  before(() => {
    ({ stack, template } = synth());
  });

  const resources = (type: string): Record<string, Props> =>
    Object.fromEntries(Object.entries(template.findResources(type)).map(([id, r]) => [id, r.Properties as Props]));

  /** Usage plans keyed by the tier named in their construct id (FreePlan → Free). */
  function plansByTier(): Record<string, Props & { logicalId: string }> {
    return Object.fromEntries(
      Object.entries(resources('AWS::ApiGateway::UsagePlan')).map(([id, p]) => [/Api(Free|Pro)Plan/.exec(id)?.[1] ?? id, { ...p, logicalId: id }]),
    );
  }

  test('requires an API key on every method', () => {
    const methods = Object.values(resources('AWS::ApiGateway::Method'));
    assert.equal(methods.length, 2);
    for (const m of methods) assert.equal(m.ApiKeyRequired, true);
  });

  test('offers a free and a pro plan with their own per-key throttle and quota', () => {
    const plans = plansByTier();
    assert.deepEqual(Object.keys(plans).sort(), ['Free', 'Pro']);
    assert.deepEqual([plans.Free.Throttle, plans.Free.Quota], [{ RateLimit: 5, BurstLimit: 10 }, { Limit: 1000, Period: 'DAY' }]);
    assert.deepEqual([plans.Pro.Throttle, plans.Pro.Quota], [{ RateLimit: 50, BurstLimit: 100 }, { Limit: 100000, Period: 'MONTH' }]);
  });

  test('throttles the history method tighter than the rest of the API in every plan', () => {
    const plans = plansByTier();
    const api = Object.keys(resources('AWS::ApiGateway::RestApi'))[0];
    const stage = Object.keys(resources('AWS::ApiGateway::Stage'))[0];
    const expected = { Free: { RateLimit: 1, BurstLimit: 2 }, Pro: { RateLimit: 10, BurstLimit: 20 } } as const;
    for (const [tier, history] of Object.entries(expected)) {
      const plan = plans[tier];
      assert.deepEqual(plan.ApiStages, [{ ApiId: { Ref: api }, Stage: { Ref: stage }, Throttle: { '/forecasts/{city}/history/GET': history } }]);
      assert.ok(history.RateLimit < plan.Throttle.RateLimit);
    }
  });

  test('puts each generated demo key in exactly one plan', () => {
    const plans = plansByTier();
    const keys = resources('AWS::ApiGateway::ApiKey');
    const links = Object.values(resources('AWS::ApiGateway::UsagePlanKey')).map((l) => [l.KeyId.Ref, l.UsagePlanId.Ref, l.KeyType]);
    assert.deepEqual(
      links.sort(),
      [
        [Object.keys(keys).find((k) => k.startsWith('FreeDemoKey')), plans.Free.logicalId, 'API_KEY'],
        [Object.keys(keys).find((k) => k.startsWith('ProDemoKey')), plans.Pro.logicalId, 'API_KEY'],
      ].sort(),
    );
  });

  test('lets API Gateway generate every key value and outputs only key ids', () => {
    const keys = resources('AWS::ApiGateway::ApiKey');
    assert.equal(Object.keys(keys).length, 2);
    for (const key of Object.values(keys)) {
      assert.equal(key.Value, undefined, 'a key value in the template would be readable by anyone who can read the stack');
      assert.equal(key.Name, undefined, 'generated names keep two deployments from colliding');
      assert.equal(key.Enabled, true);
    }
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown; Description?: string }>;
    for (const tier of ['Free', 'Pro']) {
      const output = outputs[`${tier}KeyId`];
      assert.deepEqual(output.Value, { Ref: Object.keys(keys).find((k) => k.startsWith(`${tier}DemoKey`)) });
      assert.match(output.Description ?? '', /aws apigateway get-api-key --include-value/);
    }
  });

  test('backs the plans with a stage-wide throttle for all keys together', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      MethodSettings: [Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 })],
    });
  });

  test('answers a bad key with 403 and each limit with 429, in JSON naming the error type', () => {
    const responses = Object.values(resources('AWS::ApiGateway::GatewayResponse'));
    const byType: Record<string, Props> = Object.fromEntries(responses.map((r) => [r.ResponseType, r]));
    assert.deepEqual(Object.keys(byType).sort(), ['DEFAULT_4XX', 'INVALID_API_KEY', 'QUOTA_EXCEEDED', 'THROTTLED']);
    // DEFAULT_4XX sets no status code, so a request with no key keeps API Gateway's own 403.
    assert.deepEqual(
      Object.fromEntries(Object.entries(byType).map(([type, r]) => [type, r.StatusCode])),
      { INVALID_API_KEY: '403', THROTTLED: '429', QUOTA_EXCEEDED: '429', DEFAULT_4XX: undefined },
    );
    for (const [type, r] of Object.entries(byType)) {
      const filled = (r.ResponseTemplates['application/json'] as string)
        .replace('$context.error.message', 'Forbidden')
        .replace('$context.error.responseType', type)
        .replace('$context.requestId', 'abc-123');
      const body = JSON.parse(filled);
      assert.equal(body.errorType, type);
      assert.equal(typeof body.message, 'string');
      assert.equal(r.ResponseParameters['gatewayresponse.header.Content-Type'], "'application/json'");
    }
  });

  test('logs the key id of every request and never the key value', () => {
    const [stage] = Object.values(resources('AWS::ApiGateway::Stage'));
    const format = JSON.parse(stage.AccessLogSetting.Format);
    assert.equal(format.apiKeyId, '$context.identity.apiKeyId');
    assert.equal(format.errorType, '$context.error.responseType');
    assert.doesNotMatch(stage.AccessLogSetting.Format, /\$context\.identity\.apiKey"/);
  });

  test('lets only the two methods of this API invoke the function', () => {
    const permissions = Object.values(resources('AWS::Lambda::Permission'));
    assert.equal(permissions.length, 2);
    const api = Object.keys(resources('AWS::ApiGateway::RestApi'))[0];
    const routes = permissions.map((p) => {
      assert.equal(p.Principal, 'apigateway.amazonaws.com');
      const parts = p.SourceArn['Fn::Join'][1] as unknown[];
      assert.ok(parts.some((part) => JSON.stringify(part) === JSON.stringify({ Ref: api })));
      return parts.at(-1);
    });
    assert.deepEqual(routes.sort(), ['/GET/forecasts/*', '/GET/forecasts/*/history']);
  });

  test('gives the function a role that can write its own logs and traces and nothing else', () => {
    const statements = Object.values(resources('AWS::IAM::Policy')).flatMap((p) => p.PolicyDocument.Statement);
    const actions = statements.flatMap((s: { Action: string | string[] }) => [s.Action].flat()).sort();
    assert.deepEqual(actions, ['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  test('alarms on 5xx answers, function errors and a spike of 4xx answers, notifying one alarm topic', () => {
    const topics = Object.keys(resources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    const alarms = Object.values(resources('AWS::CloudWatch::Alarm'));
    assert.deepEqual(
      alarms.map((a) => [a.Namespace, a.MetricName, a.Statistic, a.Period, a.Threshold, a.ComparisonOperator]).sort(),
      [
        ['AWS/ApiGateway', '4XXError', 'Sum', 300, 100, 'GreaterThanOrEqualToThreshold'],
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

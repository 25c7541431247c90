import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { BREAKER, TheEventbridgeCircuitBreakerStack } from '../lib/the-eventbridge-circuit-breaker-stack';
import { appFromCdkJson } from './cdk-app';

type Statement = { Action: string | string[]; Resource: unknown };

describe('TheEventbridgeCircuitBreakerStack', () => {
  let stack: TheEventbridgeCircuitBreakerStack;
  let template: Template;

  before(() => {
    stack = new TheEventbridgeCircuitBreakerStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
  });

  function fn(prefix: string): any {
    const entry = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith(prefix));
    assert.ok(entry, `no function ${prefix}`);
    return entry[1];
  }

  function dataActions(rolePrefix: string): string[] {
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith(rolePrefix)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .flatMap((s) => [s.Action].flat())
      .filter((a) => /^(dynamodb|events):/.test(a))
      .sort();
  }

  test('keys failures by service and time, and lets DynamoDB expire them', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'service', KeyType: 'HASH' },
        { AttributeName: 'failedAt', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  test('opens the circuit after three failures in sixty seconds and gives up on a call after two seconds', () => {
    assert.deepEqual(BREAKER, { failureThreshold: 3, windowSeconds: 60, serviceTimeoutMs: 2000 });
    const env = fn('Caller').Properties.Environment.Variables;
    assert.equal(env.FAILURE_THRESHOLD, '3');
    assert.equal(env.WINDOW_SECONDS, '60');
    assert.equal(env.SERVICE_TIMEOUT_MS, '2000');
    assert.equal(env.SERVICE_URL, undefined, 'without context, the stand-in service is used');
    assert.equal(fn('FailureRecorder').Properties.Environment.Variables.WINDOW_SECONDS, '60');
  });

  test('guards a real dependency when one is given as context', () => {
    const app = appFromCdkJson({ serviceUrl: 'https://api.example.com/v1/quote' });
    const other = Template.fromStack(new TheEventbridgeCircuitBreakerStack(app, 'With-Url'));
    const [caller] = Object.entries(other.findResources('AWS::Lambda::Function')).filter(([id]) => id.startsWith('Caller'));
    const vars = caller?.[1].Properties.Environment.Variables;
    assert.equal(vars.SERVICE_URL, 'https://api.example.com/v1/quote');
    assert.equal(vars.SERVICE_NAME, 'api.example.com');
  });

  test('gives the Caller a slightly longer timeout than the dependency call', () => {
    assert.ok(fn('Caller').Properties.Timeout * 1000 > BREAKER.serviceTimeoutMs + 1000);
  });

  test('lets the Caller only read failures and the recorder only write them', () => {
    assert.deepEqual(dataActions('CallerRole'), ['dynamodb:Query', 'events:PutEvents']);
    assert.deepEqual(dataActions('FailureRecorderRole'), ['dynamodb:PutItem']);
    assert.deepEqual(dataActions('UnreliableServiceRole'), []);
  });

  test('gives each function a role of its own and no managed policies', () => {
    const roles = ['Caller', 'FailureRecorder', 'UnreliableService'].map((n) => fn(n).Properties.Role['Fn::GetAtt'][0]);
    assert.equal(new Set(roles).size, 3);
    template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  test('routes only ServiceCallFailed events from the Caller to the recorder, retrying for one window', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: Match.stringLikeRegexp('^BreakerBus') },
      EventPattern: { source: ['circuit-breaker.caller'], 'detail-type': ['ServiceCallFailed'] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FailureRecorder'), 'Arn'] },
          RetryPolicy: { MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 2 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: Match.stringLikeRegexp('^FailureRecorder') },
      MaximumEventAgeInSeconds: 60,
      MaximumRetryAttempts: 2,
    });
  });

  test('alarms when failure events are dropped, by the rule or by the recorder, on the one alarm topic', () => {
    const [topic] = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.match(topic, /^AlarmTopic/);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    assert.equal(alarms.length, 2);
    for (const alarm of alarms) assert.deepEqual(alarm.Properties.AlarmActions, [{ Ref: topic }]);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^FailureRecorder[0-9A-F]{8}$') } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Events',
      MetricName: 'FailedInvocations',
      Dimensions: Match.arrayWith([{ Name: 'RuleName', Value: { Ref: Match.stringLikeRegexp('^FailureRule') } }]),
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new TheEventbridgeCircuitBreakerStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'WithEmail'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('serves the breaker at GET / and the stand-in dependency at GET /unreliable, both validated', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).filter((m) => m.Properties.HttpMethod === 'GET');
    const targets = methods.map((m) => JSON.stringify(m.Properties.Integration.Uri));
    assert.equal(methods.length, 2);
    assert.ok(targets.some((t) => t.includes('Caller')));
    assert.ok(targets.some((t) => t.includes('UnreliableService')));
    for (const m of methods) {
      assert.deepEqual(m.Properties.RequestParameters, { 'method.request.querystring.fail': false });
      assert.ok(m.Properties.RequestValidatorId);
    }
  });

  test('throttles the stage and writes JSON access logs', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      TracingEnabled: true,
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 })]),
      AccessLogSetting: Match.objectLike({ Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') }),
    });
  });

  test('runs every function on Node.js 24, arm64, with JSON logs and tracing', () => {
    for (const name of ['Caller', 'FailureRecorder', 'UnreliableService']) {
      const p = fn(name).Properties;
      assert.equal(p.Runtime, 'nodejs24.x', name);
      assert.deepEqual(p.Architectures, ['arm64'], name);
      assert.equal(p.LoggingConfig.LogFormat, 'JSON', name);
      assert.deepEqual(p.TracingConfig, { Mode: 'Active' }, name);
    }
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    // Also with -c alarmEmail: the e-mail subscription is a resource of its own that the packs check.
    const withEmail = new TheEventbridgeCircuitBreakerStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const scope of [stack, withEmail]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const report = pack.validateScope(scope);
        const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
        assert.deepEqual(open, [], `${pack.name} has unacknowledged findings in ${scope.node.id}`);
      }
    }
  });
});

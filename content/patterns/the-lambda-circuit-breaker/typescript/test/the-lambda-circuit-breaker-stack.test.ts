import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { stateChangeLine } from '../lambda/state-log';
import { BREAKER, TheLambdaCircuitBreakerStack } from '../lib/the-lambda-circuit-breaker-stack';
import { appFromCdkJson } from './cdk-app';

type Statement = { Action: string | string[] };

function functionNamed(template: Template, prefix: string): any {
  const entry = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith(prefix));
  assert.ok(entry, `no function ${prefix}`);
  return entry[1];
}

describe('TheLambdaCircuitBreakerStack', () => {
  let stack: TheLambdaCircuitBreakerStack;
  let template: Template;

  before(() => {
    stack = new TheLambdaCircuitBreakerStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
  });

  function dataActions(rolePrefix: string): string[] {
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith(rolePrefix)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .flatMap((s) => [s.Action].flat())
      .filter((a) => a.startsWith('dynamodb:'))
      .sort();
  }

  test('keeps one item per circuit in an on-demand table', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'circuitId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  test('configures the breaker: 3 failures open it, 2 trial successes close it, 15 s open, 2 s per call', () => {
    assert.deepEqual(BREAKER, { failureThreshold: 3, successThreshold: 2, openTimeoutMs: 15_000, callTimeoutMs: 2_000 });
    const env = functionNamed(template, 'Caller').Properties.Environment.Variables;
    assert.equal(env.FAILURE_THRESHOLD, '3');
    assert.equal(env.SUCCESS_THRESHOLD, '2');
    assert.equal(env.OPEN_TIMEOUT_MS, '15000');
    assert.equal(env.CALL_TIMEOUT_MS, '2000');
    assert.equal(env.CIRCUIT_ID, 'recommendations');
    assert.equal(env.DOWNSTREAM_URL, undefined);
    assert.equal(functionNamed(template, 'Downstream').Properties.Environment.Variables.FAILURE_RATE, '0.5');
  });

  test('takes a real downstream URL and the stand-in failure rate from context', () => {
    const app = appFromCdkJson({ downstreamUrl: 'https://recs.example.com/v2', failureRate: '0.2' });
    const other = Template.fromStack(new TheLambdaCircuitBreakerStack(app, 'With-Context'));
    const env = functionNamed(other, 'Caller').Properties.Environment.Variables;
    assert.equal(env.DOWNSTREAM_URL, 'https://recs.example.com/v2');
    assert.equal(env.CIRCUIT_ID, 'recs.example.com');
    assert.equal(functionNamed(other, 'Downstream').Properties.Environment.Variables.FAILURE_RATE, '0.2');
    assert.throws(() => new TheLambdaCircuitBreakerStack(appFromCdkJson({ failureRate: '2' }), 'Bad'), /between 0 and 1/);
  });

  test('lets the Caller read and conditionally write its state, and nothing more', () => {
    assert.deepEqual(dataActions('CallerRole'), ['dynamodb:GetItem', 'dynamodb:PutItem']);
    assert.deepEqual(dataActions('DownstreamRole'), []);
    template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  test('gives the Caller time for the downstream call plus the state reads and writes', () => {
    assert.ok(functionNamed(template, 'Caller').Properties.Timeout * 1000 >= BREAKER.callTimeoutMs + 3000);
  });

  test('routes GET / to the Caller and GET /downstream to the stand-in', () => {
    const integrations = template.findResources('AWS::ApiGatewayV2::Integration');
    const targetOf = (routeKey: string) => {
      const route = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).find((r) => r.Properties.RouteKey === routeKey);
      assert.ok(route, `no route ${routeKey}`);
      const integrationId = route.Properties.Target['Fn::Join'][1][1].Ref;
      return integrations[integrationId].Properties.IntegrationUri['Fn::GetAtt'][0] as string;
    };
    assert.match(targetOf('GET /'), /^Caller/);
    assert.match(targetOf('GET /downstream'), /^Downstream/);
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 2);
  });

  test('alarms when the circuit opens, counting the transition lines the Caller writes', () => {
    const [filter] = Object.values(template.findResources('AWS::Logs::MetricFilter'));
    assert.ok(filter, 'no metric filter');
    assert.match(filter.Properties.LogGroupName.Ref, /^CallerLogs/);
    assert.equal(filter.Properties.FilterPattern, '"-> OPEN"');
    const [{ MetricName, MetricNamespace, MetricValue }] = filter.Properties.MetricTransformations;
    assert.equal(MetricName, 'CircuitOpened');
    assert.equal(MetricValue, '1');
    // The phrase is in the lines the Caller writes when the circuit opens, and in no other transition.
    const phrase = filter.Properties.FilterPattern.slice(1, -1);
    assert.ok(stateChangeLine('CLOSED', 'OPEN', 'recommendations').includes(phrase));
    assert.ok(stateChangeLine('HALF_OPEN', 'OPEN', 'recommendations').includes(phrase));
    for (const [from, to] of [['OPEN', 'HALF_OPEN'], ['HALF_OPEN', 'CLOSED']]) assert.ok(!stateChangeLine(from!, to!, 'x').includes(phrase), to);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: MetricNamespace,
      MetricName: 'CircuitOpened',
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  test('sends both alarms, circuit opened and Caller errors, to the one alarm topic', () => {
    const [topic] = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.match(topic, /^AlarmTopic/);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    assert.equal(alarms.length, 2);
    for (const alarm of alarms) assert.deepEqual(alarm.Properties.AlarmActions, [{ Ref: topic }]);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^Caller[0-9A-F]{8}$') } }],
      Period: 300,
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new TheLambdaCircuitBreakerStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'WithEmail'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('throttles the stage and writes JSON access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingBurstLimit: 40, ThrottlingRateLimit: 20 },
      AccessLogSettings: Match.objectLike({ Format: Match.stringLikeRegexp('"status":"\\$context.status"') }),
    });
  });

  test('runs both functions on Node.js 24, arm64, with JSON logs and tracing', () => {
    for (const name of ['Caller', 'Downstream']) {
      const p = functionNamed(template, name).Properties;
      assert.equal(p.Runtime, 'nodejs24.x', name);
      assert.deepEqual(p.Architectures, ['arm64'], name);
      assert.equal(p.LoggingConfig.LogFormat, 'JSON', name);
      assert.deepEqual(p.TracingConfig, { Mode: 'Active' }, name);
    }
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    // Also with -c alarmEmail: the e-mail subscription is a resource of its own that the packs check.
    const withEmail = new TheLambdaCircuitBreakerStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const scope of [stack, withEmail]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const report = pack.validateScope(scope);
        const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
        assert.deepEqual(open, [], `${pack.name} has unacknowledged findings in ${scope.node.id}`);
      }
    }
  });
});

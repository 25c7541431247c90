import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { appFromCdkJson } from './cdk-app';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { EVALUATION, THRESHOLDS } from '../lib/service-monitoring';
import { TheCloudwatchDashboardStack } from '../lib/the-cloudwatch-dashboard-stack';

type Json = Record<string, any>;

/** The dashboard body with every reference written as `<LogicalId>`, parsed back into JSON. */
function dashboardBody(template: Template): Json {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const parts = dashboard!.Properties.DashboardBody['Fn::Join'][1] as unknown[];
  const text = parts
    .map((p) => {
      if (typeof p === 'string') return p;
      const v = p as Json;
      return `<${v.Ref ?? (v['Fn::GetAtt'] as string[]).join('.')}>`;
    })
    .join('');
  return JSON.parse(text);
}

describe('TheCloudwatchDashboardStack', () => {
  let stack: TheCloudwatchDashboardStack;
  let template: Template;
  let alarms: Record<string, Json>;
  let topicId: string;

  const logicalId = (type: string) => {
    const ids = Object.keys(template.findResources(type));
    assert.equal(ids.length, 1, `expected one ${type}`);
    return ids[0]!;
  };
  const alarm = (name: string): Json => {
    const found = Object.entries(alarms).filter(([id]) => id.startsWith(`MonitoringAlarms${name}`));
    assert.equal(found.length, 1, `expected one alarm named ${name}`);
    return found[0]![1].Properties;
  };
  const statOf = (props: Json, metricName: string) =>
    (props.Metrics as Json[]).find((m) => m.MetricStat?.Metric.MetricName === metricName)?.MetricStat;
  /** A single-metric alarm, whichever of CloudWatch's two shapes CDK chose for it. */
  const single = (props: Json) => {
    const stat = props.Metrics ? (props.Metrics as Json[])[0]!.MetricStat : undefined;
    return stat
      ? { name: stat.Metric.MetricName, namespace: stat.Metric.Namespace, stat: stat.Stat, dimensions: stat.Metric.Dimensions as Json[] }
      : { name: props.MetricName, namespace: props.Namespace, stat: props.ExtendedStatistic ?? props.Statistic, dimensions: props.Dimensions as Json[] };
  };

  before(() => {
    stack = new TheCloudwatchDashboardStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
    alarms = template.findResources('AWS::CloudWatch::Alarm');
    topicId = logicalId('AWS::SNS::Topic');
  });

  test('keeps the watched service intact: HTTP API -> function -> table', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HitCounter'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 5,
      Environment: { Variables: { HITS_TABLE_NAME: { Ref: Match.stringLikeRegexp('^Hits') } } },
    });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { KeySchema: [{ AttributeName: 'path', KeyType: 'HASH' }] });
  });

  test('lets the function do nothing to the table but UpdateItem', () => {
    const actions = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[] }[])
      .flatMap((s) => [s.Action].flat())
      .filter((a) => a.startsWith('dynamodb:'));
    assert.deepEqual(actions, ['dynamodb:UpdateItem']);
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  test('writes access logs whose status and latency are numbers', () => {
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!.Properties;
    assert.deepEqual(stage.DefaultRouteSettings, { ThrottlingBurstLimit: 50, ThrottlingRateLimit: 100 });
    const sample = (stage.AccessLogSettings.Format as string).replace(/\$context\.status|\$context\.responseLatency/g, '42').replace(/\$context\.[\w.]+/g, 'x');
    assert.deepEqual(JSON.parse(sample), { requestId: 'x', ip: 'x', method: 'x', path: 'x', status: 42, latencyMs: 42 });
  });

  test('creates eight alarms, all notifying the topic on ALARM and on OK', () => {
    assert.equal(Object.keys(alarms).length, 8);
    for (const { Properties: p } of Object.values(alarms)) {
      assert.deepEqual(p.AlarmActions, [{ Ref: topicId }]);
      assert.deepEqual(p.OKActions, [{ Ref: topicId }]);
      assert.equal(p.TreatMissingData, 'notBreaching');
      assert.equal(p.EvaluationPeriods, EVALUATION.evaluationPeriods);
      assert.equal(p.DatapointsToAlarm, EVALUATION.datapointsToAlarm);
      assert.equal(p.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
    }
    assert.deepEqual([EVALUATION.evaluationPeriods, EVALUATION.datapointsToAlarm, EVALUATION.period.toSeconds()], [5, 3, 60]);
  });

  test('alarms on API error rates as percentages of requests', () => {
    for (const [name, metric, threshold] of [
      ['ApiServerErrors', '5xx', 1],
      ['ApiClientErrors', '4xx', 10],
    ] as const) {
      const p = alarm(name);
      assert.equal(p.Threshold, threshold);
      const expression = (p.Metrics as Json[]).find((m) => m.Expression)!;
      assert.match(expression.Expression, /^IF\(\w+Total > 0, 100 \* \w+Errors \/ \w+Total, 0\)$/);
      assert.equal(statOf(p, metric).Metric.Namespace, 'AWS/ApiGateway');
      assert.equal(statOf(p, 'Count').Stat, 'Sum');
      assert.equal(statOf(p, metric).Period, 60);
    }
    assert.equal(THRESHOLDS.apiServerErrorPercent, 1);
  });

  test('alarms on p99 latency of the API and the function', () => {
    const api = alarm('ApiLatencyP99');
    assert.deepEqual({ ...single(api), dimensions: undefined, threshold: api.Threshold }, { name: 'Latency', namespace: 'AWS/ApiGateway', stat: 'p99', dimensions: undefined, threshold: 1000 });
    const fn = alarm('FunctionDurationP99');
    assert.deepEqual({ ...single(fn), dimensions: undefined, threshold: fn.Threshold }, { name: 'Duration', namespace: 'AWS/Lambda', stat: 'p99', dimensions: undefined, threshold: 4000 });
    // The duration alarm must fire before the 5 s timeout is reached.
    assert.ok(fn.Threshold < 5000);
  });

  test('alarms on function errors and throttles', () => {
    const errors = alarm('FunctionErrors');
    assert.equal(errors.Threshold, 1);
    assert.equal(statOf(errors, 'Errors').Metric.Namespace, 'AWS/Lambda');
    assert.equal(statOf(errors, 'Invocations').Stat, 'Sum');
    const throttles = alarm('FunctionThrottles');
    assert.deepEqual([single(throttles).name, single(throttles).stat, throttles.Threshold], ['Throttles', 'Sum', 1]);
  });

  test('alarms on DynamoDB throttles and system errors for UpdateItem on the hits table', () => {
    const hits = logicalId('AWS::DynamoDB::GlobalTable');
    const throttles = alarm('TableThrottles');
    const metric = single(throttles);
    assert.equal(metric.name, 'ThrottledRequests');
    assert.ok(metric.dimensions.some((d) => d.Name === 'TableName' && d.Value.Ref === hits));
    assert.ok(metric.dimensions.some((d) => d.Name === 'Operation' && d.Value === 'UpdateItem'));
    const systemErrors = alarm('TableSystemErrors');
    assert.equal(statOf(systemErrors, 'SystemErrors').Metric.Namespace, 'AWS/DynamoDB');
    assert.equal(systemErrors.Threshold, 1);
  });

  test('builds a dashboard covering API, function, table, alarms and logs', () => {
    const body = dashboardBody(template);
    const widgets = body.widgets as Json[];
    const metrics = widgets.filter((w) => w.type === 'metric').flatMap((w) => w.properties.metrics as unknown[][]);
    const has = (namespace: string, name: string, stat?: string) =>
      metrics.some((m) => m[0] === namespace && m[1] === name && (!stat || (m.at(-1) as Json).stat === stat));

    for (const p of ['p50', 'p90', 'p99']) {
      assert.ok(has('AWS/ApiGateway', 'Latency', p), `API latency ${p}`);
      assert.ok(has('AWS/Lambda', 'Duration', p), `function duration ${p}`);
    }
    for (const name of ['Count', '4xx', '5xx']) assert.ok(has('AWS/ApiGateway', name), name);
    for (const name of ['Invocations', 'Errors', 'Throttles', 'ConcurrentExecutions']) assert.ok(has('AWS/Lambda', name), name);
    for (const name of ['ConsumedWriteCapacityUnits', 'SuccessfulRequestLatency', 'ThrottledRequests', 'SystemErrors']) {
      assert.ok(has('AWS/DynamoDB', name), name);
    }

    const alarmWidget = widgets.find((w) => w.type === 'alarm')!;
    assert.equal(alarmWidget.properties.alarms.length, 8);

    const logWidgets = widgets.filter((w) => w.type === 'log');
    assert.equal(logWidgets.length, 2);
    assert.ok(logWidgets.some((w) => /filter level = "ERROR"/.test(w.properties.query)));
    assert.ok(logWidgets.some((w) => /sort latencyMs desc/.test(w.properties.query)));
  });

  test('enforces TLS on the alarm topic and subscribes no one unless asked', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      }),
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  test('subscribes an email address given as the alarmEmail context value', () => {
    const app = appFromCdkJson({ alarmEmail: 'oncall@example.com' });
    const withEmail = Template.fromStack(new TheCloudwatchDashboardStack(app, 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new TheCloudwatchDashboardStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const [pack, scope] of [stack, withEmail].flatMap((s) => [new AwsSolutionsChecks(), new ServerlessChecks()].map((p) => [p, s] as const))) {
      const report = pack.validateScope(scope);
      const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
    }
  });
});

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { createHandler } from '../lambda/place-order';
import { DEFAULT_SERVICE_NAME, METRICS_NAMESPACE } from '../lambda/telemetry';
import { BUSINESS_HOURS, THRESHOLDS } from '../lib/order-monitoring';
import { DEBUG_SAMPLE_RATE, LOG_LEVEL, PowertoolsObservabilityStack } from '../lib/powertools-observability-stack';
import { appFromCdkJson } from './cdk-app';
import { context, recordingTrace, request, validOrder } from './handler-setup';
import { captureOutput, emfLines } from './stdout';

type Resource = { Type: string; Properties: Record<string, any> };

describe('PowertoolsObservabilityStack', () => {
  let stack: PowertoolsObservabilityStack;
  let template: Template;
  let functionId: string;
  let env: Record<string, string>;

  before(() => {
    stack = new PowertoolsObservabilityStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
    const [id, fn] = Object.entries(template.findResources('AWS::Lambda::Function'))[0];
    functionId = id;
    env = fn.Properties.Environment.Variables;
  });

  const alarms = () => Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);

  /** Dashboard JSON with the function name as <function> and any other token as <token>. */
  const dashboardBody = () => {
    const body = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody;
    const parts: unknown[] = body['Fn::Join'][1];
    const text = parts
      .map((p) => (typeof p === 'string' ? p : JSON.stringify(p) === JSON.stringify({ Ref: functionId }) ? '<function>' : '<token>'))
      .join('');
    return JSON.parse(text) as { widgets: { type: string; properties: Record<string, any> }[] };
  };

  /** namespace|metric|dimension=value,... for every metric of our namespace the alarms and dashboard read. */
  const referencedMetrics = () => {
    const keys = new Set<string>();
    const add = (namespace: string, name: string, dims: [string, string][]) => {
      if (namespace !== METRICS_NAMESPACE) return;
      keys.add(`${namespace}|${name}|${dims.map(([k, v]) => `${k}=${v}`).sort().join(',')}`);
    };
    const dimValue = (v: unknown) => (JSON.stringify(v) === JSON.stringify({ Ref: functionId }) ? '<function>' : String(v));
    for (const alarm of alarms()) {
      const stats = alarm.Metrics ? alarm.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric) : [alarm];
      for (const m of stats) add(m.Namespace, m.MetricName, (m.Dimensions ?? []).map((d: any) => [d.Name, dimValue(d.Value)]));
    }
    for (const widget of dashboardBody().widgets) {
      for (const line of [...(widget.properties.metrics ?? [])]) {
        if (typeof line[0] !== 'string') continue;
        const [namespace, name, ...rest] = line.filter((x: unknown) => typeof x === 'string');
        const dims: [string, string][] = [];
        for (let i = 0; i < rest.length; i += 2) dims.push([rest[i], rest[i + 1]]);
        add(namespace, name, dims);
      }
    }
    return keys;
  };

  test('configures Powertools through the environment: service, namespace, log level and debug sampling', () => {
    assert.equal(env.POWERTOOLS_SERVICE_NAME, DEFAULT_SERVICE_NAME);
    assert.equal(env.POWERTOOLS_METRICS_NAMESPACE, METRICS_NAMESPACE);
    assert.equal(env.LOG_LEVEL, LOG_LEVEL);
    assert.equal(env.LOG_LEVEL, 'INFO');
    assert.equal(env.POWERTOOLS_LOGGER_SAMPLE_RATE, String(DEBUG_SAMPLE_RATE));
    assert.equal(env.POWERTOOLS_TRACER_CAPTURE_RESPONSE, 'false');
    const renamed = Template.fromStack(new PowertoolsObservabilityStack(appFromCdkJson({ serviceName: 'orders-staging' }), 'Renamed'));
    renamed.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'orders-staging' }) },
    });
  });

  test('runs the function on Node.js 24 on arm64 with active X-Ray tracing', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
    });
  });

  test('the metric names the handler emits are exactly the ones the dashboard and alarms read', async () => {
    // Powertools configured the way Lambda will configure it: from the synthesized environment.
    process.env.POWERTOOLS_METRICS_NAMESPACE = env.POWERTOOLS_METRICS_NAMESPACE;
    process.env.POWERTOOLS_SERVICE_NAME = env.POWERTOOLS_SERVICE_NAME;
    let failSave = false;
    const handler = createHandler(
      {
        save: async () => {
          if (failSave) throw new Error('DynamoDB unavailable');
        },
      },
      { logger: new Logger(), metrics: new Metrics(), trace: recordingTrace() },
    );
    const fn = { ...context, functionName: '<function>' };
    const lines = await captureOutput(async () => {
      await handler(request(validOrder), fn);
      await handler(request({ ...validOrder, paymentToken: 'tok_declined' }), fn);
      await handler(request({}), fn);
      failSave = true;
      await handler(request(validOrder), fn);
    });
    const emitted = new Set<string>();
    for (const line of emfLines(lines)) {
      for (const directive of line._aws.CloudWatchMetrics) {
        const dims = directive.Dimensions.flat().map((d) => `${d}=${line[d]}`).sort().join(',');
        for (const m of directive.Metrics) emitted.add(`${directive.Namespace}|${m.Name}|${dims}`);
      }
    }
    assert.equal(emitted.size, 6, [...emitted].join('\n'));
    assert.deepEqual([...referencedMetrics()].sort(), [...emitted].sort());
  });

  test('alarms on decline rate, silence in business hours, function errors, API 5xx and p99 latency, all to the one alarm topic', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      }),
    });
    for (const alarm of alarms()) assert.deepEqual(alarm.AlarmActions, [{ Ref: topics[0] }]);
    const byExpression = (needle: string) => alarms().find((a) => a.Metrics?.some((m: any) => m.Expression?.includes(needle)));

    const decline = byExpression('100 * FILL(declined, 0)');
    assert.ok(decline);
    assert.equal(decline.Threshold, THRESHOLDS.declineRatePercent);
    assert.equal(decline.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
    assert.equal(decline.EvaluationPeriods, 3);
    assert.equal(decline.DatapointsToAlarm, 2);
    assert.match(decline.Metrics[0].Expression, new RegExp(`>= ${THRESHOLDS.declineRateMinAttempts},`));

    const silence = byExpression('HOUR(filled)');
    assert.ok(silence);
    const { weekdaysThrough, fromHourUtc, toHourUtc } = BUSINESS_HOURS;
    assert.equal(
      silence.Metrics[0].Expression,
      `IF(DAY(filled) <= ${weekdaysThrough} AND HOUR(filled) >= ${fromHourUtc} AND HOUR(filled) < ${toHourUtc}, filled, 1)`,
    );
    assert.equal(silence.ComparisonOperator, 'LessThanThreshold');
    assert.equal(silence.Threshold, 1);
    assert.equal(silence.Metrics.find((m: any) => m.MetricStat)?.MetricStat.Period, 1800);
    assert.equal(silence.TreatMissingData, 'notBreaching');

    // Single-metric alarms: CDK renders a labelled metric as a one-entry Metrics list.
    const plain = alarms()
      .filter((a) => a.Metrics.length === 1)
      .map((a) => {
        const { Metric, Stat } = a.Metrics[0].MetricStat;
        return [Metric.Namespace, Metric.MetricName, Stat, a.Threshold, a.ComparisonOperator];
      })
      .sort();
    assert.deepEqual(plain, [
      ['AWS/ApiGateway', '5xx', 'Sum', 1, 'GreaterThanOrEqualToThreshold'],
      ['AWS/ApiGateway', 'Latency', 'p99', THRESHOLDS.apiLatencyP99Ms, 'GreaterThanOrEqualToThreshold'],
      ['AWS/Lambda', 'Errors', 'Sum', 1, 'GreaterThanOrEqualToThreshold'],
    ]);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new PowertoolsObservabilityStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('puts business, API, Lambda and Logs Insights widgets on one dashboard', () => {
    const { widgets } = dashboardBody();
    const titles = widgets.map((w) => w.properties.title).filter(Boolean);
    assert.deepEqual(titles, [
      'Alarms',
      'Order outcomes per 5 minutes',
      'Order value per 5 minutes',
      'Payment decline rate (%)',
      'API requests and errors',
      'API latency (ms)',
      'Function errors, throttles, cold starts',
      'Latest warnings and errors',
    ]);
    const logWidget = widgets.find((w) => w.type === 'log');
    assert.ok(logWidget);
    assert.match(logWidget.properties.query, /correlation_id/);
    assert.match(logWidget.properties.query, /"WARN", "WARNING", "ERROR"/);
    assert.equal(widgets.find((w) => w.type === 'alarm')?.properties.alarms.length, 5);
  });

  test('saves the Logs Insights queries the page uses, scoped to the function log group', () => {
    const queries = Object.values(template.findResources('AWS::Logs::QueryDefinition')).map((q) => q.Properties);
    const logGroup = Object.keys(template.findResources('AWS::Logs::LogGroup')).find((id) => id.startsWith('PlaceOrderLogs'));
    assert.deepEqual(
      queries.map((q) => q.Name).sort(),
      ['cold starts per hour', 'declines by reason', 'errors', 'one request by correlation id'].map((n) => `Under-Test/${n}`),
    );
    for (const q of queries) assert.deepEqual(q.LogGroupNames, [{ Ref: logGroup }]);
    const byName = (n: string) => queries.find((q) => q.Name === `Under-Test/${n}`)?.QueryString as string;
    assert.match(byName('one request by correlation id'), /filter correlation_id = /);
    assert.match(byName('errors'), /filter level = "ERROR"/);
    assert.match(byName('declines by reason'), /filter outcome = "declined"[\s\S]*stats count\(\*\) as declines by reason/);
    assert.match(byName('cold starts per hour'), /by cold_start, bin\(1h\)/);
  });

  test('lets the function put items in the orders table and nothing else: no cloudwatch:PutMetricData', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    const actions = statements.flatMap((s) => [s.Action].flat()).sort();
    assert.deepEqual(actions, ['dynamodb:PutItem', 'logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    assert.ok(!actions.some((a) => a.startsWith('cloudwatch:')));
    const table = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'))[0];
    assert.deepEqual(statements.find((s) => s.Action === 'dynamodb:PutItem')?.Resource, { 'Fn::GetAtt': [table, 'Arn'] });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] }),
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('keeps function and access logs for one month and sends the function to its own log group', () => {
    const groups = Object.entries(template.findResources('AWS::Logs::LogGroup'));
    assert.equal(groups.length, 2);
    for (const [, g] of groups) assert.equal((g as Resource).Properties.RetentionInDays, 30);
    const functionLogs = groups.find(([id]) => id.startsWith('PlaceOrderLogs'))?.[0];
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: functionLogs } } });
  });

  test('routes only POST /orders to the function, throttles the stage and writes access logs', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey);
    assert.deepEqual(routes, ['POST /orders']);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingBurstLimit: 50, ThrottlingRateLimit: 100 },
      AccessLogSettings: Match.objectLike({ Format: Match.stringLikeRegexp('context.requestId') }),
    });
  });

  test('keys orders by orderId on demand with point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new PowertoolsObservabilityStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const scope of [stack, withEmail]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const report = pack.validateScope(scope);
        assert.deepEqual(
          report.violations.map((v) => `${v.ruleName}: ${v.description}`),
          [],
          `${pack.name} has unacknowledged findings`,
        );
      }
    }
  });
});

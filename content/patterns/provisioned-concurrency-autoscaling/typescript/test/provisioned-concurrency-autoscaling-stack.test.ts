import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ProvisionedConcurrencyAutoscalingStack } from '../lib/provisioned-concurrency-autoscaling-stack';
import { appFromCdkJson } from './cdk-app';

type Resource = { Type: string; Properties: Record<string, any> };

const stack = new ProvisionedConcurrencyAutoscalingStack(appFromCdkJson(), 'Under-Test');
const template = Template.fromStack(stack);

const only = (type: string): [string, Resource] => {
  const found = Object.entries(template.findResources(type)) as [string, Resource][];
  assert.equal(found.length, 1, `exactly one ${type}`);
  return found[0]!;
};
const logicalId = (type: string) => only(type)[0];
const idStartingWith = (type: string, prefix: string) => {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  assert.equal(ids.length, 1, `exactly one ${type} named ${prefix}`);
  return ids[0]!;
};

describe('ProvisionedConcurrencyAutoscalingStack', () => {
  test('runs the quote function on Node.js 24 arm64 with 512 MB and active tracing', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 3,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
    });
  });

  test('keeps one provisioned environment on the live alias of the current version', () => {
    const [, alias] = only('AWS::Lambda::Alias');
    assert.equal(alias.Properties.Name, 'live');
    assert.deepEqual(alias.Properties.ProvisionedConcurrencyConfig, { ProvisionedConcurrentExecutions: 1 });
    assert.deepEqual(alias.Properties.FunctionVersion, { 'Fn::GetAtt': [logicalId('AWS::Lambda::Version'), 'Version'] });
  });

  test('lets Application Auto Scaling move the live alias between 1 and 10 provisioned environments', () => {
    const [, target] = only('AWS::ApplicationAutoScaling::ScalableTarget');
    assert.equal(target.Properties.ServiceNamespace, 'lambda');
    assert.equal(target.Properties.ScalableDimension, 'lambda:function:ProvisionedConcurrency');
    assert.equal(target.Properties.MinCapacity, 1);
    assert.equal(target.Properties.MaxCapacity, 10);
    // function:<name>:live, the name taken from the alias ARN.
    const [, parts] = target.Properties.ResourceId['Fn::Join'];
    assert.equal(parts[0], 'function:');
    assert.deepEqual(parts[1]['Fn::Select'][1]['Fn::Split'][1], { Ref: logicalId('AWS::Lambda::Alias') });
    assert.equal(parts[2], ':live');
    assert.match(JSON.stringify(target.Properties.RoleARN), /AWSServiceRoleForApplicationAutoScaling_LambdaConcurrency/);
  });

  test('tracks 70 per cent utilisation of the provisioned environments', () => {
    const [, policy] = only('AWS::ApplicationAutoScaling::ScalingPolicy');
    assert.equal(policy.Properties.PolicyType, 'TargetTrackingScaling');
    assert.deepEqual(policy.Properties.ScalingTargetId, { Ref: logicalId('AWS::ApplicationAutoScaling::ScalableTarget') });
    assert.deepEqual(policy.Properties.TargetTrackingScalingPolicyConfiguration, {
      PredefinedMetricSpecification: { PredefinedMetricType: 'LambdaProvisionedConcurrencyUtilization' },
      TargetValue: 0.7,
    });
  });

  test('raises the floor to 2 on weekday mornings and drops it to 1 in the evening, in Berlin time', () => {
    const [, target] = only('AWS::ApplicationAutoScaling::ScalableTarget');
    assert.deepEqual(target.Properties.ScheduledActions, [
      { ScheduledActionName: 'BusinessHoursFloor', Schedule: 'cron(45 7 ? * MON-FRI *)', Timezone: 'Europe/Berlin', ScalableTargetAction: { MinCapacity: 2 } },
      { ScheduledActionName: 'OffHoursFloor', Schedule: 'cron(0 19 ? * MON-FRI *)', Timezone: 'Europe/Berlin', ScalableTargetAction: { MinCapacity: 1 } },
    ]);
  });

  test('follows the business time zone given in context', () => {
    const other = Template.fromStack(new ProvisionedConcurrencyAutoscalingStack(appFromCdkJson({ businessTimeZone: 'America/New_York' }), 'New-York'));
    const targets = Object.values(other.findResources('AWS::ApplicationAutoScaling::ScalableTarget')) as Resource[];
    assert.deepEqual(
      targets[0]!.Properties.ScheduledActions.map((a: { Timezone: string }) => a.Timezone),
      ['America/New_York', 'America/New_York'],
    );
  });

  test('routes only GET /quote, to the live alias and never to the unpublished function', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /quote' });
    const alias = logicalId('AWS::Lambda::Alias');
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationType: 'AWS_PROXY', IntegrationUri: { Ref: alias }, PayloadFormatVersion: '2.0' });
    const [, permission] = only('AWS::Lambda::Permission');
    assert.deepEqual(permission.Properties.FunctionName, { Ref: alias });
    assert.equal(permission.Properties.Principal, 'apigateway.amazonaws.com');
    assert.deepEqual(permission.Properties.SourceArn['Fn::Join'][1].slice(-2), [{ Ref: logicalId('AWS::ApiGatewayV2::Api') }, '/*/*/quote']);
  });

  test('throttles and logs the default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingBurstLimit: 50, ThrottlingRateLimit: 100 },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  test('lets the function write only its own logs and traces, with no managed policy', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => (p as Resource).Properties.PolicyDocument.Statement);
    assert.deepEqual(
      statements.map((s: { Action: string | string[]; Resource: unknown }) => [[s.Action].flat(), s.Resource]),
      [
        [['logs:CreateLogStream', 'logs:PutLogEvents'], { 'Fn::GetAtt': [idStartingWith('AWS::Logs::LogGroup', 'QuoteLogs'), 'Arn'] }],
        [['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], '*'],
      ],
    );
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] }),
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('alarms on function errors, 15 minutes of spillover and API 5xx, all on one topic', () => {
    const topic = logicalId('AWS::SNS::Topic');
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => (a as Resource).Properties);
    assert.deepEqual(
      alarms.map((a) => [a.Namespace, a.MetricName, a.Statistic, a.Period, a.Threshold, a.EvaluationPeriods, a.DatapointsToAlarm]).sort(),
      [
        ['AWS/ApiGateway', '5xx', 'Sum', 300, 1, 1, 1],
        ['AWS/Lambda', 'Errors', 'Sum', 300, 1, 1, 1],
        ['AWS/Lambda', 'ProvisionedConcurrencySpilloverInvocations', 'Sum', 300, 1, 3, 3],
      ],
    );
    assert.ok(alarms.every((a) => JSON.stringify(a.AlarmActions) === JSON.stringify([{ Ref: topic }])));
    const spillover = alarms.find((a) => a.MetricName === 'ProvisionedConcurrencySpilloverInvocations')!;
    const fn = logicalId('AWS::Lambda::Function');
    assert.deepEqual(spillover.Dimensions, [
      { Name: 'FunctionName', Value: { Ref: fn } },
      { Name: 'Resource', Value: { 'Fn::Join': ['', [{ Ref: fn }, ':live']] } },
    ]);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new ProvisionedConcurrencyAutoscalingStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('budgets the month of Lambda charges and tells the alarm topic, which only AWS Budgets of this account may use', () => {
    const topic = logicalId('AWS::SNS::Topic');
    const [, budget] = only('AWS::Budgets::Budget');
    assert.deepEqual(budget.Properties.Budget, {
      BudgetType: 'COST',
      TimeUnit: 'MONTHLY',
      BudgetLimit: { Amount: 20, Unit: 'USD' },
      CostFilters: { Service: ['AWS Lambda'] },
    });
    assert.deepEqual(
      budget.Properties.NotificationsWithSubscribers.map((n: { Notification: Record<string, unknown>; Subscribers: unknown }) => [n.Notification.NotificationType, n.Notification.Threshold, n.Subscribers]),
      [
        ['ACTUAL', 100, [{ SubscriptionType: 'SNS', Address: { Ref: topic } }]],
        ['FORECASTED', 100, [{ SubscriptionType: 'SNS', Address: { Ref: topic } }]],
      ],
    );
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'budgets.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      }),
    });
  });

  test('takes the budget from context and refuses one that is not a positive amount', () => {
    const raised = Template.fromStack(new ProvisionedConcurrencyAutoscalingStack(appFromCdkJson({ monthlyBudgetUsd: '45.5' }), 'Raised'));
    raised.hasResourceProperties('AWS::Budgets::Budget', { Budget: Match.objectLike({ BudgetLimit: { Amount: 45.5, Unit: 'USD' } }) });
    for (const [i, bad] of ['0', '-5', 'twenty', '1e3'].entries()) {
      assert.throws(() => new ProvisionedConcurrencyAutoscalingStack(appFromCdkJson({ monthlyBudgetUsd: bad }), `Bad-${i}`), /monthlyBudgetUsd must be a positive number/);
    }
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new ProvisionedConcurrencyAutoscalingStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const scope of [stack, withEmail]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const report = pack.validateScope(scope);
        assert.deepEqual(report.violations.map((v) => `${v.ruleName}: ${v.description}`), [], `${pack.name} has unacknowledged findings`);
      }
    }
  });
});

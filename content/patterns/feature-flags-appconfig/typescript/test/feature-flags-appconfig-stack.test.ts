import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import type { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { FALLBACK_MARKER } from '../lambda/quote';
import { AGENT_LAYER_ARM64 } from '../lib/agent-layer';
import { FLAG_FILE, FeatureFlagsAppConfigStack } from '../lib/feature-flags-appconfig-stack';
import { appFromCdkJson } from './cdk-app';

type Statement = { Action: string | string[]; Resource: unknown };

function logicalId(template: Template, type: string): string {
  const ids = Object.keys(template.findResources(type));
  assert.equal(ids.length, 1, `one ${type}`);
  return ids[0]!;
}

function statements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

function quoteId(template: Template): string {
  const [id] = Object.entries(template.findResources('AWS::Lambda::Function')).find(([, f]) => f.Properties.Runtime === 'nodejs24.x')!;
  return id;
}

function functionLayers(template: Template): unknown {
  return template.toJSON().Resources[quoteId(template)].Properties.Layers;
}

describe('FeatureFlagsAppConfigStack', () => {
  let app: App;
  let stack: FeatureFlagsAppConfigStack;
  let template: Template;

  before(() => {
    app = appFromCdkJson();
    stack = new FeatureFlagsAppConfigStack(app, 'Under-Test');
    template = Template.fromStack(stack);
  });

  test('stores the flag file as a feature flag profile in AppConfig', () => {
    template.hasResourceProperties('AWS::AppConfig::ConfigurationProfile', {
      Type: 'AWS.AppConfig.FeatureFlags',
      LocationUri: 'hosted',
      DeletionProtectionCheck: 'BYPASS',
    });
    template.hasResourceProperties('AWS::AppConfig::HostedConfigurationVersion', {
      Content: readFileSync(FLAG_FILE, 'utf8'),
      ContentType: 'application/json',
    });
  });

  test('keeps replaced flag versions but deletes the current one with the stack', () => {
    template.hasResource('AWS::AppConfig::HostedConfigurationVersion', { UpdateReplacePolicy: 'Retain', DeletionPolicy: 'Delete' });
  });

  test('rolls flags out linearly, 20% a minute over 5 minutes, then bakes for 5 minutes', () => {
    template.hasResourceProperties('AWS::AppConfig::DeploymentStrategy', {
      GrowthType: 'LINEAR',
      GrowthFactor: 20,
      DeploymentDurationInMinutes: 5,
      FinalBakeTimeInMinutes: 5,
      ReplicateTo: 'NONE',
    });
    const strategy = logicalId(template, 'AWS::AppConfig::DeploymentStrategy');
    template.hasResourceProperties('AWS::AppConfig::Deployment', {
      DeploymentStrategyId: { Ref: strategy },
      EnvironmentId: { Ref: logicalId(template, 'AWS::AppConfig::Environment') },
      ConfigurationProfileId: { Ref: logicalId(template, 'AWS::AppConfig::ConfigurationProfile') },
      ConfigurationVersion: { Ref: logicalId(template, 'AWS::AppConfig::HostedConfigurationVersion') },
    });
  });

  test('rolls a flag deployment back when the function errors', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'Errors' } });
    const [alarmId, alarm] = Object.entries(alarms)[0]!;
    assert.equal(Object.keys(alarms).length, 1);
    assert.deepEqual(
      [alarm.Properties.Namespace, alarm.Properties.Statistic, alarm.Properties.Period, alarm.Properties.Threshold, alarm.Properties.EvaluationPeriods],
      ['AWS/Lambda', 'Sum', 60, 1, 1],
    );
    assert.deepEqual(alarm.Properties.Dimensions, [{ Name: 'FunctionName', Value: { Ref: quoteId(template) } }]);
    template.hasResourceProperties('AWS::AppConfig::Environment', {
      Monitors: [{ AlarmArn: { 'Fn::GetAtt': [alarmId, 'Arn'] }, AlarmRoleArn: Match.anyValue() }],
      DeletionProtectionCheck: 'BYPASS',
    });
  });

  test('adds the AppConfig agent layer and points the function at its profile on localhost', () => {
    const env = template.toJSON().Resources[quoteId(template)].Properties.Environment.Variables;
    const app = logicalId(template, 'AWS::AppConfig::Application');
    const profile = logicalId(template, 'AWS::AppConfig::ConfigurationProfile');
    assert.deepEqual(env.FLAGS_URL, {
      'Fn::Join': ['', ['http://localhost:2772/applications/', { Ref: app }, '/environments/live/configurations/', { Ref: profile }]],
    });
    assert.deepEqual(env.AWS_APPCONFIG_EXTENSION_PREFETCH_LIST, {
      'Fn::Join': ['', ['/applications/', { Ref: app }, '/environments/live/configurations/', { Ref: profile }]],
    });
    assert.equal(env.AWS_APPCONFIG_EXTENSION_HTTP_PORT, '2772');
    assert.equal(env.AWS_APPCONFIG_EXTENSION_POLL_INTERVAL_SECONDS, '30');
    assert.equal(env.AWS_APPCONFIG_EXTENSION_MAX_CONNECTIONS, '1');
    template.hasResourceProperties('AWS::AppConfig::Environment', { Name: 'live' });
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
  });

  test('picks the arm64 agent layer by Region: a mapping when the Region is unknown at synth', () => {
    const [[name, mapping]] = Object.entries(template.toJSON().Mappings as Record<string, Record<string, { arm64: string }>>) as [
      [string, Record<string, { arm64: string }>],
    ];
    assert.match(name, /^AgentLayerByRegion/);
    assert.deepEqual(functionLayers(template), [{ 'Fn::FindInMap': [name, { Ref: 'AWS::Region' }, 'arm64'] }]);
    assert.deepEqual(
      Object.fromEntries(Object.entries(mapping!).map(([region, v]) => [region, v.arm64])),
      AGENT_LAYER_ARM64,
    );
    for (const arn of Object.values(AGENT_LAYER_ARM64)) assert.match(arn, /^arn:aws:lambda:[a-z0-9-]+:\d{12}:layer:AWS-AppConfig-Extension-Arm64:\d+$/);
  });

  test('picks the arm64 agent layer by Region: the listed ARN, an override, or a clear failure', () => {
    const pinned = Template.fromStack(new FeatureFlagsAppConfigStack(appFromCdkJson(), 'Pinned', { env: { region: 'eu-west-1' } }));
    assert.deepEqual(functionLayers(pinned), [AGENT_LAYER_ARM64['eu-west-1']]);
    const override = 'arn:aws:lambda:sa-east-1:000010852771:layer:AWS-AppConfig-Extension-Arm64:215';
    const overridden = Template.fromStack(
      new FeatureFlagsAppConfigStack(appFromCdkJson({ appConfigAgentLayerArn: override }), 'Overridden', { env: { region: 'sa-east-1' } }),
    );
    assert.deepEqual(functionLayers(overridden), [override]);
    assert.throws(
      () => new FeatureFlagsAppConfigStack(appFromCdkJson(), 'Unlisted', { env: { region: 'sa-east-1' } }),
      /No AppConfig Agent Lambda extension ARN is listed for sa-east-1\. .*-c appConfigAgentLayerArn=<arn>/,
    );
    assert.throws(
      () => new FeatureFlagsAppConfigStack(appFromCdkJson({ appConfigAgentLayerArn: 'latest' }), 'Bad-Override'),
      /appConfigAgentLayerArn must be a Lambda layer version ARN/,
    );
  });

  test('lets the function read its one flag profile and nothing else in AppConfig', () => {
    const appconfig = statements(template).filter((s) => [s.Action].flat().some((a) => a.startsWith('appconfig:')));
    assert.equal(appconfig.length, 1);
    assert.deepEqual(appconfig[0]!.Action, ['appconfig:GetLatestConfiguration', 'appconfig:StartConfigurationSession']);
    const [, parts] = (appconfig[0]!.Resource as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    assert.deepEqual(parts.slice(-6), [
      ':application/',
      { Ref: logicalId(template, 'AWS::AppConfig::Application') },
      '/environment/',
      { Ref: logicalId(template, 'AWS::AppConfig::Environment') },
      '/configuration/',
      { Ref: logicalId(template, 'AWS::AppConfig::ConfigurationProfile') },
    ]);
    const quoteRole = template.toJSON().Resources[quoteId(template)].Properties.Role['Fn::GetAtt'][0];
    const rolePolicies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === quoteRole),
    );
    const actions = rolePolicies.flatMap((p) => (p.Properties.PolicyDocument.Statement as Statement[]).flatMap((s) => [s.Action].flat())).sort();
    assert.deepEqual(actions, [
      'appconfig:GetLatestConfiguration',
      'appconfig:StartConfigurationSession',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] }),
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('alarms on function errors and on pricing without flags, notifying one alarm topic', () => {
    const topic = logicalId(template, 'AWS::SNS::Topic');
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    assert.deepEqual(alarms.map((a) => [a.Namespace, a.MetricName, a.Period, a.Threshold]).sort(), [
      ['AWS/Lambda', 'Errors', 60, 1],
      [stack.stackName, 'FlagsFallback', 300, 1],
    ]);
    for (const alarm of alarms) assert.deepEqual(alarm.AlarmActions, [{ Ref: topic }]);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: `"${FALLBACK_MARKER}"`,
      MetricTransformations: [{ MetricNamespace: stack.stackName, MetricName: 'FlagsFallback', MetricValue: '1' }],
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new FeatureFlagsAppConfigStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('keeps function logs for a month and removes them with the stack', () => {
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 }, DeletionPolicy: 'Delete' });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new FeatureFlagsAppConfigStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const scope of [stack, withEmail] as Stack[]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const open = pack.validateScope(scope).violations.map((v) => `${v.ruleName}: ${v.description}`);
        assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
      }
    }
  });
});

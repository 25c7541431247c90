import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { CanaryDeploymentsCodedeployStack } from '../lib/canary-deployments-codedeploy-stack';
import { appFromCdkJson } from './cdk-app';

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[]; UpdatePolicy?: Record<string, any> };
type Statement = { Action: string | string[]; Resource: unknown };

describe('CanaryDeploymentsCodedeployStack', () => {
  let app: App;
  let stack: CanaryDeploymentsCodedeployStack;
  let template: Template;
  const idOf = (type: string, prefix: string) => {
    const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
    assert.equal(ids.length, 1, `one ${type} named ${prefix}*`);
    return ids[0]!;
  };
  const resource = (id: string) => template.toJSON().Resources[id] as Resource;
  const statementsOf = (rolePrefix: string): Statement[] =>
    Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref.startsWith(rolePrefix)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  const actionsOf = (rolePrefix: string) => statementsOf(rolePrefix).flatMap((s) => [s.Action].flat()).sort();

  before(() => {
    app = appFromCdkJson();
    stack = new CanaryDeploymentsCodedeployStack(app, 'Under-Test');
    template = Template.fromStack(stack);
  });

  test('hands every update of the live alias to CodeDeploy with both traffic hooks', () => {
    const alias = resource(idOf('AWS::Lambda::Alias', 'Live'));
    assert.equal(alias.Properties.Name, 'live');
    assert.deepEqual(alias.Properties.FunctionVersion, { 'Fn::GetAtt': [idOf('AWS::Lambda::Version', 'GreeterCurrentVersion'), 'Version'] });
    assert.deepEqual(alias.UpdatePolicy, {
      CodeDeployLambdaAliasUpdate: {
        ApplicationName: { Ref: idOf('AWS::CodeDeploy::Application', 'Application') },
        DeploymentGroupName: { Ref: idOf('AWS::CodeDeploy::DeploymentGroup', 'DeploymentGroup') },
        BeforeAllowTrafficHook: { Ref: idOf('AWS::Lambda::Function', 'PreTrafficHook') },
        AfterAllowTrafficHook: { Ref: idOf('AWS::Lambda::Function', 'PostTrafficHook') },
      },
    });
  });

  test('updates the hooks, the canary alarms and the deployment group before the alias moves', () => {
    const dependsOn = resource(idOf('AWS::Lambda::Alias', 'Live')).DependsOn ?? [];
    for (const id of [
      idOf('AWS::Lambda::Function', 'PreTrafficHook'),
      idOf('AWS::Lambda::Function', 'PostTrafficHook'),
      idOf('AWS::CloudWatch::Alarm', 'CanaryErrorsAlarm'),
      idOf('AWS::CloudWatch::Alarm', 'CanaryLatencyAlarm'),
      idOf('AWS::CodeDeploy::DeploymentGroup', 'DeploymentGroup'),
      idOf('AWS::IAM::Policy', 'DeploymentGroupServiceRoleDefaultPolicy'),
    ]) {
      assert.ok(dependsOn.includes(id), `the alias waits for ${id}`);
    }
  });

  test('tells each hook which target to call and which version must answer', () => {
    const version = idOf('AWS::Lambda::Version', 'GreeterCurrentVersion');
    const greeter = idOf('AWS::Lambda::Function', 'Greeter');
    assert.deepEqual(resource(idOf('AWS::Lambda::Function', 'PreTrafficHook')).Properties.Environment.Variables, {
      TARGET_FUNCTION_ARN: { Ref: version },
      EXPECTED_VERSION: { 'Fn::GetAtt': [version, 'Version'] },
    });
    assert.deepEqual(resource(idOf('AWS::Lambda::Function', 'PostTrafficHook')).Properties.Environment.Variables, {
      TARGET_FUNCTION_ARN: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [greeter, 'Arn'] }, ':live']] },
      EXPECTED_VERSION: { 'Fn::GetAtt': [version, 'Version'] },
    });
  });

  test('shifts ten percent of traffic for five minutes by default', () => {
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
    });
  });

  test('takes a linear configuration from the deploymentConfig context value and refuses unknown names', () => {
    const linear = Template.fromStack(
      new CanaryDeploymentsCodedeployStack(appFromCdkJson({ deploymentConfig: 'LambdaLinear10PercentEvery1Minute' }), 'Linear'),
    );
    linear.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { DeploymentConfigName: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute' });
    assert.throws(
      () => new CanaryDeploymentsCodedeployStack(appFromCdkJson({ deploymentConfig: 'AllAtOnce' }), 'Typo'),
      /Unknown deploymentConfig "AllAtOnce"/,
    );
  });

  test('rolls back on a failed or stopped deployment and when either canary alarm fires', () => {
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      AutoRollbackConfiguration: {
        Enabled: true,
        Events: Match.arrayEquals(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM']),
      },
      AlarmConfiguration: {
        Enabled: true,
        Alarms: [{ Name: { Ref: idOf('AWS::CloudWatch::Alarm', 'CanaryErrorsAlarm') } }, { Name: { Ref: idOf('AWS::CloudWatch::Alarm', 'CanaryLatencyAlarm') } }],
      },
    });
  });

  test('watches only the version being deployed, through the ExecutedVersion dimension of the alias', () => {
    const version = idOf('AWS::Lambda::Version', 'GreeterCurrentVersion');
    const greeter = idOf('AWS::Lambda::Function', 'Greeter');
    const dimensions = [
      { Name: 'ExecutedVersion', Value: { 'Fn::GetAtt': [version, 'Version'] } },
      { Name: 'FunctionName', Value: { Ref: greeter } },
      { Name: 'Resource', Value: { 'Fn::Join': ['', [{ Ref: greeter }, ':live']] } },
    ];
    const errors = resource(idOf('AWS::CloudWatch::Alarm', 'CanaryErrorsAlarm')).Properties;
    assert.deepEqual(
      [errors.Namespace, errors.MetricName, errors.Statistic, errors.Period, errors.EvaluationPeriods, errors.Threshold, errors.ComparisonOperator],
      ['AWS/Lambda', 'Errors', 'Sum', 60, 1, 1, 'GreaterThanOrEqualToThreshold'],
    );
    assert.deepEqual(errors.Dimensions, dimensions);
    const latency = resource(idOf('AWS::CloudWatch::Alarm', 'CanaryLatencyAlarm')).Properties;
    assert.deepEqual(
      [latency.MetricName, latency.ExtendedStatistic, latency.Period, latency.EvaluationPeriods, latency.DatapointsToAlarm, latency.Threshold, latency.ComparisonOperator],
      ['Duration', 'p99', 60, 2, 2, 1000, 'GreaterThanThreshold'],
    );
    assert.deepEqual(latency.Dimensions, dimensions);
  });

  test('lets the pre-traffic hook invoke only the new version and the post-traffic hook only the live alias', () => {
    const version = idOf('AWS::Lambda::Version', 'GreeterCurrentVersion');
    const greeter = idOf('AWS::Lambda::Function', 'Greeter');
    const group = idOf('AWS::CodeDeploy::DeploymentGroup', 'DeploymentGroup');
    const invokes = (role: string) => statementsOf(role).filter((s) => [s.Action].flat().includes('lambda:InvokeFunction'));
    assert.deepEqual(invokes('PreTrafficHookRole'), [{ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { Ref: version } }]);
    assert.deepEqual(invokes('PostTrafficHookRole'), [
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [greeter, 'Arn'] }, ':live']] } },
    ]);
    for (const role of ['PreTrafficHookRole', 'PostTrafficHookRole']) {
      assert.deepEqual(actionsOf(role), [
        'codedeploy:PutLifecycleEventHookExecutionStatus',
        'lambda:InvokeFunction',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
      const report = statementsOf(role).find((s) => s.Action === 'codedeploy:PutLifecycleEventHookExecutionStatus');
      const arn = JSON.stringify(report?.Resource);
      assert.match(arn, new RegExp(`:deploymentgroup:.*"Ref":"${idOf('AWS::CodeDeploy::Application', 'Application')}".*"Ref":"${group}"`));
    }
  });

  test('lets CodeDeploy invoke the two hooks by ARN, so they need no CodeDeployHook_ name', () => {
    const pre = idOf('AWS::Lambda::Function', 'PreTrafficHook');
    const post = idOf('AWS::Lambda::Function', 'PostTrafficHook');
    const statements = statementsOf('DeploymentGroupServiceRole');
    assert.deepEqual(
      statements.map((s) => s.Action),
      ['lambda:InvokeFunction'],
    );
    assert.deepEqual(
      (statements[0]!.Resource as unknown[]).map((r) => JSON.stringify(r)).sort(),
      [
        { 'Fn::GetAtt': [post, 'Arn'] },
        { 'Fn::GetAtt': [pre, 'Arn'] },
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [post, 'Arn'] }, ':*']] },
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [pre, 'Arn'] }, ':*']] },
      ]
        .map((r) => JSON.stringify(r))
        .sort(),
    );
    for (const hook of [pre, post]) assert.equal(resource(hook).Properties.FunctionName, undefined);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'codedeploy.amazonaws.com' } })] }),
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited']] }],
    });
  });

  test('gives the greeter nothing but its own logs and tracing, with no AWS managed policy on any function role', () => {
    assert.deepEqual(actionsOf('GreeterRole'), ['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    const lambdaRoles = Object.values(template.findResources('AWS::IAM::Role')).filter(
      (r) => r.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service === 'lambda.amazonaws.com',
    );
    assert.equal(lambdaRoles.length, 3);
    for (const role of lambdaRoles) assert.equal(role.Properties.ManagedPolicyArns, undefined);
  });

  test('serves the API only through the live alias, to this API alone, throttled', () => {
    const alias = idOf('AWS::Lambda::Alias', 'Live');
    const api = idOf('AWS::ApiGatewayV2::Api', 'Api');
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationType: 'AWS_PROXY', IntegrationUri: { Ref: alias }, PayloadFormatVersion: '2.0' });
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).map((p) => p.Properties);
    assert.equal(permissions.length, 1);
    assert.deepEqual(permissions[0].FunctionName, { Ref: alias });
    assert.equal(permissions[0].Principal, 'apigateway.amazonaws.com');
    assert.deepEqual(permissions[0].SourceArn['Fn::Join'][1].slice(-2), [{ Ref: api }, '/*/*']);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingBurstLimit: 50, ThrottlingRateLimit: 100 },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  test('runs every function on Node.js 24 on arm64 with tracing and one-month logs', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).map((f) => f.Properties);
    assert.equal(functions.length, 3);
    for (const fn of functions) {
      assert.deepEqual([fn.Runtime, fn.Architectures, fn.TracingConfig], ['nodejs24.x', ['arm64'], { Mode: 'Active' }]);
    }
    const retention = Object.values(template.findResources('AWS::Logs::LogGroup')).map((l) => l.Properties.RetentionInDays);
    assert.deepEqual(retention, [30, 30, 30, 30]);
  });

  test('alarms on canary errors, canary latency and API 5xx, notifying one alarm topic', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    assert.deepEqual(alarms.map((a) => `${a.Namespace} ${a.MetricName}`).sort(), ['AWS/ApiGateway 5xx', 'AWS/Lambda Duration', 'AWS/Lambda Errors']);
    for (const alarm of alarms) assert.deepEqual(alarm.AlarmActions, [{ Ref: topics[0] }]);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new CanaryDeploymentsCodedeployStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new CanaryDeploymentsCodedeployStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const scope of [stack, withEmail]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const open = pack.validateScope(scope).violations.map((v) => `${v.ruleName}: ${v.description}`);
        assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
      }
    }
  });
});

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import type { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { MODEL_DIR, ThePredictiveLambdaStack } from '../lib/the-predictive-lambda-stack';
import { appFromCdkJson } from './cdk-app';

describe('ThePredictiveLambdaStack', () => {
  let app: App;
  let stack: ThePredictiveLambdaStack;
  let template: Template;

  before(() => {
    app = appFromCdkJson();
    stack = new ThePredictiveLambdaStack(app, 'Under-Test');
    template = Template.fromStack(stack);
  });

  test('deploys the predictor as an arm64 container image, not a zip', () => {
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      PackageType: 'Image',
      Architectures: ['arm64'],
      Code: { ImageUri: Match.anyValue() },
      Runtime: Match.absent(),
      Handler: Match.absent(),
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
    });
  });

  test('builds the image from the local Dockerfile for linux/arm64', () => {
    const assembly = app.synth();
    const manifest = JSON.parse(readFileSync(path.join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8'));
    const images = Object.values(manifest.dockerImages ?? {}) as { source: { directory: string; platform?: string } }[];
    assert.equal(images.length, 1);
    assert.equal(images[0]!.source.platform, 'linux/arm64');
    // Synth only stages the build context; these are the files Docker will see at deploy time.
    const staged = readdirSync(path.join(assembly.directory, images[0]!.source.directory)).sort();
    assert.deepEqual(staged, ['.dockerignore', 'Dockerfile', 'app.py', 'iris_model.py', 'model.json']);
    // The Dockerfile uses AWS's Python base image and installs nothing.
    const dockerfile = readFileSync(path.join(MODEL_DIR, 'Dockerfile'), 'utf8');
    assert.match(dockerfile, /^FROM public\.ecr\.aws\/lambda\/python:3\.1[23]$/m);
    assert.doesNotMatch(dockerfile, /^RUN\b/m);
    assert.match(dockerfile, /CMD \["app\.handler"\]/);
  });

  test('exposes only POST /predict on the HTTP API, wired to the predictor', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /predict' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Predictor'), 'Arn'] },
      PayloadFormatVersion: '2.0',
    });
  });

  test('throttles and access-logs the default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingBurstLimit: 20, ThrottlingRateLimit: 10 },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  test('gives the function a role limited to its own logs and X-Ray', () => {
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    const actions = statements.flatMap((s) => [s.Action].flat()).sort();
    assert.deepEqual(actions, ['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    const logGroupId = Object.keys(template.findResources('AWS::Logs::LogGroup')).find((id) => id.startsWith('PredictorLogs'));
    const logs = statements.find((s) => [s.Action].flat().includes('logs:PutLogEvents'));
    assert.deepEqual(logs?.Resource, { 'Fn::GetAtt': [logGroupId, 'Arn'] });
  });

  test('alarms on the one alarm topic when the predictor fails', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    assert.match(topics[0]!, /^AlarmTopic/);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    assert.equal(alarms.length, 1);
    const alarm = alarms[0]!.Properties;
    const fn = Object.keys(template.findResources('AWS::Lambda::Function'))[0];
    assert.deepEqual(alarm.AlarmActions, [{ Ref: topics[0] }]);
    assert.deepEqual(
      [alarm.Namespace, alarm.MetricName, alarm.Statistic, alarm.Period, alarm.Threshold, alarm.ComparisonOperator],
      ['AWS/Lambda', 'Errors', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold'],
    );
    assert.deepEqual(alarm.Dimensions, [{ Name: 'FunctionName', Value: { Ref: fn } }]);
  });

  test('subscribes an e-mail address to the alarm topic only when alarmEmail is given', () => {
    const mailed = Template.fromStack(new ThePredictiveLambdaStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Mailed'));
    mailed.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    mailed.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new ThePredictiveLambdaStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const [pack, scope] of [stack, withEmail].flatMap((s) => [new AwsSolutionsChecks(), new ServerlessChecks()].map((p) => [p, s] as const))) {
      const report = pack.validateScope(scope);
      const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings in ${scope.node.id}`);
    }
  });
});

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { appFromCdkJson } from './cdk-app';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { DEFAULT_POWER_VALUES, TheLambdaPowerTunerStack } from '../lib/the-lambda-power-tuner-stack';

describe('TheLambdaPowerTunerStack', () => {
  let stack: TheLambdaPowerTunerStack;
  let template: Template;
  let sieveId: string;

  before(() => {
    stack = new TheLambdaPowerTunerStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
    sieveId = Object.keys(template.findResources('AWS::Lambda::Function')).find((id) => id.startsWith('PrimeSieve'))!;
  });

  test('installs the public Lambda Power Tuning app at a pinned version', () => {
    template.resourceCountIs('AWS::Serverless::Application', 1);
    template.hasResourceProperties('AWS::Serverless::Application', {
      Location: {
        ApplicationId: 'arn:aws:serverlessrepo:us-east-1:451282441545:applications/aws-lambda-power-tuning',
        SemanticVersion: '4.4.0',
      },
    });
    // SAR applications only deploy through the SAM transform.
    assert.equal(template.toJSON().Transform, 'AWS::Serverless-2016-10-31');
  });

  test("scopes the tuner's IAM policies to the sample function, its versions and aliases", () => {
    const app = Object.values(template.findResources('AWS::Serverless::Application'))[0]!;
    assert.deepEqual(app.Properties.Parameters.lambdaResource, {
      'Fn::Join': ['', [{ 'Fn::GetAtt': [sieveId, 'Arn'] }, '*']],
    });
  });

  test('passes default memory sizes that include the one-vCPU point, and sane limits', () => {
    template.hasResourceProperties('AWS::Serverless::Application', {
      Parameters: Match.objectLike({
        PowerValues: DEFAULT_POWER_VALUES.join(','),
        totalExecutionTimeout: '180',
        logGroupRetentionInDays: '30',
      }),
    });
    assert.ok(DEFAULT_POWER_VALUES.includes(1769));
    assert.ok(DEFAULT_POWER_VALUES.every((mb) => mb >= 128 && mb <= 10_240));
  });

  test('outputs the state machine ARN from the nested application and the function to tune', () => {
    template.hasOutput('StateMachineArn', { Value: { 'Fn::GetAtt': ['PowerTuner', 'Outputs.StateMachineARN'] } });
    template.hasOutput('PrimeSieveArn', { Value: { 'Fn::GetAtt': [sieveId, 'Arn'] } });
  });

  test('deploys a CPU-bound target on Node.js 24 arm64 with room to run at 128 MB', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 30,
      TracingConfig: { Mode: 'Active' },
      // The tuner parses the plain-text REPORT line; JSON reports trip its parser on warm starts.
      LoggingConfig: Match.objectLike({ LogFormat: 'Text' }),
    });
  });

  test('gives the target a role limited to its own logs and X-Ray', () => {
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    const actions = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: any) => r.Ref.startsWith('PrimeSieveRole')))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[] }[])
      .flatMap((s) => [s.Action].flat())
      .sort();
    assert.deepEqual(actions, ['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });

  test('alarms the one alarm topic when the sample function fails during a run', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties);
    assert.equal(alarms.length, 1);
    assert.equal(alarms[0].MetricName, 'Errors');
    assert.deepEqual(alarms[0].Dimensions, [{ Name: 'FunctionName', Value: { Ref: sieveId } }]);
    assert.deepEqual(alarms[0].AlarmActions, [{ Ref: topics[0] }]);
    assert.equal(alarms[0].Threshold, 1);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const mailed = Template.fromStack(new TheLambdaPowerTunerStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Mailed'));
    mailed.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new TheLambdaPowerTunerStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const [pack, scope] of [stack, withEmail].flatMap((s) => [new AwsSolutionsChecks(), new ServerlessChecks()].map((p) => [p, s] as const))) {
      const report = pack.validateScope(scope);
      const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
    }
  });
});

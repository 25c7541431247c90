import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { PollyStack } from '../lib/polly-stack';
import { appFromCdkJson } from './cdk-app';

describe('PollyStack', () => {
  let stack: PollyStack;
  let template: Template;

  before(() => {
    stack = new PollyStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
  });

  test('routes only POST /speech to the function with payload format 2.0', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    assert.deepEqual(
      routes.map((r) => r.Properties.RouteKey),
      ['POST /speech'],
    );
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Speaker'), 'Arn'] },
    });
  });

  test('throttles the stage hard, because both services bill per character', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  test('allows the function exactly translate:TranslateText and polly:SynthesizeSpeech', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[] }[],
    );
    const serviceActions = statements
      .flatMap((s) => [s.Action].flat())
      .filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'))
      .sort();
    assert.deepEqual(serviceActions, ['polly:SynthesizeSpeech', 'translate:TranslateText']);
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      assert.equal(role.Properties.ManagedPolicyArns, undefined);
    }
  });

  test('runs on Node.js 24 arm64 with a timeout inside the HTTP API 30 second limit', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 20,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
    });
  });

  test('notifies the one alarm topic when Speaker crashes or the API answers 5XX', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    assert.match(topics[0], /^AlarmTopic/);
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    const byMetric: Record<string, any> = Object.fromEntries(Object.values(alarms).map((a) => [a.Properties.MetricName, a.Properties]));
    assert.deepEqual(Object.keys(byMetric).sort(), ['5xx', 'Errors']);
    assert.equal(byMetric.Errors.Namespace, 'AWS/Lambda');
    assert.match(byMetric.Errors.Dimensions[0].Value.Ref, /^Speaker[0-9A-F]{8}$/);
    assert.equal(byMetric['5xx'].Namespace, 'AWS/ApiGateway');
    for (const alarm of Object.values(byMetric)) {
      assert.equal(alarm.Statistic, 'Sum');
      assert.equal(alarm.Period, 300);
      assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
      assert.deepEqual(alarm.AlarmActions, [{ Ref: topics[0] }]);
    }
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  test('subscribes an e-mail address to the alarm topic only when alarmEmail is given', () => {
    const withEmail = Template.fromStack(new PollyStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Mailed'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    withEmail.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new PollyStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const [pack, scope] of [stack, withEmail].flatMap((s) => [new AwsSolutionsChecks(), new ServerlessChecks()].map((p) => [p, s] as const))) {
      const report = pack.validateScope(scope);
      const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
    }
  });
});

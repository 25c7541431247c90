import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { App } from 'aws-cdk-lib';
import { appFromCdkJson } from './cdk-app';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheSimpleWebserviceStack } from '../lib/the-simple-webservice-stack';

describe('TheSimpleWebserviceStack', () => {
  let app: App;
  let stack: TheSimpleWebserviceStack;
  let template: Template;

  before(() => {
    app = appFromCdkJson();
    stack = new TheSimpleWebserviceStack(app, 'Under-Test');
    template = Template.fromStack(stack);
  });

  test('keys the hits table by request path and keeps point-in-time recovery on', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'path', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'path', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
  });

  test('runs the hit counter on a current Node.js runtime with tracing and the table name', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      TracingConfig: { Mode: 'Active' },
      Environment: { Variables: { HITS_TABLE_NAME: { Ref: Match.stringLikeRegexp('^Hits') } } },
    });
  });

  test('lets the function do nothing to the table but UpdateItem', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const dynamo = Object.values(policies)
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    const table = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'))[0];
    assert.deepEqual(
      dynamo.map((s) => [s.Action, s.Resource]),
      [['dynamodb:UpdateItem', { 'Fn::GetAtt': [table, 'Arn'] }]],
    );
  });

  test('lets only this HTTP API invoke the function', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).map((p) => p.Properties);
    assert.equal(permissions.length, 1);
    const [permission] = permissions;
    assert.equal(permission.Principal, 'apigateway.amazonaws.com');
    const api = Object.keys(template.findResources('AWS::ApiGatewayV2::Api'))[0];
    assert.deepEqual(permission.SourceArn['Fn::Join'][1].slice(-2), [{ Ref: api }, '/*/*']);
  });

  test('alarms on any 5xx answer and on function errors, notifying one alarm topic', () => {
    const topic = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topic.length, 1);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    assert.deepEqual(
      alarms.map((a) => [a.Namespace, a.MetricName, a.Statistic, a.Period, a.Threshold, a.ComparisonOperator]).sort(),
      [
        ['AWS/ApiGateway', '5xx', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold'],
        ['AWS/Lambda', 'Errors', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold'],
      ],
    );
    for (const alarm of alarms) assert.deepEqual(alarm.AlarmActions, [{ Ref: topic[0] }]);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new TheSimpleWebserviceStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('uses no AWS managed policy on the function role', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
      }),
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('sends every route of the HTTP API to the function', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HitCounter'), 'Arn'] },
      PayloadFormatVersion: '2.0',
    });
  });

  test('throttles and logs the default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingBurstLimit: 50, ThrottlingRateLimit: 100 },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new TheSimpleWebserviceStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const [pack, scope] of [stack, withEmail].flatMap((s) => [new AwsSolutionsChecks(), new ServerlessChecks()].map((p) => [p, s] as const))) {
      const report = pack.validateScope(scope);
      const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
    }
  });
});

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
    const dynamoActions = Object.values(policies)
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[] }[])
      .flatMap((s) => [s.Action].flat())
      .filter((a) => a.startsWith('dynamodb:'));
    assert.deepEqual(dynamoActions, ['dynamodb:UpdateItem']);
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
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      const report = pack.validateScope(stack);
      const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
    }
  });
});

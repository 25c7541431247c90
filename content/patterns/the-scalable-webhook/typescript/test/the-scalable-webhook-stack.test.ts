import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { appFromCdkJson } from './cdk-app';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheScalableWebhookStack } from '../lib/the-scalable-webhook-stack';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

describe('TheScalableWebhookStack', () => {
  let stack: TheScalableWebhookStack;
  let template: Template;

  /** Logical id of the only resource of a type whose id starts with a construct id. */
  function logicalId(type: string, prefix: string): string {
    const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
    assert.equal(ids.length, 1, `expected one ${type} named ${prefix}*, found ${ids.join(', ')}`);
    return ids[0];
  }

  /** Every statement of every inline policy attached to the role with this construct id. */
  function statementsOf(rolePrefix: string): Statement[] {
    const role = logicalId('AWS::IAM::Role', rolePrefix);
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  }

  before(() => {
    const app = appFromCdkJson();
    stack = new TheScalableWebhookStack(app, 'Under-Test');
    template = Template.fromStack(stack);
  });

  test('sends webhook POSTs straight to SQS with the API role, no publisher function', () => {
    const queue = logicalId('AWS::SQS::Queue', 'WebhookQueue');
    const apiRole = logicalId('AWS::IAM::Role', 'ApiRole');
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'webhook' });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      Integration: Match.objectLike({
        Type: 'AWS',
        IntegrationHttpMethod: 'POST',
        Credentials: { 'Fn::GetAtt': [apiRole, 'Arn'] },
        PassthroughBehavior: 'NEVER',
        Uri: {
          'Fn::Join': ['', Match.arrayWith([':sqs:path/', { Ref: 'AWS::AccountId' }, '/', { 'Fn::GetAtt': [queue, 'QueueName'] }])],
        },
        RequestTemplates: {
          'application/json': Match.stringLikeRegexp('^Action=SendMessage&MessageBody=\\$util\\.urlEncode\\(\\$input\\.body\\)'),
        },
        // SQS reads the query API as a form post.
        RequestParameters: Match.objectLike({
          'integration.request.header.Content-Type': "'application/x-www-form-urlencoded'",
        }),
      }),
    });
    // The only function in the stack is the consumer.
    template.resourceCountIs('AWS::Lambda::Function', 1);
  });

  test('answers 202 when SQS accepts and 500 when it refuses', () => {
    const method = Object.values(template.findResources('AWS::ApiGateway::Method')).find(
      (m) => m.Properties.HttpMethod === 'POST',
    );
    const responses = method?.Properties.Integration.IntegrationResponses as { StatusCode: string; SelectionPattern?: string }[];
    assert.deepEqual(
      responses.map((r) => [r.StatusCode, r.SelectionPattern]),
      [
        ['202', undefined],
        ['500', '[45]\\d{2}'],
      ],
    );
  });

  test('validates the body against a JSON object model before anything is queued', () => {
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true });
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      ContentType: 'application/json',
      Schema: Match.objectLike({ type: 'object', minProperties: 1 }),
    });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      RequestValidatorId: { Ref: Match.stringLikeRegexp('^WebhookApivalidator') },
      RequestModels: { 'application/json': { Ref: Match.stringLikeRegexp('^WebhookApiWebhookBody') } },
    });
  });

  test('throttles, traces and access-logs the stage', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      TracingEnabled: true,
      MethodSettings: [Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 })],
      AccessLogSetting: {
        DestinationArn: { 'Fn::GetAtt': [logicalId('AWS::Logs::LogGroup', 'ApiAccessLogs'), 'Arn'] },
        Format: Match.stringLikeRegexp('integration\\.status'),
      },
    });
  });

  test('lets the API role send messages to the webhook queue and do nothing else', () => {
    const queue = logicalId('AWS::SQS::Queue', 'WebhookQueue');
    assert.deepEqual(statementsOf('ApiRole'), [
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [queue, 'Arn'] } },
    ]);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })],
      }),
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('parks a message in the DLQ after three failed receives, and both queues refuse plain HTTP', () => {
    const dlq = logicalId('AWS::SQS::Queue', 'WebhookDlq');
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 3 },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 1209600, RedrivePolicy: Match.absent() });
    for (const queue of [dlq, logicalId('AWS::SQS::Queue', 'WebhookQueue')]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queue }],
        PolicyDocument: Match.objectLike({
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        }),
      });
    }
  });

  test('caps the consumer at two concurrent copies: the throttle that protects the datastore', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      ReservedConcurrentExecutions: 2,
      Environment: { Variables: { MESSAGES_TABLE_NAME: { Ref: logicalId('AWS::DynamoDB::GlobalTable', 'Messages') } } },
    });
  });

  test('drains the queue in batches of ten, reports partial failures, and never polls for more than it may run', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', 'WebhookQueue'), 'Arn'] },
      FunctionName: { Ref: logicalId('AWS::Lambda::Function', 'Consumer') },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0];
    const mapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))[0];
    // Polling more batches than the function may run only produces throttles.
    assert.ok(mapping.Properties.ScalingConfig.MaximumConcurrency <= fn.Properties.ReservedConcurrentExecutions);
  });

  test('keeps the queue visibility timeout at least six times the consumer timeout', () => {
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0];
    const queue = template.findResources('AWS::SQS::Queue')[logicalId('AWS::SQS::Queue', 'WebhookQueue')];
    const timeout = fn.Properties.Timeout as number;
    const visibility = queue.Properties.VisibilityTimeout as number;
    assert.ok(timeout > 0, 'the consumer timeout must be set explicitly');
    assert.ok(visibility >= 6 * timeout, `visibility ${visibility}s is less than 6 x ${timeout}s`);
  });

  test('lets the consumer do nothing to the table but PutItem, and only on that table', () => {
    const table = logicalId('AWS::DynamoDB::GlobalTable', 'Messages');
    const dynamo = statementsOf('ConsumerRole').filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    assert.deepEqual(dynamo, [{ Action: 'dynamodb:PutItem', Effect: 'Allow', Resource: { 'Fn::GetAtt': [table, 'Arn'] } }]);
    // No other statement may reach DynamoDB through a wildcard action.
    const wildcards = statementsOf('ConsumerRole').flatMap((s) => [s.Action].flat()).filter((a) => a.includes('*'));
    assert.deepEqual(wildcards, []);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
      }),
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('keys the messages table by SQS message id, on demand, with point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'messageId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
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

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
    const responses = method?.Properties.Integration.IntegrationResponses as {
      StatusCode: string;
      SelectionPattern?: string;
      ResponseTemplates: Record<string, string>;
    }[];
    assert.deepEqual(
      responses.map((r) => [r.StatusCode, r.SelectionPattern]),
      [
        ['202', undefined],
        ['500', '[45]\\d{2}'],
      ],
    );
    const [accepted, refused] = responses.map((r) => r.ResponseTemplates['application/json']);
    assert.match(accepted, /\$input\.path\('\$\.SendMessageResponse\.SendMessageResult\.MessageId'\)/);
    // A refusal says nothing of what SQS answered: no $input in the template.
    assert.doesNotMatch(refused, /\$input/);
    assert.equal(JSON.parse(refused).accepted, false);
  });

  test('validates the body against a JSON object model before anything is queued', () => {
    const validators = Object.keys(template.findResources('AWS::ApiGateway::RequestValidator', { Properties: { ValidateRequestBody: true } }));
    assert.equal(validators.length, 1);
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      ContentType: 'application/json',
      Schema: Match.objectLike({ type: 'object', minProperties: 1 }),
    });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      RequestValidatorId: { Ref: validators[0] },
      RequestModels: { 'application/json': { Ref: Match.stringLikeRegexp('^WebhookApiWebhookBody') } },
    });
  });

  test('throttles, traces and access-logs the stage', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      TracingEnabled: true,
      MethodSettings: [Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 })],
      AccessLogSetting: {
        DestinationArn: {
          'Fn::Join': ['', Match.arrayWith([':log-group:', { Ref: logicalId('AWS::Logs::LogGroup', 'ApiAccessLogs') }])],
        },
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

  test('caps the consumer at two concurrent copies without reserving concurrency a new account lacks', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      ReservedConcurrentExecutions: Match.absent(),
      Environment: { Variables: { MESSAGES_TABLE_NAME: { Ref: logicalId('AWS::DynamoDB::GlobalTable', 'Messages') } } },
    });
    // The event source mapping is the only invoker, and it never runs more than two copies.
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.resourceCountIs('AWS::Lambda::Permission', 0);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 2 } });
  });

  test('reserves exactly as much concurrency as the poller uses when reserveConcurrency is set', () => {
    const reserved = Template.fromStack(new TheScalableWebhookStack(appFromCdkJson({ reserveConcurrency: 'true' }), 'Reserved'));
    const fn = Object.values(reserved.findResources('AWS::Lambda::Function'))[0];
    const mapping = Object.values(reserved.findResources('AWS::Lambda::EventSourceMapping'))[0];
    assert.equal(fn.Properties.ReservedConcurrentExecutions, 2);
    // Polling more batches than the function may run only produces throttles.
    assert.equal(mapping.Properties.ScalingConfig.MaximumConcurrency, fn.Properties.ReservedConcurrentExecutions);
  });

  test('drains the queue in batches of ten and reports partial failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', 'WebhookQueue'), 'Arn'] },
      FunctionName: { Ref: logicalId('AWS::Lambda::Function', 'Consumer') },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  test('alarms on a parked webhook, on consumer errors and on a backlog older than 15 minutes, all to one alarm topic', () => {
    const topic = logicalId('AWS::SNS::Topic', 'AlarmTopic');
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const target = (a: Record<string, any>) => a.Dimensions[0].Value.Ref ?? a.Dimensions[0].Value['Fn::GetAtt'][0];
    assert.deepEqual(
      alarms.map((a) => [a.MetricName, target(a), a.Statistic, a.Period, a.Threshold, a.ComparisonOperator, a.TreatMissingData]).sort(),
      [
        ['ApproximateAgeOfOldestMessage', logicalId('AWS::SQS::Queue', 'WebhookQueue'), 'Maximum', 300, 900, 'GreaterThanOrEqualToThreshold', 'notBreaching'],
        ['ApproximateNumberOfMessagesVisible', logicalId('AWS::SQS::Queue', 'WebhookDlq'), 'Maximum', 60, 1, 'GreaterThanOrEqualToThreshold', 'notBreaching'],
        ['Errors', logicalId('AWS::Lambda::Function', 'Consumer'), 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold', 'notBreaching'],
      ],
    );
    for (const alarm of alarms) assert.deepEqual(alarm.AlarmActions, [{ Ref: topic }]);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topic }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('subscribes an e-mail address to the alarm topic only when alarmEmail is set', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new TheScalableWebhookStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
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
    const variant = new TheScalableWebhookStack(appFromCdkJson({ alarmEmail: 'ops@example.com', reserveConcurrency: 'true' }), 'Nag-Variant');
    for (const [pack, scope] of [stack, variant].flatMap((s) => [new AwsSolutionsChecks(), new ServerlessChecks()].map((p) => [p, s] as const))) {
      const report = pack.validateScope(scope);
      const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
    }
  });
});

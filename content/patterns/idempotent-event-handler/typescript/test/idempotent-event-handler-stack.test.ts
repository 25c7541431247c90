import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { IDEMPOTENCY_KEY_ATTRIBUTE, IDEMPOTENCY_TTL_ATTRIBUTE, IDEMPOTENCY_WINDOW_SECONDS } from '../lambda/idempotency-settings';
import {
  CHARGE_TIMEOUT,
  IDEMPOTENCY_TABLE_ACTIONS,
  IdempotentEventHandlerStack,
  MAX_RECEIVE_COUNT,
} from '../lib/idempotent-event-handler-stack';
import { appFromCdkJson } from './cdk-app';

type Resource = { Type: string; Properties: Record<string, any> };

const TLS_ONLY = Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });

describe('IdempotentEventHandlerStack', () => {
  let stack: IdempotentEventHandlerStack;
  let template: Template;
  let ids: Record<'queue' | 'dlq' | 'records' | 'payments' | 'fn' | 'role' | 'topic', string>;

  const logicalId = (prefix: string, type: string) => {
    const matches = Object.keys(template.findResources(type)).filter((id) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
    assert.equal(matches.length, 1, `expected one ${type} named ${prefix}`);
    return matches[0];
  };
  const resource = (id: string): Resource => template.toJSON().Resources[id];
  const roleStatements = () =>
    Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: ids.role }]))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);

  before(() => {
    stack = new IdempotentEventHandlerStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
    ids = {
      queue: logicalId('PaymentRequests', 'AWS::SQS::Queue'),
      dlq: logicalId('PaymentRequestsDlq', 'AWS::SQS::Queue'),
      records: logicalId('IdempotencyRecords', 'AWS::DynamoDB::GlobalTable'),
      payments: logicalId('Payments', 'AWS::DynamoDB::GlobalTable'),
      fn: logicalId('ChargePayments', 'AWS::Lambda::Function'),
      role: logicalId('ChargePaymentsRole', 'AWS::IAM::Role'),
      topic: logicalId('AlarmTopic', 'AWS::SNS::Topic'),
    };
  });

  test('keys the idempotency table on id and lets DynamoDB TTL delete records by their expiration attribute', () => {
    const table = resource(ids.records).Properties;
    assert.equal(IDEMPOTENCY_KEY_ATTRIBUTE, 'id');
    assert.equal(IDEMPOTENCY_TTL_ATTRIBUTE, 'expiration');
    assert.deepEqual(table.KeySchema, [{ AttributeName: 'id', KeyType: 'HASH' }]);
    assert.deepEqual(table.TimeToLiveSpecification, { AttributeName: 'expiration', Enabled: true });
    assert.deepEqual(table.BillingMode, 'PAY_PER_REQUEST');
    assert.equal(resource(ids.records).Properties.TableName, undefined, 'no hard-coded physical name');
  });

  test('records each charge as its own item under the paymentId, with point-in-time recovery', () => {
    const table = resource(ids.payments).Properties;
    assert.deepEqual(table.KeySchema, [
      { AttributeName: 'paymentId', KeyType: 'HASH' },
      { AttributeName: 'chargeId', KeyType: 'RANGE' },
    ]);
    assert.deepEqual(table.Replicas[0].PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
  });

  test('feeds the function from the queue in batches, reporting per-record failures', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [ids.queue, 'Arn'] },
      FunctionName: { Ref: ids.fn },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 1,
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  test('moves a payment request to the DLQ after three receives and keeps it there 14 days', () => {
    assert.equal(MAX_RECEIVE_COUNT, 3);
    assert.deepEqual(resource(ids.queue).Properties.RedrivePolicy, {
      deadLetterTargetArn: { 'Fn::GetAtt': [ids.dlq, 'Arn'] },
      maxReceiveCount: 3,
    });
    assert.equal(resource(ids.dlq).Properties.MessageRetentionPeriod, 14 * 24 * 3600);
  });

  test('keeps messages no longer than the idempotency window, and hides them longer than an invocation can hold its lock', () => {
    const queue = resource(ids.queue).Properties;
    const fn = resource(ids.fn).Properties;
    assert.equal(queue.MessageRetentionPeriod, IDEMPOTENCY_WINDOW_SECONDS);
    assert.equal(fn.Timeout, CHARGE_TIMEOUT.toSeconds());
    assert.equal(fn.Timeout, 20);
    assert.equal(queue.VisibilityTimeout, fn.Timeout * 6);
  });

  test('encrypts both queues and denies non-TLS access to each', () => {
    for (const id of [ids.queue, ids.dlq]) {
      assert.equal(resource(id).Properties.SqsManagedSseEnabled, true, id);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: { Statement: Match.arrayWith([TLS_ONLY]) },
      });
    }
  });

  test('runs the handler on Node.js 24 on arm64, traced, with both table names', () => {
    const fn = resource(ids.fn).Properties;
    assert.equal(fn.Runtime, 'nodejs24.x');
    assert.deepEqual(fn.Architectures, ['arm64']);
    assert.deepEqual(fn.TracingConfig, { Mode: 'Active' });
    assert.deepEqual(fn.Environment.Variables, {
      IDEMPOTENCY_TABLE_NAME: { Ref: ids.records },
      PAYMENTS_TABLE_NAME: { Ref: ids.payments },
    });
    assert.deepEqual(fn.LoggingConfig.LogFormat, 'JSON');
  });

  test('lets the function only get, put, update and delete idempotency records and only put charges', () => {
    assert.equal(resource(ids.role).Properties.ManagedPolicyArns, undefined);
    const dynamo = roleStatements().filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    assert.deepEqual(
      dynamo.map((s) => [[s.Action].flat().sort(), s.Resource]),
      [
        [[...IDEMPOTENCY_TABLE_ACTIONS].sort(), { 'Fn::GetAtt': [ids.records, 'Arn'] }],
        [['dynamodb:PutItem'], { 'Fn::GetAtt': [ids.payments, 'Arn'] }],
      ],
    );
    assert.deepEqual(IDEMPOTENCY_TABLE_ACTIONS, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']);
    const sqs = roleStatements().filter((s) => [s.Action].flat().some((a) => a.startsWith('sqs:')));
    assert.equal(sqs.length, 1);
    assert.deepEqual(sqs[0].Resource, { 'Fn::GetAtt': [ids.queue, 'Arn'] });
    assert.ok(![sqs[0].Action].flat().includes('sqs:SendMessage'));
  });

  test('alarms on a message in the DLQ and on function errors, notifying one alarm topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    assert.equal(alarms.length, 2);
    for (const alarm of alarms) {
      assert.deepEqual(alarm.Properties.AlarmActions, [{ Ref: ids.topic }]);
      assert.equal(alarm.Properties.Threshold, 1);
      assert.equal(alarm.Properties.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
      assert.equal(alarm.Properties.TreatMissingData, 'notBreaching');
    }
    const watched = alarms.map((a) => [a.Properties.MetricName, a.Properties.Statistic, a.Properties.Period, JSON.stringify(a.Properties.Dimensions[0].Value)]);
    assert.deepEqual(watched.sort(), [
      ['ApproximateNumberOfMessagesVisible', 'Maximum', 60, JSON.stringify({ 'Fn::GetAtt': [ids.dlq, 'QueueName'] })],
      ['Errors', 'Sum', 300, JSON.stringify({ Ref: ids.fn })],
    ]);
  });

  test('keeps the alarm topic TLS-only and subscribes an e-mail address only when alarmEmail is set', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: ids.topic }],
      PolicyDocument: { Statement: Match.arrayWith([TLS_ONLY]) },
    });
    template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 0);
    const withEmail = Template.fromStack(new IdempotentEventHandlerStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' }, 1);
  });

  test('deletes the demo tables and log group with the stack', () => {
    for (const id of [ids.records, ids.payments, logicalId('ChargePaymentsLogs', 'AWS::Logs::LogGroup')]) {
      assert.equal(template.toJSON().Resources[id].DeletionPolicy, 'Delete', id);
    }
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new IdempotentEventHandlerStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const scope of [stack, withEmail]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const open = pack.validateScope(scope).violations.map((v) => `${v.ruleName}: ${v.description}`);
        assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
      }
    }
  });
});

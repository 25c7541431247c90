import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { EventbridgeArchiveAndReplayStack } from '../lib/eventbridge-archive-and-replay-stack';
import { appFromCdkJson } from './cdk-app';

type Resource = { Type: string; Properties: Record<string, any> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Principal?: unknown; Condition?: unknown };

const TLS_ONLY = Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });

describe('EventbridgeArchiveAndReplayStack', () => {
  let stack: EventbridgeArchiveAndReplayStack;
  let template: Template;
  let resources: Record<string, Resource>;
  /** The logical id of the one resource of a type whose construct id is `name`. */
  const id = (name: string, type: string): string => {
    const found = Object.keys(resources).filter((k) => resources[k].Type === type && new RegExp(`^${name}[0-9A-F]{8}$`).test(k));
    assert.equal(found.length, 1, `one ${type} named ${name}`);
    return found[0];
  };
  const arn = (name: string, type: string) => ({ 'Fn::GetAtt': [id(name, type), 'Arn'] });
  const statementsOf = (role: string): Statement[] =>
    Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: { Ref: string }) => x.Ref === id(role, 'AWS::IAM::Role')))
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);

  before(() => {
    stack = new EventbridgeArchiveAndReplayStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources;
  });

  test('keeps order lifecycle events from the orders bus in the archive for 30 days', () => {
    const archives = Object.values(resources).filter((r) => r.Type === 'AWS::Events::Archive');
    assert.equal(archives.length, 1);
    const { Properties: archive } = archives[0];
    assert.deepEqual(archive.SourceArn, arn('OrdersBus', 'AWS::Events::EventBus'));
    assert.equal(archive.RetentionDays, 30);
    assert.deepEqual(archive.EventPattern, { 'detail-type': [{ prefix: 'Order' }], source: ['com.example.orders'] });
    // No fixed name, so two copies of the stack can live in one account and Region.
    assert.equal(archive.ArchiveName, undefined);
    // Encrypted with the AWS owned key: no KmsKeyIdentifier at all, not the empty string the L2 writes.
    assert.equal('KmsKeyIdentifier' in archive, false);
    template.resourcePropertiesCountIs('AWS::Events::EventBus', { Name: Match.anyValue() }, 1);
    assert.match(String(Object.values(resources).find((r) => r.Type === 'AWS::Events::EventBus')!.Properties.Name), /^UnderTestOrdersBus/);
  });

  test('sends the ledger rule to the ledger queue, retrying for a day before its dead-letter queue', () => {
    const rule = resources[id('LedgerRule', 'AWS::Events::Rule')].Properties;
    assert.deepEqual(rule.EventBusName, { Ref: id('OrdersBus', 'AWS::Events::EventBus') });
    assert.deepEqual(rule.Targets, [
      {
        Id: 'Target0',
        Arn: arn('LedgerQueue', 'AWS::SQS::Queue'),
        DeadLetterConfig: { Arn: arn('LedgerDlq', 'AWS::SQS::Queue') },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
      },
    ]);
  });

  test('drains the ledger queue with at most five writers, reporting per-record failures, and parks a message after three receives', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arn('LedgerQueue', 'AWS::SQS::Queue'),
      FunctionName: { Ref: id('LedgerWriter', 'AWS::Lambda::Function') },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    const queue = resources[id('LedgerQueue', 'AWS::SQS::Queue')].Properties;
    assert.deepEqual(queue.RedrivePolicy, { deadLetterTargetArn: arn('LedgerDlq', 'AWS::SQS::Queue'), maxReceiveCount: 3 });
    assert.equal(queue.VisibilityTimeout, 60);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 10,
      ReservedConcurrentExecutions: Match.absent(),
      Environment: { Variables: { LEDGER_TABLE_NAME: { Ref: id('Ledger', 'AWS::DynamoDB::GlobalTable') } } },
    });
  });

  test('invokes the notifier from its rule only, with retries on both hops into one dead-letter queue', () => {
    const rule = resources[id('NotifierRule', 'AWS::Events::Rule')].Properties;
    const notifier = id('Notifier', 'AWS::Lambda::Function');
    assert.deepEqual(rule.Targets, [
      {
        Id: 'Target0',
        Arn: { 'Fn::GetAtt': [notifier, 'Arn'] },
        DeadLetterConfig: { Arn: arn('NotifierDlq', 'AWS::SQS::Queue') },
        RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 3600 },
      },
    ]);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: notifier },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: arn('NotifierDlq', 'AWS::SQS::Queue') } },
    });
    const permissions = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Permission').map((r) => r.Properties);
    assert.deepEqual(permissions, [
      { Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': [notifier, 'Arn'] }, Principal: 'events.amazonaws.com', SourceArn: arn('NotifierRule', 'AWS::Events::Rule') },
    ]);
  });

  test('keys the ledger on one string attribute, billed on demand, with point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
  });

  test('lets the ledger writer do nothing to the table but PutItem and UpdateItem, and the notifier nothing at all', () => {
    const table = arn('Ledger', 'AWS::DynamoDB::GlobalTable');
    const writer = statementsOf('LedgerWriterRole');
    assert.deepEqual(
      writer.filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:'))).map((s) => [s.Action, s.Resource]),
      [[['dynamodb:PutItem', 'dynamodb:UpdateItem'], table]],
    );
    const notifier = statementsOf('NotifierRole');
    const actions = notifier.flatMap((s) => [s.Action].flat());
    assert.deepEqual(actions.filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:')).sort(), ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
    assert.deepEqual(notifier.find((s) => [s.Action].flat().includes('sqs:SendMessage'))!.Resource, arn('NotifierDlq', 'AWS::SQS::Queue'));
    for (const statement of [...writer, ...notifier]) {
      if (statement.Resource === '*') assert.deepEqual([statement.Action].flat().sort(), ['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    }
    for (const role of Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Role')) assert.equal(role.Properties.ManagedPolicyArns, undefined);
  });

  test('lets EventBridge send to each queue only on behalf of its own rule, and only over TLS', () => {
    const senders = (queue: string) => {
      const policy = Object.values(resources).find(
        (r) => r.Type === 'AWS::SQS::QueuePolicy' && r.Properties.Queues[0].Ref === id(queue, 'AWS::SQS::Queue'),
      )!.Properties.PolicyDocument.Statement as Statement[];
      template.hasResourceProperties('AWS::SQS::QueuePolicy', { Queues: [{ Ref: id(queue, 'AWS::SQS::Queue') }], PolicyDocument: { Statement: Match.arrayWith([TLS_ONLY]) } });
      return policy.filter((s) => s.Effect === 'Allow').map((s) => [s.Principal, (s.Condition as any).ArnEquals['aws:SourceArn']]);
    };
    const events = { Service: 'events.amazonaws.com' };
    assert.deepEqual(senders('LedgerQueue'), [[events, arn('LedgerRule', 'AWS::Events::Rule')]]);
    assert.deepEqual(senders('LedgerDlq'), [[events, arn('LedgerRule', 'AWS::Events::Rule')]]);
    assert.deepEqual(senders('NotifierDlq'), [[events, arn('NotifierRule', 'AWS::Events::Rule')]]);
    for (const queue of Object.values(resources).filter((r) => r.Type === 'AWS::SQS::Queue')) assert.equal(queue.Properties.SqsManagedSseEnabled, true);
  });

  test('alarms on either dead-letter queue and on errors of either function, notifying one alarm topic', () => {
    const topics = Object.keys(resources).filter((k) => resources[k].Type === 'AWS::SNS::Topic');
    assert.deepEqual(topics, [id('AlarmTopic', 'AWS::SNS::Topic')]);
    const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm').map((r) => r.Properties);
    const watched = alarms.map((a) => [a.Namespace, a.MetricName, a.Statistic, a.Threshold, a.Dimensions[0].Value]);
    assert.deepEqual(
      watched.map((w) => JSON.stringify(w)).sort(),
      [
        ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'Maximum', 1, { 'Fn::GetAtt': [id('LedgerDlq', 'AWS::SQS::Queue'), 'QueueName'] }],
        ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'Maximum', 1, { 'Fn::GetAtt': [id('NotifierDlq', 'AWS::SQS::Queue'), 'QueueName'] }],
        ['AWS/Lambda', 'Errors', 'Sum', 1, { Ref: id('LedgerWriter', 'AWS::Lambda::Function') }],
        ['AWS/Lambda', 'Errors', 'Sum', 1, { Ref: id('Notifier', 'AWS::Lambda::Function') }],
      ].map((w) => JSON.stringify(w)).sort(),
    );
    for (const alarm of alarms) {
      assert.deepEqual(alarm.AlarmActions, [{ Ref: topics[0] }]);
      assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
      assert.equal(alarm.TreatMissingData, 'notBreaching');
    }
  });

  test('keeps the alarm topic TLS-only and subscribes an e-mail address only when alarmEmail is set', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', { PolicyDocument: { Statement: Match.arrayWith([TLS_ONLY]) } });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new EventbridgeArchiveAndReplayStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new EventbridgeArchiveAndReplayStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const scope of [stack, withEmail]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const open = pack.validateScope(scope).violations.map((v) => `${v.ruleName}: ${v.description}`);
        assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
      }
    }
  });
});

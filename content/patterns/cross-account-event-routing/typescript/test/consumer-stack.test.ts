import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { matches, sampleEvent } from './event-pattern';
import { buildStacks, logicalId, roleStatements } from './stacks';

const PRODUCER = '111111111111';
const CONSUMER = '222222222222';

describe('ConsumerStack', () => {
  let template: Template;
  let resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;

  before(() => {
    template = Template.fromStack(buildStacks().consumer);
    resources = template.toJSON().Resources;
  });

  test('names the bus from context, so the producer can write its ARN', () => {
    const { consumer } = buildStacks({ consumerBusName: 'partner-orders' });
    Template.fromStack(consumer).hasResourceProperties('AWS::Events::EventBus', { Name: 'partner-orders' });
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'shipped-orders-inbound' });
    assert.equal(consumer.account, CONSUMER);
  });

  test('lets only the producer account put only shipped-order events on the bus', () => {
    const policies = Object.values(resources).filter((r) => r.Type === 'AWS::Events::EventBusPolicy').map((r) => r.Properties);
    const busId = logicalId(resources, 'AWS::Events::EventBus', 'ConsumerBus');
    assert.deepEqual(policies, [
      {
        EventBusName: { Ref: busId },
        StatementId: 'cdk-AllowShippedOrdersFromProducer',
        Statement: {
          Sid: 'cdk-AllowShippedOrdersFromProducer',
          Effect: 'Allow',
          Action: 'events:PutEvents',
          Principal: { AWS: `arn:aws:iam::${PRODUCER}:root` },
          Resource: { 'Fn::GetAtt': [busId, 'Arn'] },
          Condition: {
            'ForAllValues:StringEquals': { 'events:source': ['com.example.orders'] },
            StringEquals: { 'events:detail-type': 'OrderShipped' },
          },
        },
      },
    ]);
    // The grant follows the context: another producer account is the one, and only, principal.
    const other = Template.fromStack(buildStacks({ producerAccount: '333333333333' }).consumer).toJSON();
    assert.match(JSON.stringify(other), /arn:aws:iam::333333333333:root/);
    assert.doesNotMatch(JSON.stringify(other), /111111111111/);
  });

  test('routes only shipped orders from the producer account to the handler', () => {
    const ruleId = logicalId(resources, 'AWS::Events::Rule', 'ShippedOrdersRule');
    const rule = resources[ruleId]!.Properties;
    const pattern = rule.EventPattern as Parameters<typeof matches>[0];
    assert.deepEqual(pattern, { source: ['com.example.orders'], 'detail-type': ['OrderShipped'], account: [PRODUCER] });
    assert.equal(matches(pattern, sampleEvent({ account: PRODUCER })), true);
    // The same event put on the bus from the consumer's own account, or any other, does not fire the rule.
    assert.equal(matches(pattern, sampleEvent({ account: CONSUMER })), false);
    assert.equal(matches(pattern, sampleEvent({ account: '999999999999' })), false);
    assert.equal(matches(pattern, sampleEvent({ 'detail-type': 'OrderCreated' })), false);
    assert.deepEqual(rule.EventBusName, { Ref: logicalId(resources, 'AWS::Events::EventBus', 'ConsumerBus') });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Environment: { Variables: { PRODUCER_ACCOUNT: PRODUCER } },
    });
  });

  test('retries delivery and processing, then parks the shipment in FailedShipments', () => {
    const queueArn = { 'Fn::GetAtt': [logicalId(resources, 'AWS::SQS::Queue', 'FailedShipments'), 'Arn'] };
    const fnId = logicalId(resources, 'AWS::Lambda::Function', 'ShipmentHandler');
    const rule = resources[logicalId(resources, 'AWS::Events::Rule', 'ShippedOrdersRule')]!.Properties;
    assert.deepEqual(rule.Targets, [
      {
        Id: 'Target0',
        Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: queueArn },
      },
    ]);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fnId },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: queueArn } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
  });

  test('gives the handler nothing beyond its own logs, traces and the failure queue', () => {
    const roleId = logicalId(resources, 'AWS::IAM::Role', 'ShipmentHandlerRole');
    const statements = roleStatements(resources, roleId).map((s) => [[s.Action].flat().sort(), s.Resource]);
    assert.deepEqual(statements, [
      [['logs:CreateLogStream', 'logs:PutLogEvents'], { 'Fn::GetAtt': [logicalId(resources, 'AWS::Logs::LogGroup', 'ShipmentHandlerLogs'), 'Arn'] }],
      [['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], '*'],
      [['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], { 'Fn::GetAtt': [logicalId(resources, 'AWS::SQS::Queue', 'FailedShipments'), 'Arn'] }],
    ]);
    assert.equal(resources[roleId]!.Properties.ManagedPolicyArns, undefined);
    const permissions = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Permission').map((r) => r.Properties);
    assert.deepEqual(permissions.map((p) => [p.Principal, p.SourceArn]), [
      ['events.amazonaws.com', { 'Fn::GetAtt': [logicalId(resources, 'AWS::Events::Rule', 'ShippedOrdersRule'), 'Arn'] }],
    ]);
  });

  test('alarms on a parked shipment and on handler errors, notifying the consumer AlarmTopic', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    assert.match(topics[0]!, /^AlarmTopic/);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    assert.deepEqual(
      alarms.map((a) => [a.Namespace, a.MetricName, a.Statistic, a.Threshold, a.ComparisonOperator, a.Dimensions]).sort(),
      [
        ['AWS/Lambda', 'Errors', 'Sum', 1, 'GreaterThanOrEqualToThreshold', [
          { Name: 'FunctionName', Value: { Ref: logicalId(resources, 'AWS::Lambda::Function', 'ShipmentHandler') } },
        ]],
        ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'Maximum', 1, 'GreaterThanOrEqualToThreshold', [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(resources, 'AWS::SQS::Queue', 'FailedShipments'), 'QueueName'] } },
        ]],
      ],
    );
    for (const alarm of alarms) assert.deepEqual(alarm.AlarmActions, [{ Ref: topics[0] }]);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(buildStacks({ alarmEmail: 'ops@example.com' }).consumer);
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    for (const stack of [buildStacks().consumer, buildStacks({ alarmEmail: 'ops@example.com' }).consumer]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const open = pack.validateScope(stack).violations.map((v) => `${v.ruleName}: ${v.description}`);
        assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
      }
    }
  });
});

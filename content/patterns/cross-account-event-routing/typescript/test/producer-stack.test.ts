import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { matches, sampleEvent } from './event-pattern';
import { buildStacks, logicalId, roleStatements } from './stacks';

const CONSUMER_BUS_ARN = 'arn:aws:events:us-east-1:222222222222:event-bus/shipped-orders-inbound';

describe('ProducerStack', () => {
  let template: Template;
  let resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;

  before(() => {
    template = Template.fromStack(buildStacks().producer);
    resources = template.toJSON().Resources;
  });

  const forwardingRule = () => resources[logicalId(resources, 'AWS::Events::Rule', 'ForwardShippedOrders')]!.Properties;

  test('forwards only OrderShipped events from com.example.orders', () => {
    const pattern = forwardingRule().EventPattern as Parameters<typeof matches>[0];
    assert.deepEqual(pattern, { source: ['com.example.orders'], 'detail-type': ['OrderShipped'] });
    assert.equal(matches(pattern, sampleEvent()), true);
    // Everything else on the order bus stays in the producer account.
    assert.equal(matches(pattern, sampleEvent({ 'detail-type': 'OrderCreated' })), false);
    assert.equal(matches(pattern, sampleEvent({ 'detail-type': 'OrderShippedInternal' })), false);
    assert.equal(matches(pattern, sampleEvent({ source: 'com.example.billing' })), false);
    assert.equal(matches(pattern, sampleEvent({ source: 'com.example.orders.test' })), false);
  });

  test('sends them to the consumer bus ARN through its own role, parking refusals in UndeliveredOrders', () => {
    const rule = forwardingRule();
    assert.deepEqual(rule.EventBusName, { Ref: logicalId(resources, 'AWS::Events::EventBus', 'OrdersBus') });
    assert.deepEqual(rule.Targets, [
      {
        Id: 'Target0',
        Arn: CONSUMER_BUS_ARN,
        RoleArn: { 'Fn::GetAtt': [logicalId(resources, 'AWS::IAM::Role', 'ForwardingRole'), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(resources, 'AWS::SQS::Queue', 'UndeliveredOrders'), 'Arn'] } },
      },
    ]);
  });

  test('lets the forwarding role do nothing but events:PutEvents on the consumer bus, and only EventBridge assume it', () => {
    const roleId = logicalId(resources, 'AWS::IAM::Role', 'ForwardingRole');
    assert.deepEqual(roleStatements(resources, roleId), [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: CONSUMER_BUS_ARN }]);
    const role = resources[roleId]!.Properties;
    assert.deepEqual((role.AssumeRolePolicyDocument as { Statement: unknown[] }).Statement, [
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' } },
    ]);
    assert.equal(role.ManagedPolicyArns, undefined);
    // No other role in the stack can reach the consumer account.
    assert.equal(JSON.stringify(template.findResources('AWS::IAM::Policy')).split(CONSUMER_BUS_ARN).length - 1, 1);
  });

  test('builds the consumer bus ARN from context, without reading the consumer stack', () => {
    const { producer } = buildStacks({ producerAccount: '012345678901', consumerAccount: '210987654321', region: 'eu-west-1', consumerBusName: 'partner-orders' });
    const json = Template.fromStack(producer).toJSON();
    const arn = 'arn:aws:events:eu-west-1:210987654321:event-bus/partner-orders';
    const rule = Object.values(json.Resources as Record<string, { Type: string; Properties: { Targets: { Arn: unknown }[] } }>).find((r) => r.Type === 'AWS::Events::Rule')!;
    assert.equal(rule.Properties.Targets[0]!.Arn, arn);
    assert.equal(producer.account, '012345678901');
    assert.equal(producer.region, 'eu-west-1');
    // Cross-account stacks cannot share outputs: nothing may be imported from another stack.
    assert.doesNotMatch(JSON.stringify(json), /Fn::ImportValue/);
  });

  test('keeps undelivered events 14 days in an encrypted queue only the forwarding rule may write to', () => {
    const queueId = logicalId(resources, 'AWS::SQS::Queue', 'UndeliveredOrders');
    assert.deepEqual(resources[queueId]!.Properties, { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
    const policy = Object.values(resources).find((r) => r.Type === 'AWS::SQS::QueuePolicy')!.Properties.PolicyDocument as {
      Statement: { Effect: string; Action: string; Principal: unknown; Condition: unknown }[];
    };
    const allows = policy.Statement.filter((s) => s.Effect === 'Allow');
    assert.deepEqual(allows.map((s) => [s.Action, s.Principal, s.Condition]), [
      [
        'sqs:SendMessage',
        { Service: 'events.amazonaws.com' },
        { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalId(resources, 'AWS::Events::Rule', 'ForwardShippedOrders'), 'Arn'] } } },
      ],
    ]);
    assert.ok(policy.Statement.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition) === '{"Bool":{"aws:SecureTransport":"false"}}'));
  });

  test('alarms on a parked event and on failed forwarding, notifying the producer AlarmTopic', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    assert.match(topics[0]!, /^AlarmTopic/);
    const ruleId = logicalId(resources, 'AWS::Events::Rule', 'ForwardShippedOrders');
    const queueId = logicalId(resources, 'AWS::SQS::Queue', 'UndeliveredOrders');
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    assert.deepEqual(
      alarms.map((a) => [a.Namespace, a.MetricName, a.Statistic, a.Threshold, a.ComparisonOperator, a.Dimensions]).sort(),
      [
        ['AWS/Events', 'FailedInvocations', 'Sum', 1, 'GreaterThanOrEqualToThreshold', [
          { Name: 'EventBusName', Value: { 'Fn::Select': [0, { 'Fn::Split': ['|', { Ref: ruleId }] }] } },
          { Name: 'RuleName', Value: { 'Fn::Select': [1, { 'Fn::Split': ['|', { Ref: ruleId }] }] } },
        ]],
        ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'Maximum', 1, 'GreaterThanOrEqualToThreshold', [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } },
        ]],
      ],
    );
    for (const alarm of alarms) assert.deepEqual(alarm.AlarmActions, [{ Ref: topics[0] }]);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(buildStacks({ alarmEmail: 'ops@example.com' }).producer);
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    for (const stack of [buildStacks().producer, buildStacks({ alarmEmail: 'ops@example.com' }).producer]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const open = pack.validateScope(stack).violations.map((v) => `${v.ruleName}: ${v.description}`);
        assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
      }
    }
  });
});

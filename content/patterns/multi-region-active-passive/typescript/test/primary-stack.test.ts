import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { buildStacks, one } from './stacks';

describe('PrimaryStack', () => {
  let template: Template;

  before(() => {
    template = Template.fromStack(buildStacks().data);
  });

  test('creates one global table in the primary Region with a replica in the secondary', () => {
    const stacks = buildStacks({ secondaryRegion: 'us-east-2' });
    assert.equal(stacks.data.region, 'us-east-1');
    const table = one(Template.fromStack(stacks.data), 'AWS::DynamoDB::GlobalTable');
    assert.deepEqual(table.props.Replicas.map((r: { Region: string }) => r.Region).sort(), ['us-east-1', 'us-east-2']);
    assert.deepEqual(table.props.KeySchema, [{ AttributeName: 'pk', KeyType: 'HASH' }]);
    assert.equal(table.props.BillingMode, 'PAY_PER_REQUEST');
    // Global tables replicate through the table's stream; the new and old images are required.
    assert.deepEqual(table.props.StreamSpecification, { StreamViewType: 'NEW_AND_OLD_IMAGES' });
  });

  test('names the table from context so each Region can find its replica without a cross-Region reference', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { TableName: 'multi-region-active-passive-items' });
    const renamed = Template.fromStack(buildStacks({ tableName: 'orders-items' }).data);
    renamed.hasResourceProperties('AWS::DynamoDB::GlobalTable', { TableName: 'orders-items' });
  });

  test('keeps point-in-time recovery on in both replicas and expires items through TTL', () => {
    const table = one(template, 'AWS::DynamoDB::GlobalTable');
    assert.equal(table.props.Replicas.length, 2);
    for (const replica of table.props.Replicas) {
      assert.deepEqual(replica.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
    }
    assert.deepEqual(table.props.TimeToLiveSpecification, { AttributeName: 'expiresAt', Enabled: true });
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
  });

  test('alarms when replication to the secondary lags 30 seconds, notifying the stack alarm topic', () => {
    const topic = one(template, 'AWS::SNS::Topic', 'AlarmTopic');
    const table = one(template, 'AWS::DynamoDB::GlobalTable');
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/DynamoDB',
      MetricName: 'ReplicationLatency',
      Dimensions: Match.arrayWith([
        { Name: 'ReceivingRegion', Value: 'us-west-2' },
        { Name: 'TableName', Value: { Ref: table.id } },
      ]),
      Statistic: 'Average',
      Period: 300,
      Threshold: 30000,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topic.id }],
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(buildStacks({ alarmEmail: 'ops@example.com' }).data);
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    for (const stack of [buildStacks().data, buildStacks({ alarmEmail: 'ops@example.com' }).data]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const open = pack.validateScope(stack).violations.map((v) => `${v.ruleName}: ${v.description}`);
        assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
      }
    }
  });
});

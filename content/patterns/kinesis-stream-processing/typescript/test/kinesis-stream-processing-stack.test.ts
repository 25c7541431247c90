import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { KinesisStreamProcessingStack } from '../lib/kinesis-stream-processing-stack';
import { SETTINGS } from '../lib/settings';
import { appFromCdkJson } from './cdk-app';

type Statement = { Action: string | string[]; Resource: unknown };

describe('KinesisStreamProcessingStack', () => {
  let stack: KinesisStreamProcessingStack;
  let template: Template;

  const logicalId = (type: string, prefix: string) => {
    const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
    assert.equal(ids.length, 1, `${type} ${prefix}`);
    return ids[0]!;
  };
  const statementsOfRole = (rolePrefix: string): Statement[] =>
    Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith(rolePrefix)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  const mappingOf = (fnPrefix: string) =>
    Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).find((m) => m.Properties.FunctionName.Ref.startsWith(fnPrefix))!.Properties;

  before(() => {
    stack = new KinesisStreamProcessingStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
  });

  test('keeps one provisioned shard for 24 hours, encrypted with the AWS managed key', () => {
    template.resourceCountIs('AWS::Kinesis::Stream', 1);
    template.hasResource('AWS::Kinesis::Stream', {
      Properties: {
        ShardCount: 1,
        StreamModeDetails: { StreamMode: 'PROVISIONED' },
        RetentionPeriodHours: 24,
        StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
        Name: Match.absent(),
      },
      DeletionPolicy: 'Delete',
    });
  });

  test('feeds the processor in batches with bisect, partial batch responses, bounded retries and a failure queue', () => {
    const stream = logicalId('AWS::Kinesis::Stream', 'Readings');
    assert.deepEqual(mappingOf('ReadingProcessor'), {
      EventSourceArn: { 'Fn::GetAtt': [stream, 'Arn'] },
      FunctionName: { Ref: logicalId('AWS::Lambda::Function', 'ReadingProcessor') },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 5,
      ParallelizationFactor: 1,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', 'FailedBatches'), 'Arn'] } } },
    });
    assert.equal(SETTINGS.retryAttempts, 3);
  });

  test('feeds the aggregator through a 60-second tumbling window with the same retry limits and failure queue', () => {
    assert.deepEqual(mappingOf('WindowAggregator'), {
      EventSourceArn: { 'Fn::GetAtt': [logicalId('AWS::Kinesis::Stream', 'Readings'), 'Arn'] },
      FunctionName: { Ref: logicalId('AWS::Lambda::Function', 'WindowAggregator') },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 5,
      ParallelizationFactor: 1,
      TumblingWindowInSeconds: 60,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', 'FailedBatches'), 'Arn'] } } },
    });
  });

  test('keys the latest readings by device and the totals by device and event-time minute', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'deviceId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'deviceId', KeyType: 'HASH' },
        { AttributeName: 'minute', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: Match.absent(),
      Environment: { Variables: { LATEST_READINGS_TABLE: { Ref: logicalId('AWS::DynamoDB::GlobalTable', 'LatestReadings') } } },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { WINDOW_TOTALS_TABLE: { Ref: logicalId('AWS::DynamoDB::GlobalTable', 'WindowTotals') } } },
    });
  });

  test('lets each function update only its own table and read only the stream', () => {
    for (const [role, table] of [
      ['ReadingProcessorRole', 'LatestReadings'],
      ['WindowAggregatorRole', 'WindowTotals'],
    ] as const) {
      const statements = statementsOfRole(role);
      const byService = (prefix: string) => statements.filter((s) => [s.Action].flat().some((a) => a.startsWith(prefix)));
      assert.deepEqual(byService('dynamodb:').map((s) => [s.Action, s.Resource]), [
        ['dynamodb:UpdateItem', { 'Fn::GetAtt': [logicalId('AWS::DynamoDB::GlobalTable', table), 'Arn'] }],
      ]);
      const kinesis = byService('kinesis:');
      assert.ok(kinesis.flatMap((s) => [s.Action].flat()).every((a) => /^kinesis:(Describe|Get|List|SubscribeToShard)/.test(a)), role);
      for (const s of kinesis) assert.deepEqual(s.Resource, { 'Fn::GetAtt': [logicalId('AWS::Kinesis::Stream', 'Readings'), 'Arn'] });
      assert.deepEqual(byService('sqs:').map((s) => s.Resource), [{ 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', 'FailedBatches'), 'Arn'] }]);
      assert.ok(!statements.some((s) => [s.Action].flat().some((a) => a.endsWith('*'))), `${role} has a wildcard action`);
      const services = new Set(statements.flatMap((s) => [s.Action].flat().map((a) => a.split(':')[0])));
      assert.deepEqual([...services].sort(), ['dynamodb', 'kinesis', 'logs', 'sqs', 'xray']);
    }
    template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  test('runs both consumers on Node.js 24 and arm64 with JSON logs kept a month', () => {
    const fns = Object.values(template.findResources('AWS::Lambda::Function'));
    assert.equal(fns.length, 2);
    for (const fn of fns) {
      assert.equal(fn.Properties.Runtime, 'nodejs24.x');
      assert.deepEqual(fn.Properties.Architectures, ['arm64']);
      assert.equal(fn.Properties.LoggingConfig.LogFormat, 'JSON');
    }
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, 2);
  });

  test('alarms on a failure pointer, on errors and on a 10-minute iterator age of each consumer, notifying one topic', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const target = (a: Record<string, any>) => (a.Dimensions[0].Value.Ref ?? a.Dimensions[0].Value['Fn::GetAtt'][0]).replace(/[0-9A-F]{8}$/, '');
    assert.deepEqual(
      alarms.map((a) => [a.MetricName, target(a), a.Statistic, a.Period, a.EvaluationPeriods, a.Threshold, a.TreatMissingData]).sort(),
      [
        ['ApproximateNumberOfMessagesVisible', 'FailedBatches', 'Maximum', 60, 1, 1, 'notBreaching'],
        ['Errors', 'ReadingProcessorFunction', 'Sum', 300, 1, 1, 'notBreaching'],
        ['Errors', 'WindowAggregatorFunction', 'Sum', 300, 1, 1, 'notBreaching'],
        ['IteratorAge', 'ReadingProcessorFunction', 'Maximum', 60, 5, 600000, 'notBreaching'],
        ['IteratorAge', 'WindowAggregatorFunction', 'Maximum', 60, 5, 600000, 'notBreaching'],
      ],
    );
    for (const alarm of alarms) {
      assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
      assert.deepEqual(alarm.AlarmActions, [{ Ref: topics[0] }]);
    }
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new KinesisStreamProcessingStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new KinesisStreamProcessingStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const [pack, scope] of [stack, withEmail].flatMap((s) => [new AwsSolutionsChecks(), new ServerlessChecks()].map((p) => [p, s] as const))) {
      const report = pack.validateScope(scope);
      const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
    }
  });
});

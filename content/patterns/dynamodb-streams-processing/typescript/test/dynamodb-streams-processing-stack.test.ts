import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { DynamodbStreamsProcessingStack } from '../lib/dynamodb-streams-processing-stack';
import { STREAM } from '../lib/stream-consumer';
import { appFromCdkJson } from './cdk-app';

type Statement = { Action: string | string[]; Resource: unknown };

describe('DynamodbStreamsProcessingStack', () => {
  let stack: DynamodbStreamsProcessingStack;
  let template: Template;

  const logicalId = (type: string, prefix: string): string => {
    const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
    assert.equal(ids.length, 1, `${type} ${prefix}`);
    return ids[0]!;
  };

  const dynamoStatementsOf = (rolePrefix: string): Statement[] =>
    Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith(rolePrefix)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));

  before(() => {
    stack = new DynamodbStreamsProcessingStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
  });

  test('streams old and new images of the orders table and keeps the view in its own table', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 2);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'customerId', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: Match.absent(),
    });
  });

  test('consumes the stream with partial batch responses, bisect, bounded retries and a failure queue', () => {
    const orders = logicalId('AWS::DynamoDB::GlobalTable', 'Orders');
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    assert.deepEqual(mappings.map((m) => (m.Properties.FunctionName.Ref as string).replace(/[0-9A-F]{8}$/, '')).sort(), ['RemovalAudit', 'TotalsProjector']);
    for (const mapping of mappings) {
      assert.deepEqual(
        { ...mapping.Properties, FunctionName: undefined, FilterCriteria: undefined },
        {
          EventSourceArn: { 'Fn::GetAtt': [orders, 'StreamArn'] },
          FunctionName: undefined,
          FilterCriteria: undefined,
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: 100,
          MaximumBatchingWindowInSeconds: 1,
          ParallelizationFactor: 1,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          BisectBatchOnFunctionError: true,
          MaximumRetryAttempts: 5,
          MaximumRecordAgeInSeconds: 6 * 3600,
          DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', 'StreamFailures'), 'Arn'] } } },
          MetricsConfig: { Metrics: ['EventCount'] },
        },
      );
    }
    assert.deepEqual([STREAM.batchSize, STREAM.retryAttempts, STREAM.maxRecordAgeHours], [100, 5, 6]);
  });

  test('lets the projector read the stream and write only the view table', () => {
    const orders = logicalId('AWS::DynamoDB::GlobalTable', 'Orders');
    const view = logicalId('AWS::DynamoDB::GlobalTable', 'CustomerTotals');
    const statements = dynamoStatementsOf('TotalsProjectorRole').map((s) => ({ Action: [s.Action].flat().sort(), Resource: s.Resource }));
    assert.deepEqual(statements, [
      {
        Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
        Resource: { 'Fn::GetAtt': [orders, 'StreamArn'] },
      },
      { Action: ['dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: { 'Fn::GetAtt': [view, 'Arn'] } },
    ]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { TOTALS_TABLE_NAME: { Ref: view } } },
    });
  });

  test('gives the removal audit stream-read rights only, never table data access', () => {
    const orders = logicalId('AWS::DynamoDB::GlobalTable', 'Orders');
    const statements = dynamoStatementsOf('RemovalAuditRole');
    assert.deepEqual(
      statements.flatMap((s) => [s.Action].flat()).sort(),
      ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
    );
    for (const s of statements) assert.deepEqual(s.Resource, { 'Fn::GetAtt': [orders, 'StreamArn'] });
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) assert.equal(role.Properties.ManagedPolicyArns, undefined);
  });

  test('runs both consumers on Node.js 24 and arm64 with JSON logs into their own log groups', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    assert.equal(functions.length, 2);
    for (const fn of functions) {
      assert.equal(fn.Properties.Runtime, 'nodejs24.x');
      assert.deepEqual(fn.Properties.Architectures, ['arm64']);
      assert.equal(fn.Properties.LoggingConfig.LogFormat, 'JSON');
      assert.deepEqual(fn.Properties.TracingConfig, { Mode: 'Active' });
    }
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    // The audit trail outlives the month the projector's logs are kept.
    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logicalId('AWS::Logs::LogGroup', 'RemovalAuditLogs') } },
    });
    assert.equal(template.findResources('AWS::Logs::LogGroup')[logicalId('AWS::Logs::LogGroup', 'RemovalAuditLogs')]!.Properties.RetentionInDays, 365);
  });

  test('alarms on failure pointers, consumer errors and a stream backlog, notifying one alarm topic', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const target = (alarm: Record<string, any>): string => {
      const value = alarm.Dimensions[0].Value;
      return (value.Ref ?? value['Fn::GetAtt'][0]).replace(/[0-9A-F]{8}$/, '');
    };
    assert.deepEqual(
      alarms.map((a) => [a.MetricName, target(a), a.Statistic, a.Period, a.Threshold, a.EvaluationPeriods, a.TreatMissingData]).sort(),
      [
        ['ApproximateNumberOfMessagesVisible', 'StreamFailures', 'Maximum', 60, 1, 1, 'notBreaching'],
        ['Errors', 'RemovalAudit', 'Sum', 300, 1, 1, 'notBreaching'],
        ['Errors', 'TotalsProjector', 'Sum', 300, 1, 1, 'notBreaching'],
        ['IteratorAge', 'RemovalAudit', 'Maximum', 60, 600000, 5, 'notBreaching'],
        ['IteratorAge', 'TotalsProjector', 'Maximum', 60, 600000, 5, 'notBreaching'],
      ],
    );
    for (const alarm of alarms) {
      assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
      assert.deepEqual(alarm.AlarmActions, [{ Ref: topics[0] }]);
    }
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new DynamodbStreamsProcessingStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new DynamodbStreamsProcessingStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const scope of [stack, withEmail]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const report = pack.validateScope(scope);
        assert.deepEqual(report.violations.map((v) => `${v.ruleName}: ${v.description}`), [], `${pack.name} has unacknowledged findings`);
      }
    }
  });
});

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { EVENT_SOURCE, OUTBOX_RETENTION_DAYS } from '../lambda/outbox-item';
import { API_THROTTLE } from '../lib/order-api';
import { DELIVERY } from '../lib/order-events';
import { RELAY } from '../lib/outbox-relay';
import { TransactionalOutboxStack } from '../lib/transactional-outbox-stack';
import { appFromCdkJson } from './cdk-app';

type Statement = { Action: string | string[]; Resource: unknown };

/**
 * Lambda's event filtering for the only shape this stack uses: nested objects whose leaves are
 * lists of allowed exact values. A record is delivered when it matches any one pattern.
 */
function matches(pattern: Record<string, unknown>, value: unknown): boolean {
  const fields = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  return Object.entries(pattern).every(([name, rule]) => {
    if (Array.isArray(rule)) {
      if (rule.some((r) => typeof r === 'object' && r !== null)) throw new Error(`unsupported rule ${JSON.stringify(rule)}`);
      return rule.includes(fields[name]);
    }
    return matches(rule as Record<string, unknown>, fields[name]);
  });
}

describe('TransactionalOutboxStack', () => {
  let stack: TransactionalOutboxStack;
  let template: Template;

  const statementsOfRole = (rolePrefix: string): Statement[] =>
    Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith(rolePrefix)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  /** The logical id of the one resource of a type whose construct id is `name`. */
  const logicalId = (type: string, name: string) => {
    const ids = Object.keys(template.findResources(type)).filter((id) => id.replace(/[0-9A-F]{8}$/, '') === name);
    assert.equal(ids.length, 1, `${type} ${name}`);
    return ids[0]!;
  };

  before(() => {
    stack = new TransactionalOutboxStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
  });

  test('keeps events in an outbox table of their own, streamed as new images and expired by TTL', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 2);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'eventId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
    // The orders table needs no stream: nothing is published from it directly.
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      StreamSpecification: Match.absent(),
    });
    assert.equal(OUTBOX_RETENTION_DAYS, 7);
  });

  test('delivers only new outbox items to the relay, never TTL removals', () => {
    const [mapping] = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    const patterns = (mapping!.Properties.FilterCriteria.Filters as { Pattern: string }[]).map((f) => JSON.parse(f.Pattern));
    const delivered = (record: unknown) => patterns.some((p) => matches(p, record));
    const image = { eventId: { S: 'evt-1' }, detail: { S: '{}' } };
    assert.equal(delivered({ eventName: 'INSERT', dynamodb: { NewImage: image } }), true);
    assert.equal(
      delivered({ eventName: 'REMOVE', userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' }, dynamodb: { Keys: { eventId: { S: 'evt-1' } } } }),
      false,
    );
    assert.equal(delivered({ eventName: 'MODIFY', dynamodb: { NewImage: image } }), false);
  });

  test('relays the stream in order with partial batch responses, bisect, bounded retries and a failure queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId('AWS::DynamoDB::GlobalTable', 'Outbox'), 'StreamArn'] },
      FunctionName: { Ref: logicalId('AWS::Lambda::Function', 'OutboxRelay') },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: RELAY.batchSize,
      ParallelizationFactor: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: RELAY.retryAttempts,
      MaximumRecordAgeInSeconds: RELAY.maxRecordAgeHours * 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', 'RelayFailures'), 'Arn'] } } },
    });
    assert.deepEqual([RELAY.batchSize, RELAY.retryAttempts, RELAY.maxRecordAgeHours], [50, 10, 6]);
  });

  test('lets the writer put and update orders and put outbox items, and nothing else on either table', () => {
    const dynamo = statementsOfRole('OrderWriterRole').filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    assert.deepEqual(
      dynamo.map((s) => ({ Action: s.Action, Resource: s.Resource })),
      [
        { Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: { 'Fn::GetAtt': [logicalId('AWS::DynamoDB::GlobalTable', 'Orders'), 'Arn'] } },
        { Action: 'dynamodb:PutItem', Resource: { 'Fn::GetAtt': [logicalId('AWS::DynamoDB::GlobalTable', 'Outbox'), 'Arn'] } },
      ],
    );
  });

  test('lets the relay read the outbox stream and put events on the one bus, never touch table items', () => {
    const statements = statementsOfRole('OutboxRelayRole');
    const dynamo = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    assert.deepEqual(dynamo.flatMap((s) => [s.Action].flat()).sort(), [
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ]);
    for (const s of dynamo) assert.deepEqual(s.Resource, { 'Fn::GetAtt': [logicalId('AWS::DynamoDB::GlobalTable', 'Outbox'), 'StreamArn'] });
    const events = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('events:')));
    assert.deepEqual(
      events.map((s) => ({ Action: s.Action, Resource: s.Resource })),
      [{ Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [logicalId('AWS::Events::EventBus', 'OrderBus'), 'Arn'] } }],
    );
  });

  test('routes POST /orders and POST /orders/{orderId}/cancel to the writer on a throttled, access-logged stage', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey).sort();
    assert.deepEqual(routes, ['POST /orders', 'POST /orders/{orderId}/cancel']);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AccessLogSettings: Match.objectLike({ DestinationArn: { 'Fn::GetAtt': [logicalId('AWS::Logs::LogGroup', 'ApiAccessLogs'), 'Arn'] } }),
      DefaultRouteSettings: { ThrottlingRateLimit: API_THROTTLE.rateLimit, ThrottlingBurstLimit: API_THROTTLE.burstLimit },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Environment: {
        Variables: Match.objectLike({
          ORDERS_TABLE_NAME: { Ref: logicalId('AWS::DynamoDB::GlobalTable', 'Orders') },
          OUTBOX_TABLE_NAME: { Ref: logicalId('AWS::DynamoDB::GlobalTable', 'Outbox') },
        }),
      },
    });
  });

  test('sends every order event on the bus to the OrderEvents queue, with undeliverable events kept in a DLQ', () => {
    const dlq = logicalId('AWS::SQS::Queue', 'OrderEventsDlq');
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalId('AWS::Events::EventBus', 'OrderBus') },
      EventPattern: { source: [EVENT_SOURCE] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', 'OrderEvents'), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: DELIVERY.retryAttempts, MaximumEventAgeInSeconds: DELIVERY.maxEventAgeHours * 3600 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: DELIVERY.maxReceiveCount },
    });
  });

  test('alarms on relay failures, relay errors, relay lag, undeliverable events, writer errors and API 5xx, notifying one topic', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const target = (a: Record<string, any>) => {
      const value = a.Dimensions[0].Value;
      return (value.Ref ?? value['Fn::GetAtt'][0]).replace(/[0-9A-F]{8}$/, '');
    };
    assert.deepEqual(
      alarms.map((a) => [a.MetricName, target(a), a.Statistic, a.Period, a.Threshold]).sort(),
      [
        ['5xx', 'OrdersApi', 'Sum', 300, 1],
        ['ApproximateNumberOfMessagesVisible', 'OrderEventsDlq', 'Maximum', 60, 1],
        ['ApproximateNumberOfMessagesVisible', 'RelayFailures', 'Maximum', 60, 1],
        ['Errors', 'OrderWriter', 'Sum', 300, 1],
        ['Errors', 'OutboxRelay', 'Sum', 300, 1],
        ['IteratorAge', 'OutboxRelay', 'Maximum', 60, RELAY.alarmIteratorAgeMinutes * 60_000],
      ].sort(),
    );
    for (const a of alarms) {
      assert.equal(a.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
      assert.equal(a.TreatMissingData, 'notBreaching');
      assert.deepEqual(a.AlarmActions, [{ Ref: topics[0] }]);
    }
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new TransactionalOutboxStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new TransactionalOutboxStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const scope of [stack, withEmail]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const report = pack.validateScope(scope);
        assert.deepEqual(
          report.violations.map((v) => `${v.ruleName}: ${v.description}`),
          [],
          `${pack.name} has unacknowledged findings`,
        );
      }
    }
  });
});

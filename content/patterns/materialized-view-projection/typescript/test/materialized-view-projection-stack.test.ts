import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { READ_API_THROTTLE } from '../lib/read-api';
import { MaterializedViewProjectionStack, STREAM, VIEW_INDEX } from '../lib/materialized-view-projection-stack';
import { appFromCdkJson } from './cdk-app';

type Statement = { Action: string | string[]; Resource: unknown };

describe('MaterializedViewProjectionStack', () => {
  let stack: MaterializedViewProjectionStack;
  let template: Template;
  const idOf = (type: string, prefix: string) => Object.keys(template.findResources(type)).find((id) => id.startsWith(prefix))!;
  const statementsOf = (rolePrefix: string): Statement[] =>
    Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith(rolePrefix)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  /** Every DynamoDB action a role holds, as "action on <logical id>[/suffix]". */
  const dynamoGrants = (rolePrefix: string) =>
    statementsOf(rolePrefix)
      .flatMap((s) => [s.Action].flat().filter((a) => a.startsWith('dynamodb:')).map((a) => `${a} on ${target(s.Resource)}`))
      .sort();
  const target = (resource: unknown): string => {
    const r = resource as { 'Fn::GetAtt'?: string[]; 'Fn::Join'?: [string, unknown[]] };
    if (r['Fn::GetAtt']) return `${r['Fn::GetAtt'][0]!.replace(/[0-9A-F]{8}$/, '')}.${r['Fn::GetAtt'][1]}`;
    if (r['Fn::Join']) return r['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : target(part))).join('');
    return JSON.stringify(resource);
  };

  before(() => {
    stack = new MaterializedViewProjectionStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
  });

  test('keeps events append-only by key and version, streams new images and protects them with point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'aggregateId', KeyType: 'HASH' },
        { AttributeName: 'version', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([{ AttributeName: 'version', AttributeType: 'N' }]),
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
  });

  test('shapes the view for one order by id and for a customer\'s orders by status, without backups of derived data', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 2);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: Match.absent(),
      GlobalSecondaryIndexes: [
        {
          IndexName: VIEW_INDEX,
          KeySchema: [
            { AttributeName: 'customerId', KeyType: 'HASH' },
            { AttributeName: 'statusAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: Match.absent() })],
    });
  });

  test('feeds the projector only inserts, with partial batch responses, bisect, bounded retries and a failure queue', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Events'), 'StreamArn'] },
      FunctionName: { Ref: Match.stringLikeRegexp('^Projector') },
      StartingPosition: 'TRIM_HORIZON',
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }] },
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      ParallelizationFactor: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ProjectorFailures'), 'Arn'] } } },
    });
    assert.deepEqual([STREAM.retryAttempts, STREAM.maxRecordAgeHours], [5, 1]);
  });

  test('lets the projector read the stream and query the event table but never write it', () => {
    assert.deepEqual(dynamoGrants('ProjectorRole'), [
      'dynamodb:DescribeStream on Events.StreamArn',
      'dynamodb:GetItem on OrdersView.Arn',
      'dynamodb:GetRecords on Events.StreamArn',
      'dynamodb:GetShardIterator on Events.StreamArn',
      'dynamodb:ListStreams on Events.StreamArn',
      'dynamodb:PutItem on OrdersView.Arn',
      'dynamodb:Query on Events.Arn',
    ]);
  });

  test('lets the rebuild scan and query the event table and write only the view', () => {
    assert.deepEqual(dynamoGrants('RebuildRole'), [
      'dynamodb:GetItem on OrdersView.Arn',
      'dynamodb:PutItem on OrdersView.Arn',
      'dynamodb:Query on Events.Arn',
      'dynamodb:Scan on Events.Arn',
    ]);
  });

  test('lets the query function read the view and its one index only', () => {
    assert.deepEqual(dynamoGrants('OrderQueriesRole'), ['dynamodb:GetItem on OrdersView.Arn', `dynamodb:Query on OrdersView.Arn/index/${VIEW_INDEX}`]);
  });

  test('gives no role in the stack a write action on the event table', () => {
    const writes = /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem|PartiQL(Insert|Update|Delete)|\*)$/;
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      for (const s of policy.Properties.PolicyDocument.Statement as Statement[]) {
        if (!target(s.Resource).startsWith('Events')) continue;
        assert.deepEqual([s.Action].flat().filter((a) => writes.test(a)), [], JSON.stringify(s));
      }
    }
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) assert.equal(role.Properties.ManagedPolicyArns, undefined);
  });

  test('runs every function on Node.js 24 and arm64 with JSON logs into its own log group', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    assert.equal(functions.length, 3);
    for (const fn of functions) {
      assert.equal(fn.Properties.Runtime, 'nodejs24.x');
      assert.deepEqual(fn.Properties.Architectures, ['arm64']);
      assert.equal(fn.Properties.LoggingConfig.LogFormat, 'JSON');
      assert.ok(fn.Properties.LoggingConfig.LogGroup.Ref);
    }
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 900, Environment: { Variables: { EVENT_TABLE_NAME: Match.anyValue(), VIEW_TABLE_NAME: Match.anyValue() } } });
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 0);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test('serves two GET routes through one throttled, access-logged stage', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey).sort();
    assert.deepEqual(routes, ['GET /customers/{customerId}/orders', 'GET /orders/{orderId}']);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: READ_API_THROTTLE.rateLimit, ThrottlingBurstLimit: READ_API_THROTTLE.burstLimit },
      AccessLogSettings: Match.objectLike({ DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReadApiAccessLogs'), 'Arn'] } }),
    });
    assert.deepEqual([READ_API_THROTTLE.rateLimit, READ_API_THROTTLE.burstLimit], [50, 100]);
  });

  test('alarms on failure pointers, projector errors, a stream backlog and API 5xx, notifying one alarm topic', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const dimension = (a: Record<string, any>) => {
      const value = a.Dimensions[0].Value;
      return (value.Ref ?? value['Fn::GetAtt'][0]).replace(/[0-9A-F]{8}$/, '');
    };
    assert.deepEqual(
      alarms.map((a) => [a.MetricName, dimension(a), a.Statistic, a.Period, a.EvaluationPeriods, a.Threshold, a.TreatMissingData]).sort(),
      [
        ['5xx', 'ReadApi', 'Sum', 300, 1, 1, 'notBreaching'],
        ['ApproximateNumberOfMessagesVisible', 'ProjectorFailures', 'Maximum', 60, 1, 1, 'notBreaching'],
        ['Errors', 'Projector', 'Sum', 300, 1, 1, 'notBreaching'],
        ['IteratorAge', 'Projector', 'Maximum', 60, 5, 600000, 'notBreaching'],
      ],
    );
    for (const alarm of alarms) {
      assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
      assert.deepEqual(alarm.AlarmActions, [{ Ref: topics[0] }]);
    }
    template.hasResourceProperties('AWS::SNS::TopicPolicy', Match.anyValue());
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new MaterializedViewProjectionStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new MaterializedViewProjectionStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
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
    assert.ok(idOf('AWS::SQS::Queue', 'ProjectorFailures'));
  });
});

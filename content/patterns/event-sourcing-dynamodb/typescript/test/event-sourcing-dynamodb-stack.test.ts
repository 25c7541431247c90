import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { EventSourcingDynamodbStack } from '../lib/event-sourcing-dynamodb-stack';
import { appFromCdkJson } from './cdk-app';

type Statement = { Action: string | string[]; Resource: unknown };

describe('EventSourcingDynamodbStack', () => {
  let app: App;
  let stack: EventSourcingDynamodbStack;
  let template: Template;
  const logicalId = (prefix: string, type: string) => {
    const id = Object.keys(template.findResources(type)).find((k) => k.startsWith(prefix));
    assert.ok(id, `${prefix} not found`);
    return id;
  };
  const dynamoGrants = (rolePrefix: string) => {
    const role = logicalId(rolePrefix, 'AWS::IAM::Role');
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')))
      .map((s) => [[s.Action].flat().sort(), s.Resource]);
  };

  before(() => {
    app = appFromCdkJson();
    stack = new EventSourcingDynamodbStack(app, 'Under-Test');
    template = Template.fromStack(stack);
  });

  test('keys events by aggregate id and numeric version with point-in-time recovery on', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'aggregateId', KeyType: 'HASH' },
        { AttributeName: 'version', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'aggregateId', AttributeType: 'S' },
        { AttributeName: 'version', AttributeType: 'N' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'aggregateId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: Match.absent() })],
    });
  });

  test('runs both handlers on Node.js 24 arm64 with tracing, the table names and a snapshot interval of 50', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Environment: {
        Variables: {
          EVENTS_TABLE_NAME: { Ref: Match.stringLikeRegexp('^Events') },
          SNAPSHOTS_TABLE_NAME: { Ref: Match.stringLikeRegexp('^Snapshots') },
          SNAPSHOT_EVERY: '50',
        },
      },
    });
  });

  test('lets no role update or delete events: the command role may only put and query them', () => {
    const events = { 'Fn::GetAtt': [logicalId('Events', 'AWS::DynamoDB::GlobalTable'), 'Arn'] };
    const snapshots = { 'Fn::GetAtt': [logicalId('Snapshots', 'AWS::DynamoDB::GlobalTable'), 'Arn'] };
    assert.deepEqual(dynamoGrants('CommandsRole'), [
      [['dynamodb:PutItem', 'dynamodb:Query'], events],
      [['dynamodb:GetItem', 'dynamodb:PutItem'], snapshots],
    ]);
    assert.deepEqual(dynamoGrants('ReaderRole'), [
      [['dynamodb:Query'], events],
      [['dynamodb:GetItem'], snapshots],
    ]);
    const everyAction = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) =>
      (p.Properties.PolicyDocument.Statement as Statement[]).flatMap((s) => [s.Action].flat()),
    );
    for (const forbidden of ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:*']) {
      assert.ok(!everyAction.includes(forbidden), forbidden);
    }
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  test('routes commands and reads to separate functions that only this HTTP API may invoke', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey).sort();
    assert.deepEqual(routes, ['GET /accounts/{accountId}', 'POST /accounts/{accountId}/{command}']);
    const api = logicalId('Api', 'AWS::ApiGatewayV2::Api');
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).map((p) => p.Properties);
    assert.equal(permissions.length, 2);
    for (const permission of permissions) {
      assert.equal(permission.Principal, 'apigateway.amazonaws.com');
      const [apiRef, route] = permission.SourceArn['Fn::Join'][1].slice(-2);
      assert.deepEqual(apiRef, { Ref: api });
      assert.match(route, /^\/\*\/\*\/accounts\//);
    }
  });

  test('throttles and logs the default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingBurstLimit: 50, ThrottlingRateLimit: 100 },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  test('alarms on any 5xx answer and on errors of either function, notifying one alarm topic', () => {
    const topic = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topic.length, 1);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    assert.deepEqual(
      alarms.map((a) => [a.Namespace, a.MetricName, a.Statistic, a.Period, a.Threshold, a.ComparisonOperator]).sort(),
      [
        ['AWS/ApiGateway', '5xx', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold'],
        ['AWS/Lambda', 'Errors', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold'],
        ['AWS/Lambda', 'Errors', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold'],
      ],
    );
    for (const alarm of alarms) assert.deepEqual(alarm.AlarmActions, [{ Ref: topic[0] }]);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new EventSourcingDynamodbStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new EventSourcingDynamodbStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const scope of [stack, withEmail]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const open = pack.validateScope(scope).violations.map((v) => `${v.ruleName}: ${v.description}`);
        assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
      }
    }
  });
});

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { DELIVERY_MAX_AGE, DELIVERY_RETRIES, PROCESSING_RETRIES } from '../lib/event-consumer';
import { ServerlessMicroservicesStack } from '../lib/serverless-microservices-stack';
import { appFromCdkJson } from './cdk-app';
import { matches } from './event-pattern';

type Resources = Record<string, { Type: string; Properties: Record<string, any>; Metadata?: Record<string, string> }>;

/** Logical ids of a type under a construct path (CDK builds logical ids from the path). */
export function idsUnder(resources: Resources, type: string, prefix: string): string[] {
  const idPrefix = prefix.replace(/\//g, '');
  return Object.entries(resources)
    .filter(([id, r]) => r.Type === type && id.startsWith(idPrefix))
    .map(([id]) => id);
}

/** Every logical id a value refers to through Ref or Fn::GetAtt. */
function refs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refs);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.Ref === 'string') return [o.Ref];
    if (Array.isArray(o['Fn::GetAtt'])) return [String(o['Fn::GetAtt'][0])];
    return Object.values(o).flatMap(refs);
  }
  return [];
}

describe('ServerlessMicroservicesStack', () => {
  let stack: ServerlessMicroservicesStack;
  let template: Template;
  let resources: Resources;
  const rulePattern = (prefix: string) => resources[idsUnder(resources, 'AWS::Events::Rule', prefix)[0]].Properties.EventPattern;

  before(() => {
    stack = new ServerlessMicroservicesStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources;
  });

  test('gives each service its own HTTP API, table and dead-letter queue, and both one custom bus', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    for (const service of ['OrdersService', 'InventoryService']) {
      assert.equal(idsUnder(resources, 'AWS::ApiGatewayV2::Api', service).length, 1, service);
      assert.equal(idsUnder(resources, 'AWS::DynamoDB::GlobalTable', service).length, 1, service);
      assert.equal(idsUnder(resources, 'AWS::SQS::Queue', service).length, 1, service);
      assert.equal(idsUnder(resources, 'AWS::Events::Rule', service).length, 1, service);
    }
    const bus = Object.keys(template.findResources('AWS::Events::EventBus'))[0];
    for (const rule of Object.values(template.findResources('AWS::Events::Rule'))) assert.deepEqual(rule.Properties.EventBusName, { Ref: bus });
  });

  test('subscribes Inventory to exactly OrderPlaced from shop.orders', () => {
    const pattern = rulePattern('InventoryService/ReserveStockRule');
    assert.deepEqual(pattern, { source: ['shop.orders'], 'detail-type': ['OrderPlaced'] });
    const event = (source: string, detailType: string) => ({ source, 'detail-type': detailType, detail: { orderId: 'o-1' } });
    assert.equal(matches(pattern, event('shop.orders', 'OrderPlaced')), true);
    assert.equal(matches(pattern, event('shop.inventory', 'OrderPlaced')), false, 'another service cannot impersonate Orders');
    assert.equal(matches(pattern, event('shop.orders', 'OrderCancelled')), false);
    assert.equal(matches(pattern, event('shop.orders', 'orderplaced')), false, 'matching is case-sensitive');
    assert.equal(matches(pattern, { 'detail-type': 'OrderPlaced' }), false);
  });

  test('subscribes Orders to exactly StockReserved and StockUnavailable from shop.inventory', () => {
    const pattern = rulePattern('OrdersService/StockOutcomeRule');
    assert.deepEqual(pattern, { source: ['shop.inventory'], 'detail-type': ['StockReserved', 'StockUnavailable'] });
    const event = (source: string, detailType: string) => ({ source, 'detail-type': detailType, detail: {} });
    assert.equal(matches(pattern, event('shop.inventory', 'StockReserved')), true);
    assert.equal(matches(pattern, event('shop.inventory', 'StockUnavailable')), true);
    assert.equal(matches(pattern, event('shop.orders', 'StockReserved')), false);
    assert.equal(matches(pattern, event('shop.inventory', 'OrderPlaced')), false, 'an own OrderPlaced never loops back');
  });

  test("retries delivery and processing, then parks the event in the subscribing service's dead-letter queue", () => {
    for (const [service, fn] of [['InventoryService', 'ReserveStock'], ['OrdersService', 'RecordStockOutcome']]) {
      const [queue] = idsUnder(resources, 'AWS::SQS::Queue', service);
      const [rule] = idsUnder(resources, 'AWS::Events::Rule', service);
      const [target] = resources[rule].Properties.Targets;
      assert.deepEqual(target.RetryPolicy, { MaximumRetryAttempts: DELIVERY_RETRIES, MaximumEventAgeInSeconds: DELIVERY_MAX_AGE.toSeconds() });
      assert.deepEqual(target.DeadLetterConfig, { Arn: { 'Fn::GetAtt': [queue, 'Arn'] } });
      const consumer = idsUnder(resources, 'AWS::Lambda::Function', `${service}/${fn}/`)[0];
      assert.deepEqual(target.Arn, { 'Fn::GetAtt': [consumer, 'Arn'] });
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: consumer },
        MaximumRetryAttempts: PROCESSING_RETRIES,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } },
      });
    }
    assert.deepEqual([DELIVERY_RETRIES, DELIVERY_MAX_AGE.toSeconds(), PROCESSING_RETRIES], [4, 7200, 2]);
  });

  test("never lets one service's roles touch the other service's table", () => {
    const tables = {
      OrdersService: idsUnder(resources, 'AWS::DynamoDB::GlobalTable', 'OrdersService')[0],
      InventoryService: idsUnder(resources, 'AWS::DynamoDB::GlobalTable', 'InventoryService')[0],
    };
    const dynamoByService: Record<string, Set<string>> = { OrdersService: new Set(), InventoryService: new Set() };
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      const roles = refs(policy.Properties.Roles);
      const service = (Object.keys(tables) as (keyof typeof tables)[]).find((s) => roles.every((r) => idsUnder(resources, 'AWS::IAM::Role', s).includes(r)));
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        if (![statement.Action].flat().some((a: string) => a.startsWith('dynamodb:'))) continue;
        assert.ok(service, `a DynamoDB grant to a role outside both services: ${JSON.stringify(roles)}`);
        for (const id of refs(statement.Resource)) dynamoByService[service].add(id);
      }
    }
    assert.deepEqual([...dynamoByService.OrdersService], [tables.OrdersService]);
    assert.deepEqual([...dynamoByService.InventoryService], [tables.InventoryService]);
  });

  test('grants each function only the DynamoDB actions its job needs', () => {
    const actionsOf = (prefix: string) => {
      const [role] = idsUnder(resources, 'AWS::IAM::Role', prefix);
      return Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((p) => refs(p.Properties.Roles).includes(role))
        .flatMap((p) => p.Properties.PolicyDocument.Statement)
        .flatMap((s: { Action: string | string[] }) => [s.Action].flat())
        .filter((a: string) => a.startsWith('dynamodb:') || a.startsWith('events:'))
        .sort();
    };
    assert.deepEqual(actionsOf('OrdersService/PlaceOrderRole'), ['dynamodb:DeleteItem', 'dynamodb:PutItem', 'events:PutEvents']);
    assert.deepEqual(actionsOf('OrdersService/GetOrderRole'), ['dynamodb:GetItem']);
    assert.deepEqual(actionsOf('OrdersService/RecordStockOutcomeRole'), ['dynamodb:UpdateItem']);
    assert.deepEqual(actionsOf('InventoryService/StockApiRole'), ['dynamodb:GetItem', 'dynamodb:PutItem']);
    assert.deepEqual(actionsOf('InventoryService/ReserveStockRole'), ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'events:PutEvents']);
    // Publishing is allowed on the shared bus only, not on the default bus, and each publisher
    // only under its own service's source, so neither can forge the other's events.
    const bus = Object.keys(template.findResources('AWS::Events::EventBus'))[0];
    const sourceOf: Record<string, string[]> = {};
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      for (const s of policy.Properties.PolicyDocument.Statement) {
        if (![s.Action].flat().includes('events:PutEvents')) continue;
        assert.deepEqual(s.Resource, { 'Fn::GetAtt': [bus, 'Arn'] });
        assert.deepEqual(Object.keys(s.Condition), ['ForAllValues:StringEquals']);
        for (const role of refs(policy.Properties.Roles)) sourceOf[role] = s.Condition['ForAllValues:StringEquals']['events:source'];
      }
    }
    const roleOf = (prefix: string) => idsUnder(resources, 'AWS::IAM::Role', prefix)[0] as string;
    assert.deepEqual(sourceOf, {
      [roleOf('OrdersService/PlaceOrderRole')]: ['shop.orders'],
      [roleOf('InventoryService/ReserveStockRole')]: ['shop.inventory'],
    });
  });

  test('alarms on both dead-letter queues, both consumers and both APIs, all on one topic', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const watched = alarms.map((a) => [a.Namespace, a.MetricName, a.Statistic, a.Threshold, refs(a.Dimensions)[0]]);
    const id = (type: string, prefix: string) => idsUnder(resources, type, prefix)[0];
    assert.deepEqual(
      watched.sort(),
      [
        ['AWS/ApiGateway', '5xx', 'Sum', 1, id('AWS::ApiGatewayV2::Api', 'InventoryService')],
        ['AWS/ApiGateway', '5xx', 'Sum', 1, id('AWS::ApiGatewayV2::Api', 'OrdersService')],
        ['AWS/Lambda', 'Errors', 'Sum', 1, id('AWS::Lambda::Function', 'InventoryService/ReserveStock/')],
        ['AWS/Lambda', 'Errors', 'Sum', 1, id('AWS::Lambda::Function', 'OrdersService/RecordStockOutcome/')],
        ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'Maximum', 1, id('AWS::SQS::Queue', 'InventoryService')],
        ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'Maximum', 1, id('AWS::SQS::Queue', 'OrdersService')],
      ].sort(),
    );
    for (const alarm of alarms) assert.deepEqual(alarm.AlarmActions, [{ Ref: topics[0] }]);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new ServerlessMicroservicesStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('throttles both APIs and encrypts both dead-letter queues', () => {
    const stages = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    assert.equal(stages.length, 2);
    for (const stage of stages) assert.deepEqual(stage.Properties.DefaultRouteSettings, { ThrottlingBurstLimit: 20, ThrottlingRateLimit: 50 });
    template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage' })]) },
    });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new ServerlessMicroservicesStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const scope of [stack, withEmail]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const open = pack.validateScope(scope).violations.map((v) => `${v.ruleName}: ${v.description}`);
        assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
      }
    }
  });
});

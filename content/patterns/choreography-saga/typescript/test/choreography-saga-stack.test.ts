import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { type DetailType, EVENT_TYPES, SOURCES } from '../lambda/contract';
import { ChoreographySagaStack } from '../lib/choreography-saga-stack';
import { appFromCdkJson } from './cdk-app';
import { matches } from './event-pattern';
import { rulesOf, serviceOf } from './saga-world';

type Resource = { Type: string; Properties: Record<string, any> };
type Statement = { Action: string | string[]; Effect: string; Resource: unknown; Principal?: unknown; Condition?: any };

const NAMES = ['Orders', 'Payments', 'Inventory'] as const;

describe('ChoreographySagaStack', () => {
  let stack: ChoreographySagaStack;
  let template: Template;

  const resources = (type: string) => template.findResources(type) as Record<string, Resource>;
  const logicalId = (prefix: string, type: string) => {
    const found = Object.keys(resources(type)).filter((id) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
    assert.equal(found.length, 1, `expected one ${type} named ${prefix}`);
    return found[0] as string;
  };
  const statementsOf = (roleId: string) =>
    Object.values(resources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);

  before(() => {
    stack = new ChoreographySagaStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
  });

  describe('event flow', () => {
    test('puts all seven rules on the saga bus, none on the default bus', () => {
      const bus = logicalId('ShopEvents', 'AWS::Events::EventBus');
      const rules = Object.values(resources('AWS::Events::Rule'));
      assert.equal(rules.length, 7);
      for (const rule of rules) assert.deepEqual(rule.Properties.EventBusName, { Ref: bus });
    });

    test('routes every event type the services publish to exactly the service that reacts to it', () => {
      const rules = rulesOf(template);
      // Each event type as its publisher puts it, evaluated against every rule's real pattern.
      const graph = Object.fromEntries(
        (Object.keys(EVENT_TYPES) as DetailType[]).map((type) => {
          const sample = { source: EVENT_TYPES[type], 'detail-type': type, detail: { orderId: 'ord-1' } };
          return [type, rules.filter((r) => matches(r.pattern, sample)).flatMap((r) => r.targets.map(serviceOf))];
        }),
      );
      assert.deepEqual(graph, {
        OrderSubmitted: ['orders'],
        OrderPlaced: ['payments'],
        PaymentCompleted: ['inventory'],
        StockReserved: ['orders'],
        OrderConfirmed: [],
        PaymentFailed: ['orders'],
        StockFailed: ['payments'],
        PaymentRefunded: ['orders'],
        OrderCancelled: [],
      });
    });

    test('ignores an event with the right detail type from any other source', () => {
      const rules = rulesOf(template);
      for (const type of Object.keys(EVENT_TYPES) as DetailType[]) {
        for (const source of Object.values(SOURCES).filter((s) => s !== EVENT_TYPES[type])) {
          const forged = { source, 'detail-type': type, detail: { orderId: 'ord-1' } };
          assert.deepEqual(rules.filter((r) => matches(r.pattern, forged)).map((r) => r.id), [], `${source} / ${type}`);
        }
      }
    });

    test('gives every rule one target, its own service function, retried four times within an hour before the service DLQ', () => {
      const expected: Record<string, string[]> = {
        Orders: ['OrderSubmitted', 'StockReserved', 'PaymentFailed', 'PaymentRefunded'],
        Payments: ['OrderPlaced', 'StockFailed'],
        Inventory: ['PaymentCompleted'],
      };
      for (const [name, types] of Object.entries(expected)) {
        for (const type of types) {
          const rule = resources('AWS::Events::Rule')[logicalId(`${name}On${type}`, 'AWS::Events::Rule')] as Resource;
          assert.deepEqual(rule.Properties.EventPattern, { source: [EVENT_TYPES[type as DetailType]], 'detail-type': [type] });
          assert.deepEqual(rule.Properties.Targets, [
            {
              Id: 'Target0',
              Arn: { 'Fn::GetAtt': [logicalId(`${name}Service`, 'AWS::Lambda::Function'), 'Arn'] },
              RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 3600 },
              DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(`${name}Dlq`, 'AWS::SQS::Queue'), 'Arn'] } },
            },
          ]);
        }
      }
    });
  });

  describe('failure handling', () => {
    test('retries a handler that threw twice within an hour, then parks the event in its own service DLQ', () => {
      const configs = Object.values(resources('AWS::Lambda::EventInvokeConfig'));
      assert.equal(configs.length, 3);
      const byFunction = Object.fromEntries(configs.map((c) => [c.Properties.FunctionName.Ref, c.Properties]));
      for (const name of NAMES) {
        const config = byFunction[logicalId(`${name}Service`, 'AWS::Lambda::Function')];
        assert.equal(config.MaximumRetryAttempts, 2);
        assert.equal(config.MaximumEventAgeInSeconds, 3600);
        assert.deepEqual(config.DestinationConfig, { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(`${name}Dlq`, 'AWS::SQS::Queue'), 'Arn'] } } });
      }
    });

    test("lets EventBridge send to each DLQ only on behalf of that service's rules, and only over TLS", () => {
      const rulesByService = (name: string) =>
        Object.keys(resources('AWS::Events::Rule')).filter((id) => id.startsWith(`${name}On`)).sort();
      for (const name of NAMES) {
        const queue = logicalId(`${name}Dlq`, 'AWS::SQS::Queue');
        const policy = Object.values(resources('AWS::SQS::QueuePolicy')).find((p) => JSON.stringify(p.Properties.Queues) === JSON.stringify([{ Ref: queue }]));
        assert.ok(policy, name);
        const statements = policy.Properties.PolicyDocument.Statement as Statement[];
        const allows = statements.filter((s) => s.Effect === 'Allow');
        for (const s of allows) {
          assert.equal(s.Action, 'sqs:SendMessage');
          assert.deepEqual(s.Principal, { Service: 'events.amazonaws.com' });
        }
        assert.deepEqual(allows.map((s) => s.Condition.ArnEquals['aws:SourceArn']['Fn::GetAtt'][0]).sort(), rulesByService(name));
        assert.ok(statements.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('aws:SecureTransport')), name);
      }
    });

    test('alarms on a message in any service DLQ and on errors of every service function, all to the one alarm topic', () => {
      const topic = logicalId('AlarmTopic', 'AWS::SNS::Topic');
      const alarms = Object.values(resources('AWS::CloudWatch::Alarm'));
      assert.equal(alarms.length, 6);
      for (const alarm of alarms) {
        assert.deepEqual(alarm.Properties.AlarmActions, [{ Ref: topic }]);
        assert.equal(alarm.Properties.Threshold, 1);
        assert.equal(alarm.Properties.EvaluationPeriods, 1);
        assert.equal(alarm.Properties.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
        assert.equal(alarm.Properties.TreatMissingData, 'notBreaching');
      }
      for (const name of NAMES) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(`${name}Dlq`, 'AWS::SQS::Queue'), 'QueueName'] } }],
          Statistic: 'Maximum',
          Period: 60,
        });
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(`${name}Service`, 'AWS::Lambda::Function') } }],
          Statistic: 'Sum',
          Period: 300,
        });
      }
    });

    test('keeps the alarm topic TLS-only and mails it only when deployed with an alarmEmail', () => {
      template.resourceCountIs('AWS::SNS::Subscription', 0);
      const [policy] = Object.values(resources('AWS::SNS::TopicPolicy'));
      assert.ok(JSON.stringify(policy?.Properties.PolicyDocument).includes('aws:SecureTransport'));
      const withEmail = Template.fromStack(new ChoreographySagaStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'WithEmail'));
      withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    });

    test('keeps dead-lettered events encrypted for 14 days', () => {
      for (const name of NAMES) {
        const queue = resources('AWS::SQS::Queue')[logicalId(`${name}Dlq`, 'AWS::SQS::Queue')] as Resource;
        assert.equal(queue.Properties.SqsManagedSseEnabled, true);
        assert.equal(queue.Properties.MessageRetentionPeriod, 14 * 24 * 3600);
      }
    });
  });

  describe('least privilege', () => {
    test('lets each service write only to its own table, with only the actions its state machine needs', () => {
      const expected = { Orders: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], Payments: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], Inventory: ['dynamodb:PutItem'] };
      for (const [name, actions] of Object.entries(expected)) {
        const dynamo = statementsOf(logicalId(`${name}ServiceRole`, 'AWS::IAM::Role')).filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
        assert.deepEqual(dynamo, [{ Action: actions.length === 1 ? actions[0] : actions, Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalId(`${name}Table`, 'AWS::DynamoDB::GlobalTable'), 'Arn'] } }]);
      }
    });

    test('lets each service put events only on the saga bus, only under its own source and detail types', () => {
      const bus = logicalId('ShopEvents', 'AWS::Events::EventBus');
      const expected = {
        Orders: ['shop.orders', ['OrderPlaced', 'OrderConfirmed', 'OrderCancelled']],
        Payments: ['shop.payments', ['PaymentCompleted', 'PaymentFailed', 'PaymentRefunded']],
        Inventory: ['shop.inventory', ['StockReserved', 'StockFailed']],
      } as const;
      for (const [name, [source, types]] of Object.entries(expected)) {
        const statements = statementsOf(logicalId(`${name}ServiceRole`, 'AWS::IAM::Role'));
        const events = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('events:')));
        assert.deepEqual(events, [
          {
            Action: 'events:PutEvents',
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [bus, 'Arn'] },
            Condition: {
              'ForAllValues:StringEquals': { 'events:source': [source] },
              Null: { 'events:source': 'false' },
              StringEquals: { 'events:detail-type': [...types] },
            },
          },
        ]);
        template.hasResourceProperties('AWS::Lambda::Function', {
          Environment: { Variables: { EVENT_BUS_NAME: { Ref: bus }, TABLE_NAME: { Ref: logicalId(`${name}Table`, 'AWS::DynamoDB::GlobalTable') } } },
        });
      }
    });

    test('gives each service role nothing beyond its table, its bus events, its own DLQ, its own logs and X-Ray', () => {
      for (const name of NAMES) {
        const statements = statementsOf(logicalId(`${name}ServiceRole`, 'AWS::IAM::Role'));
        const services = [...new Set(statements.flatMap((s) => [s.Action].flat().map((a) => a.split(':')[0])))].sort();
        assert.deepEqual(services, ['dynamodb', 'events', 'logs', 'sqs', 'xray'], name);
        const sqs = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('sqs:')));
        assert.deepEqual(sqs.map((s) => s.Resource), [{ 'Fn::GetAtt': [logicalId(`${name}Dlq`, 'AWS::SQS::Queue'), 'Arn'] }], name);
        const logs = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('logs:')));
        assert.deepEqual(logs.map((s) => s.Resource), [{ 'Fn::GetAtt': [logicalId(`${name}ServiceLogs`, 'AWS::Logs::LogGroup'), 'Arn'] }], name);
        const wildcards = statements.filter((s) => s.Resource === '*');
        assert.deepEqual(wildcards.flatMap((s) => [s.Action].flat()).sort(), ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], name);
      }
      for (const role of Object.values(resources('AWS::IAM::Role'))) assert.equal(role.Properties.ManagedPolicyArns, undefined);
    });

    test("lets EventBridge invoke each service function only from that service's rules", () => {
      const fromEvents = Object.values(resources('AWS::Lambda::Permission')).filter((p) => p.Properties.Principal === 'events.amazonaws.com');
      assert.equal(fromEvents.length, 7);
      for (const permission of fromEvents) {
        const fn = permission.Properties.FunctionName['Fn::GetAtt'][0] as string;
        const rule = permission.Properties.SourceArn['Fn::GetAtt'][0] as string;
        assert.ok(rule.startsWith(fn.replace(/Service[0-9A-F]{8}$/, 'On')), `${rule} may not invoke ${fn}`);
      }
    });
  });

  describe('functions and tables', () => {
    test('runs every service on Node.js 24, arm64, traced, with JSON logs kept a month', () => {
      const functions = Object.values(resources('AWS::Lambda::Function'));
      assert.equal(functions.length, 3);
      for (const fn of functions) {
        assert.equal(fn.Properties.Runtime, 'nodejs24.x');
        assert.deepEqual(fn.Properties.Architectures, ['arm64']);
        assert.deepEqual(fn.Properties.TracingConfig, { Mode: 'Active' });
        assert.equal(fn.Properties.LoggingConfig.LogFormat, 'JSON');
        assert.equal(fn.Properties.Timeout, 10);
        assert.equal(fn.Properties.ReservedConcurrentExecutions, undefined);
      }
      for (const logs of Object.values(resources('AWS::Logs::LogGroup'))) assert.equal(logs.Properties.RetentionInDays, 30);
    });

    test('gives each service its own on-demand table keyed by orderId, with point-in-time recovery', () => {
      const tables = resources('AWS::DynamoDB::GlobalTable');
      assert.equal(Object.keys(tables).length, 3);
      for (const name of NAMES) {
        const table = tables[logicalId(`${name}Table`, 'AWS::DynamoDB::GlobalTable')] as Resource;
        assert.deepEqual(table.Properties.KeySchema, [{ AttributeName: 'orderId', KeyType: 'HASH' }]);
        assert.equal(table.Properties.BillingMode, 'PAY_PER_REQUEST');
        assert.deepEqual(table.Properties.Replicas[0].PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
      }
    });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    // Also with -c alarmEmail: the e-mail subscription is a resource of its own that the packs check.
    const withEmail = new ChoreographySagaStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const scope of [stack, withEmail]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const report = pack.validateScope(scope);
        const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
        assert.deepEqual(open, [], `${pack.name} has unacknowledged findings in ${scope.node.id}`);
      }
    }
  });
});

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { LOCATION_PATTERN, RESULT_PATTERN, TRANSACTION_ID_PATTERN } from '../lambda/transaction';
import { TheEventbridgeAtmStack } from '../lib/the-eventbridge-atm-stack';
import { appFromCdkJson } from './cdk-app';

type Resource = { Type: string; Properties: Record<string, any> };
type Statement = { Action: string | string[]; Effect: string; Resource: unknown; Principal?: unknown; Condition?: unknown };

const CONSUMERS = ['Approved', 'NewYork', 'Declined', 'LargeWithdrawal'] as const;
const ENVELOPE = { source: ['custom.atm'], 'detail-type': ['ATM transaction'] };

describe('TheEventbridgeAtmStack', () => {
  let stack: TheEventbridgeAtmStack;
  let template: Template;

  const resources = (type: string) => template.findResources(type) as Record<string, Resource>;
  const logicalId = (prefix: string, type: string) => {
    const matches = Object.keys(resources(type)).filter((id) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
    assert.equal(matches.length, 1, `expected one ${type} named ${prefix}`);
    return matches[0];
  };
  const statementsOf = (roleId: string) =>
    Object.values(resources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);

  before(() => {
    stack = new TheEventbridgeAtmStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
  });

  describe('event bus and rules', () => {
    test('puts all four rules on the stack\'s own bus, none on the default bus', () => {
      const bus = logicalId('AtmEvents', 'AWS::Events::EventBus');
      const rules = Object.values(resources('AWS::Events::Rule'));
      assert.equal(rules.length, 4);
      for (const rule of rules) assert.deepEqual(rule.Properties.EventBusName, { Ref: bus });
    });

    test('matches each slice of traffic with exactly these event patterns', () => {
      const patterns = Object.fromEntries(
        CONSUMERS.map((name) => [name, resources('AWS::Events::Rule')[logicalId(`${name}Rule`, 'AWS::Events::Rule')].Properties.EventPattern]),
      );
      assert.deepEqual(patterns, {
        Approved: { ...ENVELOPE, detail: { result: ['approved'] } },
        NewYork: { ...ENVELOPE, detail: { location: [{ prefix: 'NY-' }] } },
        Declined: { ...ENVELOPE, detail: { result: [{ 'anything-but': ['approved'] }] } },
        LargeWithdrawal: { ...ENVELOPE, detail: { action: ['withdrawal'], amount: [{ numeric: ['>=', 1000] }] } },
      });
    });

    test('gives every rule one target, its own consumer, with a retry policy and the shared DLQ', () => {
      const queue = logicalId('FailedEvents', 'AWS::SQS::Queue');
      for (const name of CONSUMERS) {
        const rule = resources('AWS::Events::Rule')[logicalId(`${name}Rule`, 'AWS::Events::Rule')];
        assert.deepEqual(rule.Properties.Targets, [
          {
            Id: 'Target0',
            Arn: { 'Fn::GetAtt': [logicalId(`${name}Consumer`, 'AWS::Lambda::Function'), 'Arn'] },
            RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 3600 },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queue, 'Arn'] } },
          },
        ]);
      }
    });

    test('lets EventBridge invoke each consumer only from its own rule', () => {
      const fromEvents = Object.values(resources('AWS::Lambda::Permission')).filter(
        (p) => p.Properties.Principal === 'events.amazonaws.com',
      );
      const pairs = fromEvents.map((p) => [p.Properties.FunctionName['Fn::GetAtt'][0], p.Properties.SourceArn['Fn::GetAtt'][0]]);
      assert.deepEqual(
        pairs.sort(),
        CONSUMERS.map((n) => [logicalId(`${n}Consumer`, 'AWS::Lambda::Function'), logicalId(`${n}Rule`, 'AWS::Events::Rule')]).sort(),
      );
    });
  });

  describe('failure handling', () => {
    test('retries a throwing consumer twice within an hour, then records it in FailedEvents', () => {
      const queue = logicalId('FailedEvents', 'AWS::SQS::Queue');
      const configs = Object.values(resources('AWS::Lambda::EventInvokeConfig'));
      assert.equal(configs.length, 4);
      const configured = configs.map((c) => {
        assert.equal(c.Properties.MaximumRetryAttempts, 2);
        assert.equal(c.Properties.MaximumEventAgeInSeconds, 3600);
        assert.deepEqual(c.Properties.DestinationConfig, { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } });
        return c.Properties.FunctionName.Ref;
      });
      assert.deepEqual(configured.sort(), CONSUMERS.map((n) => logicalId(`${n}Consumer`, 'AWS::Lambda::Function')).sort());
    });

    test('lets EventBridge send to the DLQ only on behalf of the four rules, and only over TLS', () => {
      const queue = logicalId('FailedEvents', 'AWS::SQS::Queue');
      const [policy] = Object.values(resources('AWS::SQS::QueuePolicy'));
      assert.deepEqual(policy.Properties.Queues, [{ Ref: queue }]);
      const statements = policy.Properties.PolicyDocument.Statement as Statement[];
      const allows = statements.filter((s) => s.Effect === 'Allow');
      for (const s of allows) {
        assert.equal(s.Action, 'sqs:SendMessage');
        assert.deepEqual(s.Principal, { Service: 'events.amazonaws.com' });
      }
      assert.deepEqual(
        allows.map((s) => (s.Condition as any).ArnEquals['aws:SourceArn']['Fn::GetAtt'][0]).sort(),
        CONSUMERS.map((n) => logicalId(`${n}Rule`, 'AWS::Events::Rule')).sort(),
      );
      assert.ok(statements.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('aws:SecureTransport')));
    });

    test('alarms on the first failed event and on errors of every consumer, all to the one alarm topic', () => {
      const topic = logicalId('AlarmTopic', 'AWS::SNS::Topic');
      const alarms = Object.values(resources('AWS::CloudWatch::Alarm'));
      assert.equal(alarms.length, 1 + CONSUMERS.length);
      for (const alarm of alarms) assert.deepEqual(alarm.Properties.AlarmActions, [{ Ref: topic }]);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId('FailedEvents', 'AWS::SQS::Queue'), 'QueueName'] } }],
        Statistic: 'Maximum',
        Period: 60,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
      for (const name of CONSUMERS) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(`${name}Consumer`, 'AWS::Lambda::Function') } }],
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
        });
      }
    });

    test('mails the alarm topic only when deployed with an alarmEmail', () => {
      template.resourceCountIs('AWS::SNS::Subscription', 0);
      const withEmail = Template.fromStack(new TheEventbridgeAtmStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'WithEmail'));
      withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    });

    test('keeps failed events encrypted for 14 days', () => {
      const queue = resources('AWS::SQS::Queue')[logicalId('FailedEvents', 'AWS::SQS::Queue')];
      assert.equal(queue.Properties.SqsManagedSseEnabled, true);
      assert.equal(queue.Properties.MessageRetentionPeriod, 14 * 24 * 3600);
    });
  });

  describe('producer and API', () => {
    test('lets the producer put events on the ATM bus and do nothing else with EventBridge', () => {
      const bus = logicalId('AtmEvents', 'AWS::Events::EventBus');
      const events = statementsOf(logicalId('ProducerRole', 'AWS::IAM::Role')).filter((s) =>
        [s.Action].flat().some((a) => a.startsWith('events:')),
      );
      assert.deepEqual(events, [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: { 'Fn::GetAtt': [bus, 'Arn'] } }]);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: { EVENT_BUS_NAME: { Ref: bus } } },
      });
    });

    test('gives consumers no EventBridge rights, only their logs, X-Ray and sending to FailedEvents', () => {
      const queue = logicalId('FailedEvents', 'AWS::SQS::Queue');
      for (const name of CONSUMERS) {
        const statements = statementsOf(logicalId(`${name}ConsumerRole`, 'AWS::IAM::Role'));
        const actions = statements.flatMap((s) => [s.Action].flat());
        assert.ok(!actions.some((a) => a.startsWith('events:')), name);
        // Sorted: with the minimizePolicies feature flag CDK merges and orders the actions itself.
        assert.deepEqual(actions.filter((a) => a.startsWith('sqs:')).sort(), ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
        const sqs = statements.find((s) => [s.Action].flat().includes('sqs:SendMessage'));
        assert.deepEqual(sqs?.Resource, { 'Fn::GetAtt': [queue, 'Arn'] });
      }
    });

    test('runs every function on Node.js 24, arm64, traced, with its own role and no managed policy', () => {
      const functions = Object.values(resources('AWS::Lambda::Function'));
      assert.equal(functions.length, 5, 'one producer and four consumers');
      for (const fn of functions) {
        assert.equal(fn.Properties.Runtime, 'nodejs24.x');
        assert.deepEqual(fn.Properties.Architectures, ['arm64']);
        assert.deepEqual(fn.Properties.TracingConfig, { Mode: 'Active' });
        assert.equal(fn.Properties.LoggingConfig.LogFormat, 'JSON');
      }
      for (const role of Object.values(resources('AWS::IAM::Role'))) assert.equal(role.Properties.ManagedPolicyArns, undefined);
      const kinds = CONSUMERS.map(
        (n) => resources('AWS::Lambda::Function')[logicalId(`${n}Consumer`, 'AWS::Lambda::Function')].Properties.Environment.Variables.CONSUMER_KIND,
      );
      assert.deepEqual(kinds, ['approved', 'new-york', 'declined', 'large-withdrawal']);
    });

    test('sends POST /transactions to the producer through a Lambda proxy integration', () => {
      const methods = Object.values(resources('AWS::ApiGateway::Method'));
      assert.equal(methods.length, 1);
      const [method] = methods;
      assert.equal(method.Properties.HttpMethod, 'POST');
      assert.equal(method.Properties.Integration.Type, 'AWS_PROXY');
      assert.match(JSON.stringify(method.Properties.Integration.Uri), new RegExp(logicalId('Producer', 'AWS::Lambda::Function')));
      template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'transactions' });
    });

    test('validates the body against a model of one to ten well-formed transactions', () => {
      const [validatorId] = Object.keys(resources('AWS::ApiGateway::RequestValidator'));
      const [modelId, model] = Object.entries(resources('AWS::ApiGateway::Model'))[0];
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        RequestValidatorId: { Ref: validatorId },
        RequestModels: { 'application/json': { Ref: modelId } },
      });
      const list = model.Properties.Schema.properties.transactions;
      assert.equal(list.minItems, 1);
      assert.equal(list.maxItems, 10);
      assert.deepEqual(list.items.required, ['transactionId', 'action', 'location', 'amount', 'result']);
      assert.equal(list.items.additionalProperties, false);
      assert.equal(list.items.properties.transactionId.pattern, TRANSACTION_ID_PATTERN);
      assert.equal(list.items.properties.location.pattern, LOCATION_PATTERN);
      assert.equal(list.items.properties.result.pattern, RESULT_PATTERN);
      assert.deepEqual(list.items.properties.action.enum, ['withdrawal', 'deposit', 'balance']);
    });

    test('throttles the stage and writes JSON access logs', () => {
      const [stage] = Object.values(resources('AWS::ApiGateway::Stage'));
      assert.deepEqual(
        stage.Properties.MethodSettings.map((s: any) => [s.ResourcePath, s.HttpMethod, s.ThrottlingRateLimit, s.ThrottlingBurstLimit]),
        [['/*', '*', 20, 40]],
      );
      assert.ok(JSON.parse(stage.Properties.AccessLogSetting.Format).requestId);
      template.resourceCountIs('AWS::ApiGateway::Account', 0);
    });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    // Also with -c alarmEmail: the e-mail subscription is a resource of its own that the packs check.
    const withEmail = new TheEventbridgeAtmStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const scope of [stack, withEmail]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const report = pack.validateScope(scope);
        const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
        assert.deepEqual(open, [], `${pack.name} has unacknowledged findings in ${scope.node.id}`);
      }
    }
  });
});

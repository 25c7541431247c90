import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { appFromCdkJson } from './cdk-app';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ORDER_ID_PATTERN, STATUS_PATTERN } from '../lambda/order-events';
import { MAX_RECEIVE_COUNT, TheBigFanStack } from '../lib/the-big-fan-stack';

type Resource = { Type: string; Properties: Record<string, any> };

/** Flattens an Fn::Join into one string, writing references as `${LogicalId}`. */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if (v.Ref) return `\${${v.Ref}}`;
  if (v['Fn::GetAtt']) return `\${${v['Fn::GetAtt'].join('.')}}`;
  if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(flatten).join(v['Fn::Join'][0]);
  throw new Error(`cannot flatten ${JSON.stringify(value)}`);
}

describe('TheBigFanStack', () => {
  let stack: TheBigFanStack;
  let template: Template;
  let ids: { topic: string; created: string; updates: string; createdDlq: string; updatesDlq: string; apiRole: string };

  const only = (type: string, props?: Record<string, unknown>): [string, Resource] => {
    const found = Object.entries(template.findResources(type, props ? { Properties: props } : undefined));
    assert.equal(found.length, 1, `expected exactly one ${type}`);
    return found[0] as [string, Resource];
  };
  const logicalId = (prefix: string, type: string) => {
    const matches = Object.keys(template.findResources(type)).filter((id) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
    assert.equal(matches.length, 1, `expected one ${type} named ${prefix}`);
    return matches[0];
  };

  before(() => {
    stack = new TheBigFanStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
    ids = {
      topic: logicalId('OrderEvents', 'AWS::SNS::Topic'),
      created: logicalId('CreatedOrders', 'AWS::SQS::Queue'),
      updates: logicalId('OrderUpdates', 'AWS::SQS::Queue'),
      createdDlq: logicalId('CreatedOrdersDlq', 'AWS::SQS::Queue'),
      updatesDlq: logicalId('OrderUpdatesDlq', 'AWS::SQS::Queue'),
      apiRole: logicalId('ApiPublishRole', 'AWS::IAM::Role'),
    };
  });

  describe('API Gateway to SNS', () => {
    test('publishes through a direct AWS integration to sns:Publish, not a Lambda', () => {
      const [, method] = only('AWS::ApiGateway::Method');
      const integration = method.Properties.Integration;
      assert.equal(method.Properties.HttpMethod, 'POST');
      assert.equal(integration.Type, 'AWS');
      assert.equal(integration.IntegrationHttpMethod, 'POST');
      assert.match(flatten(integration.Uri), /:apigateway:\$\{AWS::Region\}:sns:action\/Publish$/);
      assert.deepEqual(integration.Credentials, { 'Fn::GetAtt': [ids.apiRole, 'Arn'] });
      assert.equal(integration.PassthroughBehavior, 'NEVER');
      assert.deepEqual(integration.RequestParameters, {
        'integration.request.header.Content-Type': "'application/x-www-form-urlencoded'",
      });
    });

    test('builds the Publish call from the body and copies its status into a message attribute', () => {
      const [, method] = only('AWS::ApiGateway::Method');
      const params = flatten(method.Properties.Integration.RequestTemplates['application/json']).split('&');
      assert.deepEqual(params, [
        'Action=Publish',
        `TopicArn=$util.urlEncode('\${${ids.topic}}')`,
        'Message=$util.urlEncode($input.body)',
        'MessageAttributes.entry.1.Name=status',
        'MessageAttributes.entry.1.Value.DataType=String',
        "MessageAttributes.entry.1.Value.StringValue=$util.urlEncode($input.path('$.status'))",
      ]);
    });

    test('answers 202 with the SNS message id, and a generic 500 otherwise', () => {
      const [, method] = only('AWS::ApiGateway::Method');
      const responses = method.Properties.Integration.IntegrationResponses;
      assert.deepEqual(
        responses.map((r: Record<string, string>) => [r.StatusCode, r.SelectionPattern]),
        [['202', '2\\d{2}'], ['500', undefined]],
      );
      assert.match(responses[0].ResponseTemplates['application/json'], /PublishResponse\.PublishResult\.MessageId/);
    });

    test('validates the body against a model requiring every published field', () => {
      const [validatorId] = only('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true });
      const [modelId, model] = only('AWS::ApiGateway::Model');
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        RequestValidatorId: { Ref: validatorId },
        RequestModels: { 'application/json': { Ref: modelId } },
      });
      const schema = model.Properties.Schema;
      assert.deepEqual(schema.required, ['orderId', 'status', 'total']);
      assert.equal(schema.additionalProperties, false);
      assert.equal(schema.properties.orderId.pattern, ORDER_ID_PATTERN);
      assert.equal(schema.properties.status.pattern, STATUS_PATTERN);
      assert.deepEqual(schema.properties.total, { type: 'number', minimum: 0 });
    });

    test('throttles the stage and the POST method, traces requests and writes JSON access logs', () => {
      const [, stage] = only('AWS::ApiGateway::Stage');
      const throttles = stage.Properties.MethodSettings.map((s: Record<string, unknown>) => [
        s.ResourcePath,
        s.HttpMethod,
        s.ThrottlingRateLimit,
        s.ThrottlingBurstLimit,
      ]);
      assert.deepEqual(throttles, [
        ['/*', '*', 50, 100],
        ['/~1orders', 'POST', 20, 40],
      ]);
      assert.equal(stage.Properties.TracingEnabled, true);
      assert.ok(JSON.parse(stage.Properties.AccessLogSetting.Format).requestId);
      template.resourceCountIs('AWS::ApiGateway::Account', 0);
    });

    test('gives API Gateway a role that can only sns:Publish to the one topic', () => {
      const role = template.findResources('AWS::IAM::Role')[ids.apiRole];
      assert.deepEqual(role.Properties.AssumeRolePolicyDocument.Statement, [
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' } },
      ]);
      assert.equal(role.Properties.ManagedPolicyArns, undefined);
      assert.deepEqual(
        role.Properties.Policies.map((p: any) => p.PolicyDocument.Statement),
        [[{ Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: ids.topic } }]],
      );
      const attached = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
        JSON.stringify(p.Properties.Roles).includes(ids.apiRole),
      );
      assert.deepEqual(attached, [], 'no other policy may be attached to the API role');
    });
  });

  describe('SNS fan-out', () => {
    test('encrypts the topic and refuses publishes over plain HTTP', () => {
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: ids.topic }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });

    test('routes "created" to one queue and every other status to the other, with these exact filters', () => {
      const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription'));
      const byQueue = Object.fromEntries(
        subscriptions.map((s) => {
          assert.deepEqual(s.Properties.TopicArn, { Ref: ids.topic });
          assert.equal(s.Properties.Protocol, 'sqs');
          // The consumers parse the SNS envelope, so raw delivery must stay off.
          assert.equal(s.Properties.RawMessageDelivery, undefined);
          assert.equal(s.Properties.FilterPolicyScope, undefined, 'filters must match message attributes');
          return [s.Properties.Endpoint['Fn::GetAtt'][0], s.Properties.FilterPolicy];
        }),
      );
      assert.deepEqual(byQueue, {
        [ids.created]: { status: ['created'] },
        [ids.updates]: { status: [{ 'anything-but': ['created'] }] },
      });
    });
  });

  describe('SQS queues and consumers', () => {
    test('moves a message to its own DLQ after three receives', () => {
      assert.equal(MAX_RECEIVE_COUNT, 3);
      const queues = template.findResources('AWS::SQS::Queue');
      for (const [queue, dlq] of [
        [ids.created, ids.createdDlq],
        [ids.updates, ids.updatesDlq],
      ]) {
        assert.deepEqual(queues[queue].Properties.RedrivePolicy, {
          deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] },
          maxReceiveCount: 3,
        });
        assert.equal(queues[dlq].Properties.RedrivePolicy, undefined);
        assert.equal(queues[dlq].Properties.MessageRetentionPeriod, 14 * 24 * 3600);
      }
    });

    test('encrypts all four queues and denies non-TLS access to each', () => {
      const queues = template.findResources('AWS::SQS::Queue');
      assert.equal(Object.keys(queues).length, 4);
      for (const [id, queue] of Object.entries(queues)) {
        assert.equal(queue.Properties.SqsManagedSseEnabled, true, id);
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: id }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    });

    test('drains each queue with its own function, reporting per-record failures', () => {
      const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
      const wiring = mappings.map((m) => {
        assert.deepEqual(m.Properties.FunctionResponseTypes, ['ReportBatchItemFailures']);
        assert.equal(m.Properties.BatchSize, 10);
        assert.equal(m.Properties.MaximumBatchingWindowInSeconds, 1);
        assert.deepEqual(m.Properties.ScalingConfig, { MaximumConcurrency: 5 });
        return [m.Properties.EventSourceArn['Fn::GetAtt'][0], m.Properties.FunctionName.Ref.replace(/[0-9A-F]{8}$/, '')];
      });
      assert.deepEqual(wiring.sort(), [
        [ids.created, 'CreatedOrdersConsumer'],
        [ids.updates, 'OrderUpdatesConsumer'],
      ]);
    });

    test('keeps each queue invisible for six times the consumer timeout', () => {
      const functions = Object.values(template.findResources('AWS::Lambda::Function'));
      assert.equal(functions.length, 2, 'only the two consumers are functions; nothing sits between API and SNS');
      const queues = template.findResources('AWS::SQS::Queue');
      for (const fn of functions) {
        assert.equal(fn.Properties.Runtime, 'nodejs24.x');
        assert.deepEqual(fn.Properties.Architectures, ['arm64']);
        assert.deepEqual(fn.Properties.TracingConfig, { Mode: 'Active' });
        assert.equal(queues[ids.created].Properties.VisibilityTimeout, fn.Properties.Timeout * 6);
        assert.equal(queues[ids.updates].Properties.VisibilityTimeout, fn.Properties.Timeout * 6);
      }
    });

    test('lets each consumer read only its own queue, with no managed policies', () => {
      for (const [name, queue, other] of [
        ['CreatedOrders', ids.created, ids.updates],
        ['OrderUpdates', ids.updates, ids.created],
      ]) {
        const roleId = logicalId(`${name}ConsumerRole`, 'AWS::IAM::Role');
        const role = template.findResources('AWS::IAM::Role')[roleId];
        assert.equal(role.Properties.ManagedPolicyArns, undefined);
        const statements = Object.values(template.findResources('AWS::IAM::Policy'))
          .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
          .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string[]; Resource: unknown }[]);
        const sqs = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('sqs:')));
        assert.equal(sqs.length, 1);
        assert.deepEqual(sqs[0].Resource, { 'Fn::GetAtt': [queue, 'Arn'] });
        assert.ok(![sqs[0].Action].flat().includes('sqs:SendMessage'));
        assert.doesNotMatch(JSON.stringify(statements), new RegExp(other));
      }
    });
  });

  describe('alarms', () => {
    const alarmTopicId = () => logicalId('AlarmTopic', 'AWS::SNS::Topic');

    test('alarms on a message in either dead-letter queue and on errors of either consumer, notifying one alarm topic', () => {
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
      assert.equal(alarms.length, 4);
      for (const alarm of alarms) {
        assert.deepEqual(alarm.Properties.AlarmActions, [{ Ref: alarmTopicId() }]);
        assert.equal(alarm.Properties.Threshold, 1);
        assert.equal(alarm.Properties.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
        assert.equal(alarm.Properties.TreatMissingData, 'notBreaching');
        assert.ok(alarm.Properties.AlarmDescription.length > 40);
      }
      const watched = alarms.map((a) => [a.Properties.MetricName, a.Properties.Statistic, a.Properties.Period, a.Properties.Dimensions[0].Value.Ref ?? a.Properties.Dimensions[0].Value['Fn::GetAtt'][0]]);
      const fn = (name: string) => logicalId(`${name}Consumer`, 'AWS::Lambda::Function');
      assert.deepEqual(watched.sort(), [
        ['ApproximateNumberOfMessagesVisible', 'Maximum', 60, ids.createdDlq],
        ['ApproximateNumberOfMessagesVisible', 'Maximum', 60, ids.updatesDlq],
        ['Errors', 'Sum', 300, fn('CreatedOrders')],
        ['Errors', 'Sum', 300, fn('OrderUpdates')],
      ].sort());
    });

    test('keeps the alarm topic TLS-only and subscribes an e-mail address only when alarmEmail is set', () => {
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: alarmTopicId() }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
      template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 0);
      const withEmail = Template.fromStack(new TheBigFanStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
      withEmail.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' }, 1);
    });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new TheBigFanStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const [pack, scope] of [stack, withEmail].flatMap((s) => [new AwsSolutionsChecks(), new ServerlessChecks()].map((p) => [p, s] as const))) {
      const report = pack.validateScope(scope);
      const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
    }
  });
});

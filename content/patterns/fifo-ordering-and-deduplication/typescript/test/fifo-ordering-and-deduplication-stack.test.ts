import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ACCOUNT_ID_PATTERN, EVENT_ID_PATTERN, MAX_AMOUNT } from '../lambda/ledger-events';
import { FifoOrderingAndDeduplicationStack, MAX_CONCURRENCY, MAX_RECEIVE_COUNT } from '../lib/fifo-ordering-and-deduplication-stack';
import { SEND_MESSAGE_TEMPLATE } from '../lib/ledger-api';
import { appFromCdkJson } from './cdk-app';

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

/**
 * Evaluates the request template the way API Gateway does for the two expressions it uses:
 * $input.body (the raw body) and $input.path('$.field') (one top-level field), each URL-encoded.
 */
function renderTemplate(template: string, body: string): URLSearchParams {
  const parsed = JSON.parse(body) as Record<string, unknown>;
  const rendered = template
    .replace(/\$util\.urlEncode\(\$input\.path\('\$\.(\w+)'\)\)/g, (_, field: string) => encodeURIComponent(String(parsed[field])))
    .replace(/\$util\.urlEncode\(\$input\.body\)/g, () => encodeURIComponent(body));
  assert.doesNotMatch(rendered, /\$/, 'every expression in the template was evaluated');
  return new URLSearchParams(rendered);
}

describe('FifoOrderingAndDeduplicationStack', () => {
  let stack: FifoOrderingAndDeduplicationStack;
  let template: Template;
  let ids: { queue: string; dlq: string; table: string; apiRole: string; consumerRole: string; consumer: string; alarmTopic: string };

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
  const statementsOf = (roleId: string) =>
    Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);

  before(() => {
    stack = new FifoOrderingAndDeduplicationStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
    ids = {
      queue: logicalId('LedgerEvents', 'AWS::SQS::Queue'),
      dlq: logicalId('LedgerEventsDlq', 'AWS::SQS::Queue'),
      table: logicalId('Accounts', 'AWS::DynamoDB::GlobalTable'),
      apiRole: logicalId('ApiSendRole', 'AWS::IAM::Role'),
      consumerRole: logicalId('LedgerConsumerRole', 'AWS::IAM::Role'),
      consumer: logicalId('LedgerConsumer', 'AWS::Lambda::Function'),
      alarmTopic: logicalId('AlarmTopic', 'AWS::SNS::Topic'),
    };
  });

  describe('the FIFO queue', () => {
    test('is a FIFO queue in high-throughput mode that deduplicates per message group on an explicit id', () => {
      const queue = template.findResources('AWS::SQS::Queue')[ids.queue];
      assert.equal(queue.Properties.FifoQueue, true);
      assert.equal(queue.Properties.DeduplicationScope, 'messageGroup');
      assert.equal(queue.Properties.FifoThroughputLimit, 'perMessageGroupId');
      // Off on purpose: the API passes the business event id as MessageDeduplicationId.
      assert.equal(queue.Properties.ContentBasedDeduplication, false);
    });

    test('moves a message to a FIFO dead-letter queue after three receives and keeps it 14 days', () => {
      assert.equal(MAX_RECEIVE_COUNT, 3);
      const queues = template.findResources('AWS::SQS::Queue');
      assert.deepEqual(queues[ids.queue].Properties.RedrivePolicy, {
        deadLetterTargetArn: { 'Fn::GetAtt': [ids.dlq, 'Arn'] },
        maxReceiveCount: 3,
      });
      assert.equal(queues[ids.dlq].Properties.FifoQueue, true);
      assert.equal(queues[ids.dlq].Properties.RedrivePolicy, undefined);
      assert.equal(queues[ids.dlq].Properties.MessageRetentionPeriod, 14 * 24 * 3600);
    });

    test('encrypts both queues and denies non-TLS access to each', () => {
      const queues = template.findResources('AWS::SQS::Queue');
      assert.deepEqual(Object.keys(queues).sort(), [ids.queue, ids.dlq].sort());
      for (const id of Object.keys(queues)) {
        assert.equal(queues[id].Properties.SqsManagedSseEnabled, true, id);
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: id }],
          PolicyDocument: {
            Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
          },
        });
      }
    });

    test('is drained by one function in batches of ten, reporting per-message failures, at most five copies at once', () => {
      const [, mapping] = only('AWS::Lambda::EventSourceMapping');
      assert.deepEqual(mapping.Properties.EventSourceArn, { 'Fn::GetAtt': [ids.queue, 'Arn'] });
      assert.deepEqual(mapping.Properties.FunctionName, { Ref: ids.consumer });
      assert.deepEqual(mapping.Properties.FunctionResponseTypes, ['ReportBatchItemFailures']);
      assert.equal(mapping.Properties.BatchSize, 10);
      assert.equal(mapping.Properties.MaximumBatchingWindowInSeconds, undefined);
      assert.equal(MAX_CONCURRENCY, 5);
      assert.deepEqual(mapping.Properties.ScalingConfig, { MaximumConcurrency: 5 });
    });

    test('stays invisible for six times the consumer timeout while a batch is processed', () => {
      const [, fn] = only('AWS::Lambda::Function');
      assert.equal(fn.Properties.Runtime, 'nodejs24.x');
      assert.deepEqual(fn.Properties.Architectures, ['arm64']);
      assert.deepEqual(fn.Properties.TracingConfig, { Mode: 'Active' });
      assert.deepEqual(fn.Properties.Environment.Variables, { TABLE_NAME: { Ref: ids.table } });
      const queue = template.findResources('AWS::SQS::Queue')[ids.queue];
      assert.equal(queue.Properties.VisibilityTimeout, fn.Properties.Timeout * 6);
    });
  });

  describe('the accounts table', () => {
    test('keys accounts by accountId, billed on demand, with point-in-time recovery', () => {
      const [, table] = only('AWS::DynamoDB::GlobalTable');
      assert.deepEqual(table.Properties.KeySchema, [{ AttributeName: 'accountId', KeyType: 'HASH' }]);
      assert.equal(table.Properties.BillingMode, 'PAY_PER_REQUEST');
      assert.deepEqual(table.Properties.Replicas[0].PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
    });

    test('lets the consumer only consume the one queue and call UpdateItem on the one table', () => {
      const role = template.findResources('AWS::IAM::Role')[ids.consumerRole];
      assert.equal(role.Properties.ManagedPolicyArns, undefined);
      const statements = statementsOf(ids.consumerRole).map((s) => [[s.Action].flat().sort(), s.Resource]);
      assert.deepEqual(
        statements.filter(([actions]) => !(actions as string[])[0].startsWith('logs:') && !(actions as string[])[0].startsWith('xray:')),
        [
          [['dynamodb:UpdateItem'], { 'Fn::GetAtt': [ids.table, 'Arn'] }],
          [
            ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
            { 'Fn::GetAtt': [ids.queue, 'Arn'] },
          ],
        ],
      );
      assert.doesNotMatch(JSON.stringify(statementsOf(ids.consumerRole)), /sqs:SendMessage|dynamodb:PutItem|dynamodb:DeleteItem/);
    });
  });

  describe('API Gateway to SQS', () => {
    test('sends through a direct AWS integration to the queue path, not a function', () => {
      const [, method] = only('AWS::ApiGateway::Method');
      const integration = method.Properties.Integration;
      assert.equal(method.Properties.HttpMethod, 'POST');
      assert.equal(integration.Type, 'AWS');
      assert.equal(integration.IntegrationHttpMethod, 'POST');
      assert.equal(
        flatten(integration.Uri),
        `arn:\${AWS::Partition}:apigateway:\${AWS::Region}:sqs:path/\${AWS::AccountId}/\${${ids.queue}.QueueName}`,
      );
      assert.deepEqual(integration.Credentials, { 'Fn::GetAtt': [ids.apiRole, 'Arn'] });
      assert.equal(integration.PassthroughBehavior, 'NEVER');
      assert.deepEqual(integration.RequestParameters, {
        'integration.request.header.Content-Type': "'application/x-www-form-urlencoded'",
        // The 202 template reads SendMessageResponse as JSON: XML would leave messageId empty.
        'integration.request.header.Accept': "'application/json'",
      });
    });

    test('sets the message group from accountId and the deduplication id from eventId', () => {
      const [, method] = only('AWS::ApiGateway::Method');
      const requestTemplate = method.Properties.Integration.RequestTemplates['application/json'];
      assert.equal(requestTemplate, SEND_MESSAGE_TEMPLATE);
      assert.equal(
        requestTemplate,
        "Action=SendMessage&MessageGroupId=$util.urlEncode($input.path('$.accountId'))" +
          "&MessageDeduplicationId=$util.urlEncode($input.path('$.eventId'))&MessageBody=$util.urlEncode($input.body)",
      );
      const body = '{"accountId":"acc-1001","eventId":"evt-42","sequence":3,"type":"debit","amount":2500}';
      const params = renderTemplate(requestTemplate, body);
      assert.deepEqual([...params.keys()], ['Action', 'MessageGroupId', 'MessageDeduplicationId', 'MessageBody']);
      assert.equal(params.get('Action'), 'SendMessage');
      assert.equal(params.get('MessageGroupId'), 'acc-1001');
      assert.equal(params.get('MessageDeduplicationId'), 'evt-42');
      assert.equal(params.get('MessageBody'), body);
    });

    test('answers 202 with the SQS message id and sequence number, and a generic 500 otherwise', () => {
      const [, method] = only('AWS::ApiGateway::Method');
      const responses = method.Properties.Integration.IntegrationResponses;
      assert.deepEqual(
        responses.map((r: Record<string, string>) => [r.StatusCode, r.SelectionPattern]),
        [['202', '2\\d{2}'], ['500', undefined]],
      );
      const ok = responses[0].ResponseTemplates['application/json'];
      assert.match(ok, /SendMessageResponse\.SendMessageResult\.MessageId/);
      assert.match(ok, /SendMessageResponse\.SendMessageResult\.SequenceNumber/);
      assert.doesNotMatch(responses[1].ResponseTemplates['application/json'], /\$input/);
    });

    test('validates the body against a model requiring every field the consumer reads', () => {
      const [validatorId] = only('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true });
      const [modelId, model] = only('AWS::ApiGateway::Model');
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        RequestValidatorId: { Ref: validatorId },
        RequestModels: { 'application/json': { Ref: modelId } },
      });
      const schema = model.Properties.Schema;
      assert.deepEqual(schema.required, ['accountId', 'eventId', 'sequence', 'type', 'amount']);
      assert.equal(schema.additionalProperties, false);
      assert.deepEqual(schema.properties, {
        accountId: { type: 'string', pattern: ACCOUNT_ID_PATTERN },
        eventId: { type: 'string', pattern: EVENT_ID_PATTERN },
        sequence: { type: 'integer', minimum: 1 },
        type: { type: 'string', enum: ['credit', 'debit'] },
        amount: { type: 'integer', minimum: 1, maximum: MAX_AMOUNT },
      });
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
        ['/~1events', 'POST', 20, 40],
      ]);
      assert.equal(stage.Properties.TracingEnabled, true);
      assert.ok(JSON.parse(stage.Properties.AccessLogSetting.Format).requestId);
      template.resourceCountIs('AWS::ApiGateway::Account', 0);
    });

    test('gives API Gateway a role that can only sqs:SendMessage to the one queue', () => {
      const role = template.findResources('AWS::IAM::Role')[ids.apiRole];
      assert.deepEqual(role.Properties.AssumeRolePolicyDocument.Statement, [
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' } },
      ]);
      assert.equal(role.Properties.ManagedPolicyArns, undefined);
      assert.deepEqual(
        role.Properties.Policies.map((p: any) => p.PolicyDocument.Statement),
        [[{ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [ids.queue, 'Arn'] } }]],
      );
      assert.deepEqual(statementsOf(ids.apiRole), [], 'no other policy may be attached to the API role');
    });
  });

  describe('alarms', () => {
    test('alarms on a parked event, on consumer errors and on API 5xx, notifying one alarm topic', () => {
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
      assert.equal(alarms.length, 3);
      for (const alarm of alarms) {
        assert.deepEqual(alarm.Properties.AlarmActions, [{ Ref: ids.alarmTopic }]);
        assert.equal(alarm.Properties.Threshold, 1);
        assert.equal(alarm.Properties.EvaluationPeriods, 1);
        assert.equal(alarm.Properties.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
        assert.equal(alarm.Properties.TreatMissingData, 'notBreaching');
        assert.ok(alarm.Properties.AlarmDescription.length > 40);
      }
      const watched = alarms.map((a) => [
        a.Properties.Namespace,
        a.Properties.MetricName,
        a.Properties.Statistic,
        a.Properties.Period,
        flatten(a.Properties.Dimensions[0].Value),
      ]);
      const [apiId] = only('AWS::ApiGateway::RestApi');
      assert.deepEqual(
        watched.sort(),
        [
          ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'Maximum', 60, `\${${ids.dlq}.QueueName}`],
          ['AWS/Lambda', 'Errors', 'Sum', 300, `\${${ids.consumer}}`],
          ['AWS/ApiGateway', '5XXError', 'Sum', 300, (template.findResources('AWS::ApiGateway::RestApi')[apiId].Properties.Name as string)],
        ].sort(),
      );
    });

    test('keeps the alarm topic TLS-only and subscribes an e-mail address only when alarmEmail is set', () => {
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: ids.alarmTopic }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
      template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 0);
      const withEmail = Template.fromStack(new FifoOrderingAndDeduplicationStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
      withEmail.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' }, 1);
    });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new FifoOrderingAndDeduplicationStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const [pack, scope] of [stack, withEmail].flatMap((s) => [new AwsSolutionsChecks(), new ServerlessChecks()].map((p) => [p, s] as const))) {
      const report = pack.validateScope(scope);
      const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
    }
  });
});

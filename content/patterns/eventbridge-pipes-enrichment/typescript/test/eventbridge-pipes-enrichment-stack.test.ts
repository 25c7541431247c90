import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { DETAIL_TYPE, EVENT_SOURCE } from '../lib/order-bus';
import { EventbridgePipesEnrichmentStack } from '../lib/eventbridge-pipes-enrichment-stack';
import { ORDERS_QUEUE } from '../lib/orders-queue';
import { PIPE_BATCH_SIZE, PIPE_FILTER, TARGET_INPUT_TEMPLATE } from '../lib/priority-orders-pipe';
import { appFromCdkJson } from './cdk-app';

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };

/** Flattens an Fn::Join into one string, writing references as `${LogicalId}` and attributes as `${LogicalId.Attr}`. */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if (v.Ref) return `\${${v.Ref}}`;
  if (v['Fn::GetAtt']) return `\${${v['Fn::GetAtt'].join('.')}}`;
  if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(flatten).join(v['Fn::Join'][0]);
  throw new Error(`cannot flatten ${JSON.stringify(value)}`);
}

describe('EventbridgePipesEnrichmentStack', () => {
  let stack: EventbridgePipesEnrichmentStack;
  let template: Template;
  let ids: Record<'queue' | 'dlq' | 'table' | 'fn' | 'fnRole' | 'bus' | 'pipeRole' | 'pipeLogs' | 'tapLog' | 'alarmTopic', string>;

  const logicalId = (prefix: string, type: string) => {
    const matches = Object.keys(template.findResources(type)).filter((id) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
    assert.equal(matches.length, 1, `expected one ${type} named ${prefix}`);
    return matches[0];
  };
  const pipe = (): Resource => {
    const pipes = Object.values(template.findResources('AWS::Pipes::Pipe')) as Resource[];
    assert.equal(pipes.length, 1);
    return pipes[0];
  };

  before(() => {
    stack = new EventbridgePipesEnrichmentStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
    ids = {
      queue: logicalId('Orders', 'AWS::SQS::Queue'),
      dlq: logicalId('OrdersDlq', 'AWS::SQS::Queue'),
      table: logicalId('Customers', 'AWS::DynamoDB::GlobalTable'),
      fn: logicalId('EnrichOrder', 'AWS::Lambda::Function'),
      fnRole: logicalId('EnrichOrderRole', 'AWS::IAM::Role'),
      bus: logicalId('OrderEvents', 'AWS::Events::EventBus'),
      pipeRole: logicalId('PipeRole', 'AWS::IAM::Role'),
      pipeLogs: logicalId('PriorityOrdersPipeLogs', 'AWS::Logs::LogGroup'),
      tapLog: logicalId('EnrichedOrderLog', 'AWS::Logs::LogGroup'),
      alarmTopic: logicalId('AlarmTopic', 'AWS::SNS::Topic'),
    };
  });

  describe('the pipe', () => {
    test('reads the Orders queue in batches of ten and filters bodies with this exact pattern', () => {
      const p = pipe().Properties;
      assert.deepEqual(p.Source, { 'Fn::GetAtt': [ids.queue, 'Arn'] });
      assert.equal(PIPE_BATCH_SIZE, 10);
      assert.deepEqual(p.SourceParameters.SqsQueueParameters, { BatchSize: 10 });
      assert.deepEqual(p.SourceParameters.FilterCriteria.Filters, [{ Pattern: JSON.stringify(PIPE_FILTER) }]);
      assert.deepEqual(JSON.parse(p.SourceParameters.FilterCriteria.Filters[0].Pattern), {
        body: {
          orderType: ['priority'],
          orderId: [{ exists: true }],
          customerId: [{ prefix: 'cust-' }],
          total: [{ numeric: ['>', 0] }],
        },
      });
      assert.equal(p.DesiredState, 'RUNNING');
    });

    test('enriches with the EnrichOrder function, passing it the records untransformed', () => {
      const p = pipe().Properties;
      assert.deepEqual(p.Enrichment, { 'Fn::GetAtt': [ids.fn, 'Arn'] });
      assert.equal(p.EnrichmentParameters, undefined);
    });

    test('puts each enriched order on the OrderEvents bus through the input template, with a fixed source and detail type', () => {
      const p = pipe().Properties;
      assert.deepEqual(p.Target, { 'Fn::GetAtt': [ids.bus, 'Arn'] });
      assert.deepEqual(p.TargetParameters, {
        EventBridgeEventBusParameters: { Source: EVENT_SOURCE, DetailType: DETAIL_TYPE },
        InputTemplate: TARGET_INPUT_TEMPLATE,
      });
      assert.equal(EVENT_SOURCE, 'orders.priority-pipe');
      assert.equal(DETAIL_TYPE, 'PriorityOrderEnriched');
    });

    test('logs failed steps to its own log group at ERROR level, without execution data', () => {
      const p = pipe().Properties;
      assert.equal(p.LogConfiguration.IncludeExecutionData, undefined, 'payloads carry customer names');
      assert.deepEqual(p.LogConfiguration, {
        Level: 'ERROR',
        CloudwatchLogsLogDestination: { LogGroupArn: { 'Fn::GetAtt': [ids.pipeLogs, 'Arn'] } },
      });
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    });

    test('runs under a role that can only read and delete Orders, invoke EnrichOrder, put on OrderEvents and write its log', () => {
      assert.deepEqual(pipe().Properties.RoleArn, { 'Fn::GetAtt': [ids.pipeRole, 'Arn'] });
      const role = template.findResources('AWS::IAM::Role')[ids.pipeRole] as Resource;
      assert.deepEqual(role.Properties.AssumeRolePolicyDocument.Statement, [
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'pipes.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ]);
      assert.equal(role.Properties.ManagedPolicyArns, undefined);
      assert.deepEqual(
        role.Properties.Policies.map((p: any) => p.PolicyDocument.Statement),
        [
          [
            { Action: ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [ids.queue, 'Arn'] } },
            { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [ids.fn, 'Arn'] } },
            { Action: 'events:PutEvents', Effect: 'Allow', Resource: { 'Fn::GetAtt': [ids.bus, 'Arn'] } },
            { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [ids.pipeLogs, 'Arn'] } },
          ],
        ],
      );
      const attached = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(ids.pipeRole));
      assert.deepEqual(attached, [], 'no other policy may be attached to the pipe role');
    });
  });

  describe('source queue and enrichment', () => {
    test('moves a message to OrdersDlq after five receives and hides it six times the enrichment timeout', () => {
      const queues = template.findResources('AWS::SQS::Queue');
      const fn = template.findResources('AWS::Lambda::Function')[ids.fn] as Resource;
      assert.equal(ORDERS_QUEUE.maxReceiveCount, 5);
      assert.deepEqual(queues[ids.queue].Properties.RedrivePolicy, { deadLetterTargetArn: { 'Fn::GetAtt': [ids.dlq, 'Arn'] }, maxReceiveCount: 5 });
      assert.equal(queues[ids.queue].Properties.VisibilityTimeout, fn.Properties.Timeout * 6);
      assert.equal(queues[ids.dlq].Properties.RedrivePolicy, undefined);
      assert.equal(queues[ids.dlq].Properties.MessageRetentionPeriod, 14 * 24 * 3600);
    });

    test('encrypts both queues and denies non-TLS access to each', () => {
      const queues = template.findResources('AWS::SQS::Queue');
      assert.deepEqual(Object.keys(queues).sort(), [ids.queue, ids.dlq].sort());
      for (const [id, queue] of Object.entries(queues)) {
        assert.equal(queue.Properties.SqsManagedSseEnabled, true, id);
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: id }],
          PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
        });
      }
    });

    test('runs the enrichment on arm64 Node.js 24, reading the table name from its environment', () => {
      const fn = (template.findResources('AWS::Lambda::Function')[ids.fn] as Resource).Properties;
      assert.equal(Object.keys(template.findResources('AWS::Lambda::Function')).length, 1, 'the enrichment is the only function');
      assert.equal(fn.Runtime, 'nodejs24.x');
      assert.deepEqual(fn.Architectures, ['arm64']);
      assert.equal(fn.Timeout, 10);
      assert.deepEqual(fn.TracingConfig, { Mode: 'Active' });
      assert.deepEqual(fn.Environment.Variables, { CUSTOMERS_TABLE_NAME: { Ref: ids.table } });
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        KeySchema: [{ AttributeName: 'customerId', KeyType: 'HASH' }],
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      });
    });

    test('lets the enrichment only batch-read the Customers table, besides its logs and traces', () => {
      const role = template.findResources('AWS::IAM::Role')[ids.fnRole] as Resource;
      assert.equal(role.Properties.ManagedPolicyArns, undefined);
      const statements = Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: ids.fnRole }]))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
      const dynamo = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
      assert.deepEqual(dynamo, [{ Action: 'dynamodb:BatchGetItem', Effect: 'Allow', Resource: { 'Fn::GetAtt': [ids.table, 'Arn'] } }]);
      const actions = statements.flatMap((s) => [s.Action].flat()).sort();
      assert.deepEqual(actions, ['dynamodb:BatchGetItem', 'logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    });
  });

  describe('the bus and its example consumer', () => {
    test('logs every event the pipe puts on the bus through a rule on that bus', () => {
      const rules = Object.values(template.findResources('AWS::Events::Rule')) as Resource[];
      assert.equal(rules.length, 1);
      const rule = rules[0];
      assert.deepEqual(rule.Properties.EventBusName, { Ref: ids.bus });
      assert.deepEqual(rule.Properties.EventPattern, { 'detail-type': [DETAIL_TYPE], source: [EVENT_SOURCE] });
      assert.equal(rule.Properties.Targets.length, 1);
      // EventBridge takes the log group ARN without the ":*" suffix CloudFormation's Arn attribute carries.
      assert.equal(flatten(rule.Properties.Targets[0].Arn), `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:\${${ids.tapLog}}`);
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    });

    test('lets only EventBridge write to the example log, and nothing else', () => {
      const policies = Object.entries(template.findResources('AWS::Logs::ResourcePolicy'));
      assert.equal(policies.length, 1);
      const [policyId, policy] = policies[0];
      const doc = JSON.parse(flatten(policy.Properties.PolicyDocument));
      assert.deepEqual(doc.Statement, [
        { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Resource: `\${${ids.tapLog}.Arn}` },
      ]);
      const rule = Object.values(template.findResources('AWS::Events::Rule'))[0] as Resource;
      assert.ok(rule.DependsOn?.includes(policyId), 'the rule waits for the policy that lets it write');
    });
  });

  describe('alarms', () => {
    test('alarms on OrdersDlq, old Orders messages, EnrichOrder errors and failed pipe executions, notifying one topic', () => {
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
      for (const alarm of alarms) {
        assert.deepEqual(alarm.Properties.AlarmActions, [{ Ref: ids.alarmTopic }]);
        assert.equal(alarm.Properties.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
        assert.equal(alarm.Properties.EvaluationPeriods, 1);
        assert.equal(alarm.Properties.TreatMissingData, 'notBreaching');
        assert.ok(alarm.Properties.AlarmDescription.length > 60);
      }
      const watched = alarms.map((a) => {
        const p = a.Properties;
        const dim = p.Dimensions[0];
        return [p.Namespace, p.MetricName, dim.Name, dim.Value.Ref ?? dim.Value['Fn::GetAtt'][0], p.Statistic, p.Period, p.Threshold];
      });
      assert.deepEqual(watched.sort(), [
        ['AWS/EventBridge/Pipes', 'ExecutionFailed', 'PipeName', 'PriorityOrdersPipe', 'Sum', 300, 1],
        ['AWS/Lambda', 'Errors', 'FunctionName', ids.fn, 'Sum', 300, 1],
        ['AWS/SQS', 'ApproximateAgeOfOldestMessage', 'QueueName', ids.queue, 'Maximum', 60, ORDERS_QUEUE.alarmAgeSeconds],
        ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', ids.dlq, 'Maximum', 60, 1],
      ].sort());
    });

    test('keeps the alarm topic TLS-only and subscribes an e-mail address only when alarmEmail is set', () => {
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: ids.alarmTopic }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
      template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 0);
      const withEmail = Template.fromStack(new EventbridgePipesEnrichmentStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
      withEmail.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' }, 1);
    });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new EventbridgePipesEnrichmentStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const scope of [stack, withEmail]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const report = pack.validateScope(scope);
        assert.deepEqual(report.violations.map((v) => `${v.ruleName}: ${v.description}`), [], `${pack.name} has unacknowledged findings`);
      }
    }
  });
});

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheXrayTracerStack } from '../lib/the-xray-tracer-stack';
import { appFromCdkJson } from './cdk-app';

describe('TheXrayTracerStack', () => {
  let stack: TheXrayTracerStack;
  let template: Template;

  before(() => {
    stack = new TheXrayTracerStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
  });

  const idOf = (type: string, prefix: string) => {
    const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
    assert.equal(ids.length, 1, `expected one ${type} named ${prefix}*, found ${ids.join(', ')}`);
    return ids[0];
  };

  /** Data-plane actions in the policy of one function's role; logs and X-Ray are the same for all. */
  function dataActions(fn: string): string[] {
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p) =>
      p.Properties.Roles.some((r: any) => r.Ref.startsWith(`${fn}Role`)),
    );
    assert.ok(policy, `no policy for ${fn}`);
    return policy.Properties.PolicyDocument.Statement.flatMap((s: any) =>
      [s.Action].flat().map((a: string) => `${a} ${JSON.stringify(s.Resource)}`),
    ).filter((a: string) => !a.startsWith('logs:') && !a.startsWith('xray:'));
  }

  test('traces the API stage', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 })]),
    });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      Integration: Match.objectLike({ Type: 'AWS_PROXY' }),
    });
  });

  test('runs all four functions with active tracing and a Powertools service name', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    assert.equal(functions.length, 4);
    const services = functions.map((f) => {
      assert.deepEqual(f.Properties.TracingConfig, { Mode: 'Active' });
      assert.equal(f.Properties.Runtime, 'nodejs24.x');
      return f.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME;
    });
    assert.deepEqual(services.sort(), ['audit-writer', 'currency-converter', 'high-value-screen', 'order-publisher']);
  });

  test('turns on active tracing on the topic and lets only that topic write segments', () => {
    const topic = idOf('AWS::SNS::Topic', 'OrderEvents');
    template.hasResourceProperties('AWS::SNS::Topic', { TracingConfig: 'Active' });
    const [policy] = Object.values(template.findResources('AWS::XRay::ResourcePolicy'));
    const document = JSON.stringify(policy.Properties.PolicyDocument);
    assert.match(document, /sns\.amazonaws\.com/);
    assert.match(document, /xray:PutTraceSegments/);
    assert.match(document, /aws:SourceArn/);
    assert.ok(document.includes(JSON.stringify({ Ref: topic })), 'policy is not scoped to the topic');
  });

  test('fans out to the queue, the converter and (filtered) the high-value screen, each with a DLQ', () => {
    const failed = idOf('AWS::SQS::Queue', 'FailedDeliveries');
    const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription'));
    assert.equal(subscriptions.length, 3);
    for (const s of subscriptions) {
      assert.deepEqual(s.Properties.RedrivePolicy, { deadLetterTargetArn: { 'Fn::GetAtt': [failed, 'Arn'] } });
    }
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      RawMessageDelivery: true,
      Endpoint: { 'Fn::GetAtt': [idOf('AWS::SQS::Queue', 'AuditQueue'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      Endpoint: { 'Fn::GetAtt': [idOf('AWS::Lambda::Function', 'CurrencyConverter'), 'Arn'] },
      FilterPolicy: Match.absent(),
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      Endpoint: { 'Fn::GetAtt': [idOf('AWS::Lambda::Function', 'HighValueScreen'), 'Arn'] },
      FilterPolicy: { total: [{ numeric: ['>=', 1000] }] },
    });
  });

  test('drains the audit queue in batches with partial failures, capped concurrency and a 3-strike DLQ', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: idOf('AWS::Lambda::Function', 'AuditWriter') },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [idOf('AWS::SQS::Queue', 'AuditDlq'), 'Arn'] }, maxReceiveCount: 3 },
      VisibilityTimeout: 60,
    });
  });

  test('sends failed async invocations of both SNS-triggered functions to FailedDeliveries', () => {
    const failed = idOf('AWS::SQS::Queue', 'FailedDeliveries');
    for (const fn of ['CurrencyConverter', 'HighValueScreen']) {
      const fnResource = template.findResources('AWS::Lambda::Function')[idOf('AWS::Lambda::Function', fn)];
      assert.deepEqual(fnResource.Properties.DeadLetterConfig, { TargetArn: { 'Fn::GetAtt': [failed, 'Arn'] } });
      assert.deepEqual(dataActions(fn), [`sqs:SendMessage ${JSON.stringify({ 'Fn::GetAtt': [failed, 'Arn'] })}`]);
    }
  });

  test('gives the publisher sns:Publish on the topic and the audit writer PutItem on its table, nothing more', () => {
    assert.deepEqual(dataActions('OrderPublisher'), [`sns:Publish ${JSON.stringify({ Ref: idOf('AWS::SNS::Topic', 'OrderEvents') })}`]);
    const auditActions = dataActions('AuditWriter');
    const table = JSON.stringify({ 'Fn::GetAtt': [idOf('AWS::DynamoDB::GlobalTable', 'OrderAudit'), 'Arn'] });
    assert.deepEqual(
      auditActions.filter((a) => a.startsWith('dynamodb:')),
      [`dynamodb:PutItem ${table}`],
    );
    assert.ok(auditActions.filter((a) => !a.startsWith('dynamodb:')).every((a) => a.startsWith('sqs:') && a.includes('AuditQueue')));
  });

  test('grants no KMS permission at all, since the AWS managed SNS key needs none', () => {
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      const actions = policy.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat());
      assert.deepEqual(actions.filter((a: string) => a.startsWith('kms:')), []);
    }
    const orderEvents = template.findResources('AWS::SNS::Topic')[idOf('AWS::SNS::Topic', 'OrderEvents')];
    assert.match(JSON.stringify(orderEvents.Properties.KmsMasterKeyId), /alias\/aws\/sns/);
  });

  test('alarms on both dead-letter queues and on errors of every function fed by SNS or SQS', () => {
    for (const queue of ['FailedDeliveries', 'AuditDlq']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf('AWS::SQS::Queue', queue), 'QueueName'] } }],
        Statistic: 'Maximum',
        Period: 60,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
    for (const fn of ['AuditWriter', 'CurrencyConverter', 'HighValueScreen']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: idOf('AWS::Lambda::Function', fn) } }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
      });
    }
  });

  test('sends every alarm to the one alarm topic, and mails it only when alarmEmail is set', () => {
    const topic = idOf('AWS::SNS::Topic', 'AlarmTopic');
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    assert.equal(alarms.length, 5);
    for (const alarm of alarms) assert.deepEqual(alarm.Properties.AlarmActions, [{ Ref: topic }]);
    assert.equal(Object.values(template.findResources('AWS::SNS::Subscription')).filter((s) => s.Properties.Protocol === 'email').length, 0);
    const withEmail = Template.fromStack(new TheXrayTracerStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'WithEmail'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('uses no AWS managed policies', () => {
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      assert.equal(role.Properties.ManagedPolicyArns, undefined);
    }
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    // Also with -c alarmEmail: the e-mail subscription is a resource of its own that the packs check.
    const withEmail = new TheXrayTracerStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const scope of [stack, withEmail]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const report = pack.validateScope(scope);
        const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
        assert.deepEqual(open, [], `${pack.name} has unacknowledged findings in ${scope.node.id}`);
      }
    }
  });
});

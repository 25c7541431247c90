import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { appFromCdkJson } from './cdk-app';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheScheduledLambdaStack } from '../lib/the-scheduled-lambda-stack';

type Resource = { Type: string; Properties: Record<string, any> };
type Statement = { Action: string | string[]; Effect: string; Resource: unknown };

describe('TheScheduledLambdaStack', () => {
  let stack: TheScheduledLambdaStack;
  let template: Template;
  let ids: Record<'table' | 'queue' | 'fn' | 'fnRole' | 'schedulerRole', string>;

  const resources = (type: string) => template.findResources(type) as Record<string, Resource>;
  const only = (type: string) => {
    const found = Object.values(resources(type));
    assert.equal(found.length, 1, `expected exactly one ${type}`);
    return found[0].Properties;
  };
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
    stack = new TheScheduledLambdaStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
    ids = {
      table: logicalId('Heartbeats', 'AWS::DynamoDB::GlobalTable'),
      queue: logicalId('MissedRuns', 'AWS::SQS::Queue'),
      fn: logicalId('Heartbeat', 'AWS::Lambda::Function'),
      fnRole: logicalId('HeartbeatRole', 'AWS::IAM::Role'),
      schedulerRole: logicalId('SchedulerRole', 'AWS::IAM::Role'),
    };
  });

  describe('the schedule', () => {
    test('uses EventBridge Scheduler, not a legacy scheduled rule', () => {
      template.resourceCountIs('AWS::Scheduler::Schedule', 1);
      template.resourceCountIs('AWS::Events::Rule', 0);
      template.resourceCountIs('AWS::Lambda::Permission', 0);
    });

    test('runs every five minutes within a two-minute flexible window', () => {
      const schedule = only('AWS::Scheduler::Schedule');
      assert.equal(schedule.ScheduleExpression, 'rate(5 minutes)');
      assert.deepEqual(schedule.FlexibleTimeWindow, { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 2 });
      assert.equal(schedule.State, 'ENABLED');
    });

    test('invokes the heartbeat function with its own role, three retries within five minutes, then the DLQ', () => {
      const { Target } = only('AWS::Scheduler::Schedule');
      assert.deepEqual(Target.Arn, { 'Fn::GetAtt': [ids.fn, 'Arn'] });
      assert.deepEqual(Target.RoleArn, { 'Fn::GetAtt': [ids.schedulerRole, 'Arn'] });
      assert.deepEqual(Target.RetryPolicy, { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 300 });
      assert.deepEqual(Target.DeadLetterConfig, { Arn: { 'Fn::GetAtt': [ids.queue, 'Arn'] } });
    });

    test('passes the scheduled time and execution details the handler keys its writes on', () => {
      const { Target } = only('AWS::Scheduler::Schedule');
      assert.deepEqual(JSON.parse(Target.Input), {
        scheduledTime: '<aws.scheduler.scheduled-time>',
        executionId: '<aws.scheduler.execution-id>',
        attemptNumber: '<aws.scheduler.attempt-number>',
        scheduleArn: '<aws.scheduler.schedule-arn>',
      });
    });

    test("lets Scheduler assume its role only for this account's default schedule group", () => {
      const role = resources('AWS::IAM::Role')[ids.schedulerRole].Properties;
      const [statement] = role.AssumeRolePolicyDocument.Statement;
      assert.deepEqual(statement.Principal, { Service: 'scheduler.amazonaws.com' });
      assert.deepEqual(statement.Condition.StringEquals['aws:SourceAccount'], { Ref: 'AWS::AccountId' });
      assert.match(JSON.stringify(statement.Condition.StringEquals['aws:SourceArn']), /:schedule-group\/default"/);
    });

    test('allows the scheduler role to invoke only the heartbeat function and send only to the DLQ', () => {
      const statements = statementsOf(ids.schedulerRole);
      assert.deepEqual(statements, [
        {
          Action: 'lambda:InvokeFunction',
          Effect: 'Allow',
          Resource: [{ 'Fn::GetAtt': [ids.fn, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.fn, 'Arn'] }, ':*']] }],
        },
        { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [ids.queue, 'Arn'] } },
      ]);
    });
  });

  describe('the function', () => {
    test('retries a failed run twice within five minutes, then records it in MissedRuns', () => {
      assert.deepEqual(only('AWS::Lambda::EventInvokeConfig'), {
        FunctionName: { Ref: ids.fn },
        Qualifier: '$LATEST',
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 300,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [ids.queue, 'Arn'] } } },
      });
    });

    test('runs on Node.js 24, arm64, traced, JSON-logged, with the table name', () => {
      const fn = only('AWS::Lambda::Function');
      assert.equal(fn.Runtime, 'nodejs24.x');
      assert.deepEqual(fn.Architectures, ['arm64']);
      assert.deepEqual(fn.TracingConfig, { Mode: 'Active' });
      assert.equal(fn.LoggingConfig.LogFormat, 'JSON');
      assert.deepEqual(fn.Environment.Variables, { TABLE_NAME: { Ref: ids.table } });
    });

    test('may only put and update items in the table, and never delete, read or scan', () => {
      const dynamo = statementsOf(ids.fnRole).filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
      assert.deepEqual(dynamo, [
        { Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [ids.table, 'Arn'] } },
      ]);
      for (const role of Object.values(resources('AWS::IAM::Role'))) assert.equal(role.Properties.ManagedPolicyArns, undefined);
    });
  });

  describe('storage and alerting', () => {
    test('keys the table by pk and sk, expires heartbeats through TTL and keeps point-in-time recovery', () => {
      const table = only('AWS::DynamoDB::GlobalTable');
      assert.deepEqual(table.KeySchema, [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      assert.equal(table.BillingMode, 'PAY_PER_REQUEST');
      assert.deepEqual(table.TimeToLiveSpecification, { AttributeName: 'expiresAt', Enabled: true });
      assert.deepEqual(table.Replicas[0].PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
    });

    test('keeps missed runs encrypted for 14 days', () => {
      const queue = only('AWS::SQS::Queue');
      assert.equal(queue.SqsManagedSseEnabled, true);
      assert.equal(queue.MessageRetentionPeriod, 14 * 24 * 3600);
    });

    const alarmNamed = (prefix: string) => resources('AWS::CloudWatch::Alarm')[logicalId(prefix, 'AWS::CloudWatch::Alarm')].Properties;

    test('alarms as soon as one missed run is waiting in the queue', () => {
      const alarm = alarmNamed('MissedRunsAlarm');
      assert.equal(alarm.Namespace, 'AWS/SQS');
      assert.equal(alarm.Statistic, 'Maximum');
      assert.equal(alarm.Period, 60);
      assert.equal(alarm.MetricName, 'ApproximateNumberOfMessagesVisible');
      assert.deepEqual(alarm.Dimensions, [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.queue, 'QueueName'] } }]);
      assert.equal(alarm.Threshold, 1);
      assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
      assert.equal(alarm.TreatMissingData, 'notBreaching');
    });

    test('alarms on any failed run and on 15 minutes without a single invocation', () => {
      const errors = alarmNamed('HeartbeatErrorsAlarm');
      assert.deepEqual(
        [errors.MetricName, errors.Statistic, errors.Period, errors.Threshold, errors.ComparisonOperator, errors.TreatMissingData],
        ['Errors', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold', 'notBreaching'],
      );
      const silent = alarmNamed('HeartbeatSilentAlarm');
      // No data at all is the failure this alarm exists for, so missing data must breach.
      assert.deepEqual(
        [silent.MetricName, silent.Statistic, silent.Period, silent.Threshold, silent.ComparisonOperator, silent.TreatMissingData],
        ['Invocations', 'Sum', 900, 1, 'LessThanThreshold', 'breaching'],
      );
      for (const alarm of [errors, silent]) {
        assert.deepEqual(alarm.Dimensions, [{ Name: 'FunctionName', Value: { Ref: ids.fn } }]);
      }
      // Three runs are due in any 15 minutes, so one late run does not raise it.
      assert.ok(silent.Period >= 3 * 300);
    });

    test('sends every alarm to one alarm topic, e-mailed only when alarmEmail is set', () => {
      const topic = logicalId('AlarmTopic', 'AWS::SNS::Topic');
      const alarms = Object.values(resources('AWS::CloudWatch::Alarm'));
      assert.equal(alarms.length, 3);
      for (const alarm of alarms) assert.deepEqual(alarm.Properties.AlarmActions, [{ Ref: topic }]);
      template.resourceCountIs('AWS::SNS::Subscription', 0);
      const withEmail = Template.fromStack(new TheScheduledLambdaStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
      withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new TheScheduledLambdaStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const [pack, scope] of [stack, withEmail].flatMap((s) => [new AwsSolutionsChecks(), new ServerlessChecks()].map((p) => [p, s] as const))) {
      const report = pack.validateScope(scope);
      const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
    }
  });
});

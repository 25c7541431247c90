import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { InventoryWorkflowStack, LAMBDA_TRANSIENT_ERRORS, MAX_PAGES } from '../lib/anti-recursive-lambda-stack';
import { definitionOf } from './asl';
import { appFromCdkJson } from './cdk-app';

type Statement = { Action: string | string[]; Resource: unknown };

describe('InventoryWorkflowStack (the fix)', () => {
  let stack: InventoryWorkflowStack;
  let template: Template;

  before(() => {
    stack = new InventoryWorkflowStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
  });

  const definition = () => definitionOf(Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0] as never);

  test('loops over the pages with a Choice that follows the cursor and stops at the page cap', () => {
    const { StartAt, States } = definition();
    assert.equal(StartAt, 'Count page');
    assert.equal(States['Count page']!.Next, 'More pages?');
    const choice = States['More pages?'] as { Choices: { Condition: string; Next: string }[]; Default: string };
    assert.deepEqual(choice.Choices, [
      { Condition: `{% $exists($states.input.cursor) and $states.input.totals.pages >= ${MAX_PAGES} %}`, Next: 'Too many pages' },
      { Condition: '{% $exists($states.input.cursor) %}', Next: 'Count page' },
    ]);
    assert.equal(choice.Default, 'Inventory done');
    assert.equal(States['Too many pages']!.Type, 'Fail');
    assert.equal(States['Too many pages']!.Error, 'TooManyPages');
  });

  test('keeps every execution inside the 25,000-event history of a Standard workflow', () => {
    // About seven history events per page (five for the Lambda task, two for the Choice).
    assert.ok(MAX_PAGES * 7 < 25_000 * 0.6, 'the page cap leaves room for retries in the history');
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineType: 'STANDARD' });
  });

  test('retries transient Lambda errors up to three times with backoff, and nothing else', () => {
    const task = definition().States['Count page'] as { Retry: unknown[]; TimeoutSeconds: number };
    assert.deepEqual(task.Retry, [{ ErrorEquals: LAMBDA_TRANSIENT_ERRORS, IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' }]);
    assert.equal(task.TimeoutSeconds, 60);
  });

  test('lets the function list the archive and nothing more: no queue, no invoke, no write', () => {
    const roleId = Object.entries(template.findResources('AWS::IAM::Role')).find(([id]) => id.startsWith('CountPageRole'))![0];
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
    const actions = statements.flatMap((s) => [s.Action].flat()).sort();
    assert.deepEqual(actions, ['logs:CreateLogStream', 'logs:PutLogEvents', 's3:ListBucket', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    const bucket = Object.keys(template.findResources('AWS::S3::Bucket'))[0];
    assert.deepEqual(statements.find((s) => s.Action === 's3:ListBucket')!.Resource, { 'Fn::GetAtt': [bucket, 'Arn'] });
  });

  test("keeps Lambda's recursive loop detection on the function", () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Architectures: ['arm64'], RecursiveLoop: 'Terminate' });
    template.resourceCountIs('AWS::SQS::Queue', 0);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
  });

  test('runs each inventory for at most two hours, traced and logged', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
    assert.equal((definition() as unknown as { TimeoutSeconds: number }).TimeoutSeconds, 7200);
  });

  test('alarms on failed and timed-out inventories, notifying one alarm topic', () => {
    const topic = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topic.length, 1);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    assert.deepEqual(
      alarms.map((a) => [a.Namespace, a.MetricName, a.Statistic, a.Period, a.Threshold]).sort(),
      [
        ['AWS/States', 'ExecutionsFailed', 'Sum', 300, 1],
        ['AWS/States', 'ExecutionsTimedOut', 'Sum', 300, 1],
      ],
    );
    for (const alarm of alarms) assert.deepEqual(alarm.AlarmActions, [{ Ref: topic[0] }]);
    const withEmail = Template.fromStack(new InventoryWorkflowStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new InventoryWorkflowStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const scope of [stack, withEmail]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const open = pack.validateScope(scope).violations.map((v) => `${v.ruleName}: ${v.description}`);
        assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
      }
    }
  });
});

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { WaitStateAndCallbackStack } from '../lib/wait-state-and-callback-stack';
import { appFromCdkJson } from './cdk-app';
import { type Definition, definitionOf } from './definition';

const TOKEN = '{% $states.context.Task.Token %}';

describe('ApprovalFlow definition', () => {
  let template: Template;
  let flow: Definition;
  let states: Definition['States'];

  before(() => {
    template = Template.fromStack(new WaitStateAndCallbackStack(appFromCdkJson(), 'Under-Test'));
    flow = definitionOf(template);
    states = flow.States;
  });

  test('registers the request first, then notifies approvers, then waits for the decision', () => {
    assert.equal(flow.StartAt, 'Register request');
    assert.equal(states['Register request']!.Next, 'Notify approvers');
    assert.equal(states['Notify approvers']!.Next, 'Wait for decision');
    assert.equal(states['Wait for decision']!.Next, 'Decision');
  });

  test("stores the task token in the request's item with the waitForTaskToken integration pattern", () => {
    const wait = states['Wait for decision']!;
    assert.match(wait.Resource, /:states:::aws-sdk:dynamodb:updateItem\.waitForTaskToken$/);
    assert.deepEqual(wait.Arguments, {
      TableName: '<Ref:Approvals8537C562>',
      Key: { approvalId: { S: '{% $request.approvalId %}' } },
      UpdateExpression: 'SET taskToken = :token',
      // Only onto a request nobody has decided: the approval API takes the token off when it claims one.
      ConditionExpression: '#status = :pending',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':token': { S: TOKEN }, ':pending': { S: 'PENDING' } },
    });
  });

  test('puts the task token nowhere else: not in the notification, a function payload or the logs', () => {
    const holders = Object.entries(states).filter(([, state]) => JSON.stringify(state).includes('$states.context.Task'));
    assert.deepEqual(holders.map(([name]) => name), ['Wait for decision']);
    // The message is written by RegisterRequest before the token exists.
    assert.deepEqual(states['Notify approvers']!.Arguments, {
      TopicArn: '<Ref:ApproverTopicF946C21A>',
      Subject: '{% $request.notification.subject %}',
      Message: '{% $request.notification.message %}',
    });
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0]!;
    assert.equal(machine.Properties.LoggingConfiguration.IncludeExecutionData, false);
  });

  test('waits 24 hours for a person with a timeout and no heartbeat, or as long as the context says', () => {
    assert.equal(states['Wait for decision']!.TimeoutSeconds, 86_400);
    assert.equal(states['Wait for decision']!.HeartbeatSeconds, undefined);
    const short = definitionOf(Template.fromStack(new WaitStateAndCallbackStack(appFromCdkJson({ approvalTimeoutMinutes: 5 }), 'Short')));
    assert.equal(short.States['Wait for decision']!.TimeoutSeconds, 300);
    assert.match(short.States['Register request']!.Arguments.Payload.expiresAt, /\+ 300000\) %}$/);
    for (const bad of [0, 4, 10_081, 2.5, 'soon']) {
      assert.throws(() => new WaitStateAndCallbackStack(appFromCdkJson({ approvalTimeoutMinutes: bad }), `Bad${String(bad).replace('.', '')}`), /approvalTimeoutMinutes/);
    }
  });

  test('gives RegisterRequest a deadline computed from the same timeout the wait uses', () => {
    assert.deepEqual(states['Register request']!.Arguments.Payload, {
      approvalId: '{% $states.context.Execution.Name %}',
      startedAt: '{% $states.context.Execution.StartTime %}',
      expiresAt: '{% $fromMillis($toMillis($states.context.Execution.StartTime) + 86400000) %}',
      request: '{% $states.input %}',
    });
  });

  test('routes a timeout to Mark expired and every other error to Request failed, never retrying a timeout', () => {
    const wait = states['Wait for decision']!;
    assert.deepEqual(
      wait.Catch.map((c: { ErrorEquals: string[]; Next: string }) => [c.ErrorEquals, c.Next]),
      [
        [['States.Timeout'], 'Mark expired'],
        [['States.ALL'], 'Request failed'],
      ],
    );
    // States.TaskFailed matches everything but States.Timeout: an expired wait is never started again.
    assert.deepEqual(wait.Retry.map((r: { ErrorEquals: string[] }) => r.ErrorEquals), [['States.TaskFailed']]);
  });

  test('marks only a still-pending request expired and ends in the Request expired outcome either way', () => {
    const mark = states['Mark expired']!;
    assert.equal(mark.Arguments.ConditionExpression, '#status = :pending');
    assert.equal(mark.Arguments.UpdateExpression, 'SET #status = :expired REMOVE taskToken');
    assert.equal(mark.Next, 'Request expired');
    assert.deepEqual(mark.Catch[0], { ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], Next: 'Request expired' });
    assert.equal(states['Request expired']!.Type, 'Succeed');
    assert.equal(states['Request expired']!.Output.outcome, 'expired');
  });

  test('routes approve to Grant access, reject to Request rejected and anything else to a Fail state', () => {
    const choice = states.Decision!;
    assert.equal(choice.Type, 'Choice');
    assert.deepEqual(
      choice.Choices.map((c: { Condition: string; Next: string }) => [c.Condition, c.Next]),
      [
        ["{% $states.input.decision = 'approve' %}", 'Grant access'],
        ["{% $states.input.decision = 'reject' %}", 'Request rejected'],
      ],
    );
    assert.equal(choice.Default, 'Unknown decision');
    assert.equal(states['Request rejected']!.Type, 'Succeed');
    assert.equal(states['Unknown decision']!.Type, 'Fail');
  });

  test('holds access open with a Wait state for the approved minutes, then revokes it', () => {
    const grant = states['Grant access']!;
    assert.equal(grant.Arguments.ConditionExpression, '#status = :approved');
    assert.equal(grant.Next, 'Access window');
    assert.deepEqual(states['Access window'], {
      Type: 'Wait',
      Comment: 'Keeps access open for the approved number of minutes.',
      Seconds: '{% $request.durationMinutes * 60 %}',
      Next: 'Revoke access',
    });
    const revoke = states['Revoke access']!;
    assert.equal(revoke.Arguments.UpdateExpression, 'SET #status = :revoked, revokedAt = :at');
    assert.equal(revoke.Next, 'Access revoked');
    assert.deepEqual(revoke.Retry, [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 5, MaxAttempts: 6, BackoffRate: 2, JitterStrategy: 'FULL' }]);
    assert.deepEqual(revoke.Catch, [{ ErrorEquals: ['States.ALL'], Next: 'Revoke failed' }]);
    assert.equal(states['Revoke failed']!.Error, 'RevokeFailed');
  });

  test('retries only transient Lambda errors on Register request, so a bad request fails at once', () => {
    const register = states['Register request']!;
    assert.deepEqual(register.Retry.map((r: { ErrorEquals: string[] }) => r.ErrorEquals), [
      ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'],
    ]);
    assert.deepEqual(register.Catch, [{ ErrorEquals: ['States.ALL'], Next: 'Request failed', Output: '{% $states.errorOutput %}' }]);
  });

  test('retries DynamoDB throttling and server errors on Grant access and Mark expired under either spelling of their names', () => {
    const names = ['ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'RequestLimitExceededException', 'ThrottlingException', 'InternalServerError', 'InternalServerErrorException'];
    for (const name of ['Grant access', 'Mark expired']) {
      const retried: string[] = states[name]!.Retry[0].ErrorEquals;
      assert.deepEqual([...retried].sort(), names.map((n) => `DynamoDB.${n}`).sort(), name);
    }
  });

  test('runs as a Standard JSONata workflow whose timeout outlasts the longest wait and access window', () => {
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0]!;
    assert.equal(machine.Properties.StateMachineType, 'STANDARD');
    assert.equal(machine.Properties.TracingConfiguration.Enabled, true);
    assert.equal(machine.Properties.LoggingConfiguration.Level, 'ALL');
    // 24 h of waiting + 8 h of access + 1 h of headroom.
    assert.equal((flow as unknown as { TimeoutSeconds: number }).TimeoutSeconds, 86_400 + 480 * 60 + 3_600);
    assert.equal((flow as unknown as { QueryLanguage: string }).QueryLanguage, 'JSONata');
  });
});

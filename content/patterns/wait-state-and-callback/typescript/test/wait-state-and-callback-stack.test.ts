import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { WaitStateAndCallbackStack } from '../lib/wait-state-and-callback-stack';
import { appFromCdkJson } from './cdk-app';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

describe('WaitStateAndCallbackStack', () => {
  let stack: WaitStateAndCallbackStack;
  let template: Template;
  const logicalId = (type: string, prefix: string) => {
    const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
    assert.equal(ids.length, 1, `one ${type} starting with ${prefix}`);
    return ids[0]!;
  };
  /** Every IAM statement in the stack, keyed by the policy's logical id. */
  const statements = () =>
    Object.entries({ ...template.findResources('AWS::IAM::Policy'), ...template.findResources('AWS::IAM::ManagedPolicy') }).flatMap(([id, p]) =>
      (p.Properties.PolicyDocument.Statement as Statement[]).map((s) => ({ policy: id, actions: [s.Action].flat(), resource: s.Resource })),
    );

  before(() => {
    stack = new WaitStateAndCallbackStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
  });

  test('lets only the Decide function send task results, and only SendTaskSuccess on this workflow', () => {
    const senders = statements().filter((s) => s.actions.some((a) => /^states:(SendTask|\*)/.test(a) || a === '*'));
    assert.deepEqual(senders, [
      { policy: logicalId('AWS::IAM::Policy', 'DecideRole'), actions: ['states:SendTaskSuccess'], resource: { Ref: logicalId('AWS::StepFunctions::StateMachine', 'ApprovalFlow') } },
    ]);
  });

  test('gives RegisterRequest PutItem and Decide UpdateItem on the table, and the workflow UpdateItem for its token and states', () => {
    const table = logicalId('AWS::DynamoDB::GlobalTable', 'Approvals');
    const dynamo = statements()
      .filter((s) => s.actions.some((a) => a.startsWith('dynamodb:')))
      .map((s) => [s.policy.replace(/[0-9A-F]{8}$/, ''), s.actions]);
    assert.deepEqual(dynamo.sort(), [
      ['ApprovalFlowRoleDefaultPolicy', ['dynamodb:UpdateItem']],
      ['DecideRoleDefaultPolicy', ['dynamodb:UpdateItem']],
      ['RegisterRequestRoleDefaultPolicy', ['dynamodb:PutItem']],
    ]);
    for (const s of statements().filter((x) => x.actions.some((a) => a.startsWith('dynamodb:')))) {
      assert.match(JSON.stringify(s.resource), new RegExp(table));
    }
  });

  test('lets the workflow invoke RegisterRequest and publish to the approver topic, and nothing else beyond logs and traces', () => {
    const workflow = logicalId('AWS::IAM::Policy', 'ApprovalFlowRole');
    const actions = statements()
      .filter((s) => s.policy === workflow)
      .flatMap((s) => s.actions)
      .filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'));
    assert.deepEqual(actions.sort(), ['dynamodb:UpdateItem', 'lambda:InvokeFunction', 'sns:Publish']);
    const publish = statements().find((s) => s.policy === workflow && s.actions.includes('sns:Publish'))!;
    assert.deepEqual(publish.resource, { Ref: logicalId('AWS::SNS::Topic', 'ApproverTopic') });
  });

  test('demands SigV4 on the one approval route and throttles the stage', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    assert.deepEqual(routes.map((r) => [r.RouteKey, r.AuthorizationType]), [['POST /approvals/{approvalId}', 'AWS_IAM']]);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
      AccessLogSettings: Match.objectLike({ Format: Match.stringLikeRegexp('identity.userArn') }),
    });
  });

  test('offers an approver policy that may only POST to /approvals on this API', () => {
    const api = logicalId('AWS::ApiGatewayV2::Api', 'ApprovalApi');
    const policy = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))[0]!.Properties.PolicyDocument.Statement as Statement[];
    assert.equal(policy.length, 1);
    assert.equal(policy[0]!.Action, 'execute-api:Invoke');
    const arn = (policy[0]!.Resource as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    assert.deepEqual(arn.slice(-2), [{ Ref: api }, '/*/POST/approvals/*']);
  });

  test('encrypts the approver topic and subscribes an approver only when asked', () => {
    const topic = template.findResources('AWS::SNS::Topic')[logicalId('AWS::SNS::Topic', 'ApproverTopic')]!.Properties;
    assert.equal(topic.KmsMasterKeyId['Fn::Join'][1].at(-1), ':alias/aws/sns');
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withApprover = Template.fromStack(new WaitStateAndCallbackStack(appFromCdkJson({ approverEmail: 'lead@example.com' }), 'With-Approver'));
    withApprover.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'lead@example.com',
      TopicArn: { Ref: Match.stringLikeRegexp('^ApproverTopic') },
    });
  });

  test('alarms on failed and timed-out executions, API 5xx and Decide errors, notifying one alarm topic', () => {
    const topic = logicalId('AWS::SNS::Topic', 'AlarmTopic');
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    assert.deepEqual(
      alarms.map((a) => [a.Namespace, a.MetricName, a.Statistic, a.Period, a.Threshold, a.ComparisonOperator]).sort(),
      [
        ['AWS/ApiGateway', '5xx', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold'],
        ['AWS/Lambda', 'Errors', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold'],
        ['AWS/States', 'ExecutionsFailed', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold'],
        ['AWS/States', 'ExecutionsTimedOut', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold'],
      ],
    );
    for (const alarm of alarms) assert.deepEqual(alarm.AlarmActions, [{ Ref: topic }]);
    const lambdaAlarm = alarms.find((a) => a.Namespace === 'AWS/Lambda')!;
    assert.deepEqual(lambdaAlarm.Dimensions, [{ Name: 'FunctionName', Value: { Ref: logicalId('AWS::Lambda::Function', 'Decide') } }]);
    const withEmail = Template.fromStack(new WaitStateAndCallbackStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: Match.stringLikeRegexp('^AlarmTopic') } });
  });

  test('runs both functions on Node.js 24 arm64 with tracing, their own log groups and no managed policy', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).map((f) => f.Properties);
    assert.equal(functions.length, 2);
    for (const fn of functions) {
      assert.equal(fn.Runtime, 'nodejs24.x');
      assert.deepEqual(fn.Architectures, ['arm64']);
      assert.deepEqual(fn.TracingConfig, { Mode: 'Active' });
      assert.ok(fn.LoggingConfig.LogGroup);
    }
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) assert.equal(role.Properties.ManagedPolicyArns, undefined);
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmails = new WaitStateAndCallbackStack(appFromCdkJson({ alarmEmail: 'ops@example.com', approverEmail: 'lead@example.com' }), 'Nag-With-Emails');
    for (const scope of [stack, withEmails]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const report = pack.validateScope(scope);
        assert.deepEqual(report.violations.map((v) => `${v.ruleName}: ${v.description}`), [], `${pack.name} has unacknowledged findings`);
      }
    }
  });
});

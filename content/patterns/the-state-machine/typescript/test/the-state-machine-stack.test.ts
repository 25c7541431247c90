import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { appFromCdkJson } from './cdk-app';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { LAMBDA_TRANSIENT_ERRORS, TheStateMachineStack } from '../lib/the-state-machine-stack';

/** Turns the Fn::Join'ed definition back into ASL, writing each token as a readable placeholder. */
function aslOf(template: Template): any {
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const parts: unknown[] = machine.Properties.DefinitionString['Fn::Join'][1];
  const text = parts
    .map((part: any) => {
      if (typeof part === 'string') return part;
      if (part['Fn::GetAtt']) return `<${part['Fn::GetAtt'][0]}.${part['Fn::GetAtt'][1]}>`;
      if (part.Ref) return `<${part.Ref}>`;
      throw new Error(`unexpected token ${JSON.stringify(part)}`);
    })
    .join('');
  return JSON.parse(text);
}

function statementsOfRole(template: Template, rolePrefix: string): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => p.Properties.Roles.some((r: any) => r.Ref.startsWith(rolePrefix)))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('TheStateMachineStack', () => {
  let stack: TheStateMachineStack;
  let template: Template;
  let asl: any;

  before(() => {
    stack = new TheStateMachineStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
    asl = aslOf(template);
  });

  test('runs an Express workflow with JSONata, tracing, full logging and a timeout under the API limit', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'EXPRESS',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
    });
    assert.equal(asl.QueryLanguage, 'JSONata');
    assert.ok(asl.TimeoutSeconds < 30, 'the workflow must end before the HTTP API gives up at 30 s');
  });

  test('has exactly the order states, starting with validation', () => {
    assert.equal(asl.StartAt, 'Validate order');
    const types = Object.fromEntries(Object.entries(asl.States).map(([name, s]: [string, any]) => [name, s.Type]));
    assert.deepEqual(types, {
      'Validate order': 'Task',
      'Route order': 'Choice',
      'Order rejected': 'Fail',
      'Plan delivery': 'Task',
      'Plan pickup': 'Task',
      'Order accepted': 'Succeed',
      'Order failed': 'Fail',
    });
    assert.equal(asl.States['Validate order'].Next, 'Route order');
    assert.equal(asl.States['Plan delivery'].Next, 'Order accepted');
    assert.equal(asl.States['Plan pickup'].Next, 'Order accepted');
  });

  test('calls each function through the lambda:invoke integration and keeps only its payload', () => {
    const expected: Record<string, string> = {
      'Validate order': 'OrderValidator',
      'Plan delivery': 'DeliveryPlanner',
      'Plan pickup': 'PickupPlanner',
    };
    for (const [state, fn] of Object.entries(expected)) {
      const task = asl.States[state];
      assert.match(task.Resource, /:states:::lambda:invoke$/);
      assert.match(task.Arguments.FunctionName, new RegExp(`^<${fn}[0-9A-F]{8}\\.Arn>$`));
      assert.equal(task.Output, '{% $states.result.Payload %}');
    }
  });

  test('routes invalid orders to the Fail state and valid ones by fulfilment, in that order', () => {
    const choice = asl.States['Route order'];
    assert.deepEqual(
      choice.Choices.map((c: any) => [c.Condition, c.Next]),
      [
        ['{% $states.input.valid = false %}', 'Order rejected'],
        ["{% $states.input.order.fulfilment = 'delivery' %}", 'Plan delivery'],
        ["{% $states.input.order.fulfilment = 'pickup' %}", 'Plan pickup'],
      ],
    );
    assert.equal(choice.Default, 'Order rejected');
    // The branches get the validated order, not the whole validation envelope.
    assert.equal(choice.Choices[1].Output, '{% $states.input.order %}');
    assert.equal(choice.Choices[2].Output, '{% $states.input.order %}');
    assert.equal(asl.States['Order rejected'].Error, 'OrderRejected');
    assert.match(asl.States['Order rejected'].Cause, /\$join\(\$states\.input\.reasons/);
  });

  test('retries only transient Lambda errors, briefly, and catches everything else into Order failed', () => {
    for (const state of ['Validate order', 'Plan delivery', 'Plan pickup']) {
      const task = asl.States[state];
      assert.deepEqual(task.Retry, [
        { ErrorEquals: LAMBDA_TRANSIENT_ERRORS, IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2, JitterStrategy: 'FULL' },
      ]);
      assert.deepEqual(task.Catch, [{ ErrorEquals: ['States.ALL'], Next: 'Order failed', Output: '{% $states.errorOutput %}' }]);
      assert.equal(task.TimeoutSeconds, 5);
    }
    assert.deepEqual(asl.States['Order failed'], { Type: 'Fail', Error: '{% $states.input.Error %}', Cause: '{% $states.input.Cause %}' });
  });

  test('fits the worst case of one task with all its retries inside the workflow timeout', () => {
    for (const state of ['Validate order', 'Plan delivery', 'Plan pickup']) {
      const { TimeoutSeconds, Retry } = asl.States[state];
      const [{ MaxAttempts, IntervalSeconds, BackoffRate }] = Retry;
      let worst = TimeoutSeconds * (MaxAttempts + 1);
      for (let i = 0; i < MaxAttempts; i++) worst += IntervalSeconds * BackoffRate ** i;
      assert.ok(worst < asl.TimeoutSeconds, `${state} could take ${worst} s`);
    }
  });

  test('starts the workflow synchronously from POST /orders with the request body as input', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /orders' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationSubtype: 'StepFunctions-StartSyncExecution',
      RequestParameters: { StateMachineArn: { Ref: Match.stringLikeRegexp('^OrderFlow') }, Input: '$request.body' },
      CredentialsArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('InvokeRole'), 'Arn'] },
    });
  });

  test('lets the API role start this one state machine and do nothing else', () => {
    const roles = template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })] } },
    });
    const [roleId, ...others] = Object.keys(roles);
    assert.equal(others.length, 0);
    assert.equal(roles[roleId].Properties.ManagedPolicyArns, undefined);
    const statements = statementsOfRole(template, roleId);
    assert.deepEqual(
      statements.map(({ Action, Effect, Resource }) => ({ Action, Effect, Resource })),
      [{ Action: 'states:StartSyncExecution', Effect: 'Allow', Resource: { Ref: Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))[0] } }],
    );
  });

  test('lets the workflow invoke its three functions and no other Lambda', () => {
    const invoked = statementsOfRole(template, 'OrderFlowRole')
      .filter((s) => [s.Action].flat().some((a: string) => a.startsWith('lambda:')))
      .flatMap((s) => {
        assert.equal(s.Action, 'lambda:InvokeFunction');
        // With minimized policies the function ARNs and their version wildcards share one statement.
        return [s.Resource]
          .flat()
          .map((r: any) => JSON.stringify(r).match(/"([A-Za-z]+)[0-9A-F]{8}","Arn"/)?.[1])
          .filter(Boolean);
      });
    assert.deepEqual([...new Set(invoked)].sort(), ['DeliveryPlanner', 'OrderValidator', 'PickupPlanner']);
    assert.equal(invoked.length, 6, 'each function and its versions, nothing else');
  });

  test('gives each function a role that can only log and trace', () => {
    for (const fn of ['OrderValidator', 'DeliveryPlanner', 'PickupPlanner']) {
      const actions = statementsOfRole(template, `${fn}Role`).flatMap((s) => [s.Action].flat()).sort();
      assert.deepEqual(actions, ['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    }
    const withManagedPolicies = template.findResources('AWS::IAM::Role', { Properties: { ManagedPolicyArns: Match.anyValue() } });
    assert.deepEqual(Object.keys(withManagedPolicies), []);
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } }, 3);
  });

  test('throttles and logs the default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingBurstLimit: 20, ThrottlingRateLimit: 50 },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  test('alarms the one alarm topic on orders that end in Order failed or time out, not on rejections', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    const [filter] = Object.values(template.findResources('AWS::Logs::MetricFilter'));
    assert.equal(filter.Properties.FilterPattern, '{ ($.type = "FailStateEntered") && ($.details.name = "Order failed") }');
    assert.equal(asl.States['Order failed'].Type, 'Fail');
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties);
    assert.deepEqual(alarms.map((a) => a.MetricName).sort(), ['ExecutionsTimedOut', 'OrdersFailed']);
    for (const alarm of alarms) {
      assert.deepEqual(alarm.AlarmActions, [{ Ref: topics[0] }]);
      assert.equal(alarm.Threshold, 1);
    }
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const mailed = Template.fromStack(new TheStateMachineStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Mailed'));
    mailed.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new TheStateMachineStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const [pack, scope] of [stack, withEmail].flatMap((s) => [new AwsSolutionsChecks(), new ServerlessChecks()].map((p) => [p, s] as const))) {
      const report = pack.validateScope(scope);
      const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings in ${scope.node.id}`);
    }
  });
});

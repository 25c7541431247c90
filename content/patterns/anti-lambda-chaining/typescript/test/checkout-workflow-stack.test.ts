import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { CheckoutWorkflowStack, LAMBDA_TRANSIENT_ERRORS } from '../lib/anti-lambda-chaining-stack';
import { appFromCdkJson } from './cdk-app';
import { type Definition, definitionOf, reachable } from './definition';

type Statement = { Action: string | string[]; Resource: unknown };

describe('CheckoutWorkflowStack (the fix)', () => {
  let stack: CheckoutWorkflowStack;
  let template: Template;
  let definition: Definition;
  const logicalId = (type: string, prefix: string) => Object.keys(template.findResources(type)).find((id) => id.startsWith(prefix))!;
  const statementsOf = (rolePrefix: string): Statement[] =>
    Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith(rolePrefix)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  const actionsOf = (s: Statement) => [s.Action].flat();

  before(() => {
    stack = new CheckoutWorkflowStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
    definition = definitionOf(template);
  });

  test('lets no function invoke another: only the workflow role may invoke, and only PriceOrder and ChargePayment', () => {
    const roles = Object.keys(template.findResources('AWS::IAM::Role'));
    const invokers = roles.filter((role) => statementsOf(role).some((s) => actionsOf(s).some((a) => a.startsWith('lambda:'))));
    assert.deepEqual(invokers.map((r) => r.replace(/[0-9A-F]{8}$/, '')), ['CheckoutWorkflowRole']);
    const invoke = statementsOf(invokers[0]!).filter((s) => actionsOf(s).includes('lambda:InvokeFunction'));
    const targets = invoke.flatMap((s) => [s.Resource].flat()).map((r) => JSON.stringify(r)).join(' ');
    for (const fn of ['PriceOrder', 'ChargePayment']) assert.match(targets, new RegExp(logicalId('AWS::Lambda::Function', fn)));
    assert.equal(Object.keys(template.findResources('AWS::Lambda::Function')).length, 2);
  });

  test('gives ChargePayment nothing but PutItem on Payments, and the workflow nothing but PutItem on Orders', () => {
    const dynamo = (role: string) =>
      statementsOf(role)
        .filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')))
        .map((s) => [s.Action, s.Resource]);
    assert.deepEqual(dynamo('ChargePaymentRole'), [['dynamodb:PutItem', { 'Fn::GetAtt': [logicalId('AWS::DynamoDB::GlobalTable', 'Payments'), 'Arn'] }]]);
    // The Step Functions integration builds the table ARN from the table's name.
    const ordersArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':table/', { Ref: logicalId('AWS::DynamoDB::GlobalTable', 'Orders') }]] };
    assert.deepEqual(dynamo('CheckoutWorkflowRole'), [['dynamodb:PutItem', ordersArn]]);
    assert.deepEqual(dynamo('PriceOrderRole'), []);
  });

  test('retries each step on its own terms and sends what is left to Checkout failed', () => {
    const price = definition.States['Price order']!;
    const charge = definition.States['Charge payment']!;
    const save = definition.States['Save order']!;
    assert.deepEqual(price.Retry, [{ ErrorEquals: LAMBDA_TRANSIENT_ERRORS, IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2, JitterStrategy: 'FULL' }]);
    assert.deepEqual(charge.Retry, [
      { ErrorEquals: [...LAMBDA_TRANSIENT_ERRORS, 'States.TaskFailed', 'States.Timeout'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' },
    ]);
    assert.deepEqual(save.Retry, [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 1, MaxAttempts: 4, BackoffRate: 2, JitterStrategy: 'FULL' }]);
    for (const step of [price, charge, save]) assert.deepEqual(step.Catch?.map((c) => [c.ErrorEquals, c.Next]), [[['States.ALL'], 'Checkout failed']]);
    assert.equal(price.TimeoutSeconds, 5);
    assert.equal(charge.TimeoutSeconds, 15);
    assert.equal(definition.TimeoutSeconds, 120);
  });

  test('charges only priced orders and saves only approved charges, with a direct DynamoDB PutItem', () => {
    assert.equal(definition.StartAt, 'Price order');
    assert.deepEqual(definition.States['Priced?']!.Choices, [{ Condition: '{% $states.input.valid = false %}', Next: 'Order rejected' }]);
    assert.equal(definition.States['Priced?']!.Default, 'Charge payment');
    assert.deepEqual(definition.States['Approved?']!.Choices, [{ Condition: "{% $states.input.status = 'declined' %}", Next: 'Payment declined' }]);
    assert.equal(definition.States['Approved?']!.Default, 'Save order');
    for (const end of ['Order rejected', 'Payment declined']) {
      assert.equal(definition.States[end]!.Type, 'Succeed');
      assert.ok(!reachable(definition, end).has('Save order'));
    }
    const save = definition.States['Save order']!;
    assert.match(save.Resource!, /:states:::dynamodb:putItem$/);
    assert.equal((save.Arguments as { TableName: string }).TableName, `<${logicalId('AWS::DynamoDB::GlobalTable', 'Orders')}>`);
    assert.deepEqual(definition.States['Charge payment']!.Arguments!.Payload, {
      orderId: '{% $order.orderId %}',
      amountCents: '{% $order.totalCents %}',
      cardToken: '{% $order.cardToken %}',
    });
  });

  test('runs an Express workflow that logs every state change without execution data, and traces', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'EXPRESS',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false, Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [logicalId('AWS::Logs::LogGroup', 'CheckoutWorkflowLogs'), 'Arn'] } } }] },
    });
  });

  test('alarms on failed and timed-out executions, notifying one alarm topic', () => {
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
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new CheckoutWorkflowStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      const open = pack.validateScope(stack).violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
    }
  });
});

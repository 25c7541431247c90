import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { JOIN, REJECT_SCORE, REVIEW_SCORE, TRANSIENT_DYNAMODB_ERRORS, UNAVAILABLE_LAMBDA_ERRORS } from '../lib/order-check-definition';
import { DEGRADED_STATES, ParallelExecutionStack } from '../lib/parallel-execution-stack';
import { type Asl, aslOf } from './asl';
import { appFromCdkJson } from './cdk-app';

function statementsOfRole(template: Template, rolePrefix: string): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => p.Properties.Roles.some((r: any) => r.Ref.startsWith(rolePrefix)))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

/** The longest a task can take with every attempt timing out and every retry waiting its full, unjittered delay. */
function worstCaseSeconds(task: Asl): number {
  const [retry] = task.Retry;
  let total = task.TimeoutSeconds * (retry.MaxAttempts + 1);
  for (let i = 0; i < retry.MaxAttempts; i++) total += Math.min(retry.IntervalSeconds * retry.BackoffRate ** i, retry.MaxDelaySeconds ?? Infinity);
  return total;
}

describe('ParallelExecutionStack', () => {
  let stack: ParallelExecutionStack;
  let template: Template;
  let asl: Asl;
  let parallel: Asl;
  const branchState = (state: string) => parallel.Branches.find((b: Asl) => b.States[state]).States[state];

  before(() => {
    stack = new ParallelExecutionStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
    asl = aslOf(template);
    parallel = asl.States['Check order'];
  });

  test('runs an Express workflow in JSONata with tracing, full logging and a 15-second timeout', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'EXPRESS',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({
        Level: 'ALL',
        IncludeExecutionData: true,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrderCheckLogs'), 'Arn'] } } }],
      }),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30, LogGroupName: '/aws/vendedlogs/states/Under-Test-OrderCheck' });
    assert.equal(asl.QueryLanguage, 'JSONata');
    assert.equal(asl.TimeoutSeconds, 15);
  });

  test('forks the order into fraud, stock and shipping branches and joins their results by name', () => {
    assert.equal(asl.StartAt, 'Check order');
    assert.equal(parallel.Type, 'Parallel');
    assert.deepEqual(
      parallel.Branches.map((b: Asl) => [b.StartAt, Object.keys(b.States).sort()]),
      [
        ['Score fraud', ['Fraud score unavailable', 'Score fraud']],
        ['Check stock', ['Check stock']],
        ['Quote shipping', ['Quote shipping', 'Shipping quote unavailable']],
      ],
    );
    // The join names result[i] after branch i; the order above is what makes it right.
    assert.equal(parallel.Output, JOIN);
    assert.equal(JOIN, "{% {'orderId': $states.input.orderId, 'fraud': $states.result[0], 'stock': $states.result[1], 'shipping': $states.result[2]} %}");
    assert.equal(parallel.Next, 'Decide');
    assert.deepEqual(Object.keys(asl.States).sort(), ['Check order', 'Decide', 'Order approved', 'Order held for review', 'Order rejected']);
  });

  test('calls the two functions through lambda:invoke and reads stock with a direct GetItem', () => {
    for (const [state, fn] of [['Score fraud', 'FraudScorer'], ['Quote shipping', 'ShippingQuoter']]) {
      const task = branchState(state);
      assert.match(task.Resource, /:states:::lambda:invoke$/);
      assert.match(task.Arguments.FunctionName, new RegExp(`^<${fn}[0-9A-F]{8}\\.Arn>$`));
      assert.equal(task.Arguments.Payload, '{% $states.input %}');
      assert.equal(task.Output, '{% $states.result.Payload %}');
    }
    const stock = branchState('Check stock');
    assert.match(stock.Resource, /:states:::dynamodb:getItem$/);
    assert.match(stock.Arguments.TableName, /^<Stock[0-9A-F]{8}>$/);
    assert.deepEqual(stock.Arguments.Key, { sku: { S: '{% $states.input.sku %}' } });
    assert.equal(stock.Arguments.ConsistentRead, false);
  });

  test('retries each branch on its own transient errors with exponential backoff and full jitter', () => {
    const lambdaRetry = { ErrorEquals: UNAVAILABLE_LAMBDA_ERRORS, IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2, JitterStrategy: 'FULL' };
    assert.deepEqual(branchState('Score fraud').Retry, [lambdaRetry]);
    assert.deepEqual(branchState('Quote shipping').Retry, [lambdaRetry]);
    assert.deepEqual(branchState('Check stock').Retry, [
      { ErrorEquals: TRANSIENT_DYNAMODB_ERRORS, IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2, MaxDelaySeconds: 2, JitterStrategy: 'FULL' },
    ]);
    assert.ok(UNAVAILABLE_LAMBDA_ERRORS.includes('Lambda.TooManyRequestsException') && UNAVAILABLE_LAMBDA_ERRORS.includes('States.Timeout'));
    assert.ok(TRANSIENT_DYNAMODB_ERRORS.includes('DynamoDB.ProvisionedThroughputExceededException'));
    // The DynamoDB integration's error names are not documented: both spellings of the two unsuffixed API errors.
    for (const name of ['InternalServerError', 'InternalServerErrorException', 'RequestLimitExceeded', 'RequestLimitExceededException']) {
      assert.ok(TRANSIENT_DYNAMODB_ERRORS.includes(`DynamoDB.${name}`), name);
    }
    assert.deepEqual(
      ['Score fraud', 'Check stock', 'Quote shipping'].map((s) => branchState(s).TimeoutSeconds),
      [3, 1, 3],
    );
  });

  test('turns an unavailable fraud scorer or shipping quoter into an UNAVAILABLE result instead of a failure', () => {
    for (const [state, fallback] of [['Score fraud', 'Fraud score unavailable'], ['Quote shipping', 'Shipping quote unavailable']]) {
      assert.deepEqual(branchState(state).Catch, [{ ErrorEquals: UNAVAILABLE_LAMBDA_ERRORS, Next: fallback, Output: '{% $states.errorOutput %}' }]);
      assert.deepEqual(branchState(fallback), {
        Type: 'Pass',
        QueryLanguage: 'JSONata',
        Output: "{% {'status': 'UNAVAILABLE', 'error': $states.input.Error} %}",
        End: true,
      });
    }
    assert.deepEqual(DEGRADED_STATES, ['Fraud score unavailable', 'Shipping quote unavailable']);
  });

  test('lets a failed stock read, an invalid order or a bug fail the whole Parallel state', () => {
    // No Catch on the stock branch, none on the Parallel state, and no Retry there that would rerun finished branches.
    assert.equal(branchState('Check stock').Catch, undefined);
    assert.equal(parallel.Catch, undefined);
    assert.equal(parallel.Retry, undefined);
    // The catchers name unavailability only: InvalidOrder and any other function error are not caught anywhere.
    const caught = parallel.Branches.flatMap((b: Asl) => Object.values(b.States).flatMap((s: Asl) => (s.Catch ?? []).flatMap((c: Asl) => c.ErrorEquals)));
    assert.ok(!caught.includes('States.ALL') && !caught.includes('States.TaskFailed') && !caught.includes('InvalidOrder'));
  });

  test('fits the slowest branch with all its retries inside the execution timeout', () => {
    const worst = ['Score fraud', 'Check stock', 'Quote shipping'].map((s) => worstCaseSeconds(branchState(s)));
    assert.deepEqual(worst, [12, 9, 12]);
    assert.ok(Math.max(...worst) < asl.TimeoutSeconds);
  });

  test('decides on the joined result: rejections first, then review, otherwise approval', () => {
    const decide = asl.States.Decide;
    assert.deepEqual(
      decide.Choices.map((c: Asl) => [c.Condition, c.Next]),
      [
        ["{% $states.input.stock.status = 'SHORT' %}", 'Order rejected'],
        ["{% $states.input.shipping.status = 'NO_ROUTE' %}", 'Order rejected'],
        [`{% $states.input.fraud.status = 'SCORED' and $states.input.fraud.score >= ${REJECT_SCORE} %}`, 'Order rejected'],
        [
          `{% $states.input.fraud.status = 'UNAVAILABLE' or $states.input.shipping.status = 'UNAVAILABLE' or $states.input.fraud.score >= ${REVIEW_SCORE} %}`,
          'Order held for review',
        ],
      ],
    );
    assert.equal(decide.Default, 'Order approved');
    assert.deepEqual([REJECT_SCORE, REVIEW_SCORE], [70, 40]);
    for (const [state, decision] of [['Order approved', 'APPROVED'], ['Order rejected', 'REJECTED'], ['Order held for review', 'REVIEW']]) {
      assert.equal(asl.States[state].Type, 'Succeed');
      assert.match(asl.States[state].Output, new RegExp(`'decision': '${decision}'`));
    }
  });

  test('lets the workflow invoke its two functions, read only the Stock table, and nothing else', () => {
    const statements = statementsOfRole(template, 'OrderCheckRole');
    const invoke = statements.filter((s) => [s.Action].flat().some((a: string) => a.startsWith('lambda:')));
    assert.equal(invoke.length, 1);
    assert.equal(invoke[0].Action, 'lambda:InvokeFunction');
    const targets = [invoke[0].Resource].flat().map((r: any) => JSON.stringify(r).match(/"([A-Za-z]+)[0-9A-F]{8}","Arn"/)?.[1]);
    assert.deepEqual(targets.sort(), ['FraudScorer', 'FraudScorer', 'ShippingQuoter', 'ShippingQuoter'], 'each function and its versions');

    const dynamo = statements.filter((s) => [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')));
    assert.deepEqual(dynamo.map((s) => s.Action), ['dynamodb:GetItem']);
    const stockTable = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'))[0];
    assert.deepEqual(dynamo[0].Resource['Fn::Join'][1].at(-1), { Ref: stockTable });

    // Everything else the role may do is log delivery and tracing, which take no narrower resource.
    const rest = statements.filter((s) => !invoke.includes(s) && !dynamo.includes(s));
    for (const s of rest) {
      assert.equal(s.Resource, '*');
      for (const action of [s.Action].flat()) assert.match(action, /^(logs:(Create|Delete|Describe|Get|List|Put|Update)[A-Za-z]+|xray:[A-Za-z]+)$/);
    }
    assert.equal(statements.length, 3);
  });

  test('gives each function a role that can only write its own logs and traces', () => {
    for (const fn of ['FraudScorer', 'ShippingQuoter']) {
      const actions = statementsOfRole(template, `${fn}Role`).flatMap((s) => [s.Action].flat()).sort();
      assert.deepEqual(actions, ['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    }
    assert.deepEqual(Object.keys(template.findResources('AWS::IAM::Role', { Properties: { ManagedPolicyArns: Match.anyValue() } })), []);
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      { Runtime: 'nodejs24.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' }, Timeout: 5 },
      2,
    );
  });

  test('keeps stock in an on-demand table keyed by sku with point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'sku', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
  });

  test('alarms the one alarm topic on failed, timed-out and throttled executions and on degraded checks', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties);
    assert.deepEqual(alarms.map((a) => `${a.Namespace}/${a.MetricName}`).sort(), [
      'AWS/States/ExecutionThrottled',
      'AWS/States/ExecutionsFailed',
      'AWS/States/ExecutionsTimedOut',
      'ParallelExecution/DegradedChecks',
    ]);
    for (const alarm of alarms) {
      assert.deepEqual(alarm.AlarmActions, [{ Ref: topics[0] }]);
      assert.deepEqual([alarm.Statistic, alarm.Period, alarm.Threshold, alarm.ComparisonOperator], ['Sum', 300, 1, 'GreaterThanOrEqualToThreshold']);
    }
    const [filter] = Object.values(template.findResources('AWS::Logs::MetricFilter'));
    assert.equal(
      filter.Properties.FilterPattern,
      '{ ($.type = "PassStateEntered") && (($.details.name = "Fraud score unavailable") || ($.details.name = "Shipping quote unavailable")) }',
    );
    // The filter reads PassStateEntered events, which only the ALL log level writes.
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { LoggingConfiguration: Match.objectLike({ Level: 'ALL' }) });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const mailed = Template.fromStack(new ParallelExecutionStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Mailed'));
    mailed.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new ParallelExecutionStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const [pack, scope] of [stack, withEmail].flatMap((s) => [new AwsSolutionsChecks(), new ServerlessChecks()].map((p) => [p, s] as const))) {
      const report = pack.validateScope(scope);
      const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings in ${scope.node.id}`);
    }
  });
});

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { appFromCdkJson } from './cdk-app';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { LAMBDA_TRANSIENT_ERRORS, TheSagaStepfunctionStack } from '../lib/the-saga-stepfunction-stack';
import { STEPS } from '../lambda/travel-service';

/** Turns the Fn::Join'ed definition back into ASL, writing each token as a readable placeholder. */
function aslOf(template: Template): any {
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const text = (machine.Properties.DefinitionString['Fn::Join'][1] as any[])
    .map((part) => {
      if (typeof part === 'string') return part;
      if (part['Fn::GetAtt']) return `<${part['Fn::GetAtt'][0]}.${part['Fn::GetAtt'][1]}>`;
      if (part.Ref) return `<${part.Ref}>`;
      throw new Error(`unexpected token ${JSON.stringify(part)}`);
    })
    .join('');
  return JSON.parse(text);
}

const FORWARD = ['Record trip', 'Reserve hotel', 'Reserve flight', 'Reserve car', 'Charge payment', 'Confirm trip', 'Trip booked'];
const BOOKING_STEPS: Record<string, string> = {
  'Reserve hotel': 'Cancel hotel',
  'Reserve flight': 'Cancel flight',
  'Reserve car': 'Cancel car',
  'Charge payment': 'Refund payment',
};

describe('TheSagaStepfunctionStack', () => {
  let stack: TheSagaStepfunctionStack;
  let template: Template;
  let asl: any;

  /** Follows Next from a state to the end and returns the names visited. */
  const walk = (from: string): string[] => {
    const path: string[] = [];
    for (let name: string | undefined = from; name; name = asl.States[name].Next) path.push(name);
    return path;
  };
  const lambdaOf = (state: string) => asl.States[state].Arguments.FunctionName.replace(/^<(\w+?)[0-9A-F]{8}\.Arn>$/, '$1');

  before(() => {
    stack = new TheSagaStepfunctionStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
    asl = aslOf(template);
  });

  test('runs a Standard workflow with JSONata, tracing, full event logging and a timeout', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
    });
    assert.equal(asl.QueryLanguage, 'JSONata');
    assert.equal(asl.TimeoutSeconds, 300);
  });

  test('books hotel, flight, car and payment in that order before confirming', () => {
    assert.equal(asl.StartAt, 'Record trip');
    assert.deepEqual(walk('Record trip'), FORWARD);
    assert.equal(asl.States['Trip booked'].Type, 'Succeed');
    assert.deepEqual(
      ['Reserve hotel', 'Reserve flight', 'Reserve car', 'Charge payment'].map(lambdaOf),
      ['HotelService', 'FlightService', 'CarService', 'PaymentService'],
    );
  });

  test('sends every forward step that can fail into the compensation chain at its own undo', () => {
    const catches = Object.fromEntries(
      FORWARD.filter((s) => asl.States[s].Catch).map((s) => [s, asl.States[s].Catch.map((c: any) => [c.ErrorEquals, c.Next])]),
    );
    assert.deepEqual(catches, {
      'Reserve hotel': [[['States.ALL'], 'Cancel hotel']],
      'Reserve flight': [[['States.ALL'], 'Cancel flight']],
      'Reserve car': [[['States.ALL'], 'Cancel car']],
      'Charge payment': [[['States.ALL'], 'Refund payment']],
      'Confirm trip': [[['States.ALL'], 'Refund payment']],
    });
    for (const state of Object.keys(catches)) {
      assert.match(JSON.stringify(asl.States[state].Catch[0].Assign), /"failedStep":"\w+".*"failure":"\{% \$states\.errorOutput %\}"/);
    }
  });

  test('undoes exactly the steps reached so far, newest first, then records and fails the trip', () => {
    const order = Object.keys(BOOKING_STEPS);
    order.forEach((failing, index) => {
      const path = walk(asl.States[failing].Catch[0].Next);
      const expectedUndos = order.slice(0, index + 1).reverse().map((s) => BOOKING_STEPS[s]);
      assert.deepEqual(path, [...expectedUndos, 'Mark trip cancelled', 'Trip cancelled'], `after ${failing} fails`);
    });
    assert.deepEqual(walk(asl.States['Confirm trip'].Catch[0].Next).slice(0, 4), ['Refund payment', 'Cancel car', 'Cancel flight', 'Cancel hotel']);
    assert.equal(asl.States['Trip cancelled'].Type, 'Fail');
    assert.equal(asl.States['Trip cancelled'].Error, 'TripCancelled');
  });

  test('calls each undo on the same function as its booking, with action cancel', () => {
    for (const [book, undo] of Object.entries(BOOKING_STEPS)) {
      assert.equal(lambdaOf(undo), lambdaOf(book));
      assert.deepEqual(asl.States[undo].Arguments.Payload, { action: 'cancel', trip: '{% $trip %}' });
    }
    assert.equal(asl.States['Reserve hotel'].Arguments.Payload.action, 'reserve');
    assert.equal(asl.States['Charge payment'].Arguments.Payload.amountCents, '{% $hotel.priceCents + $flight.priceCents + $car.priceCents %}');
  });

  test('retries only transient Lambda errors on bookings, so a refusal compensates at once', () => {
    for (const state of Object.keys(BOOKING_STEPS)) {
      assert.deepEqual(asl.States[state].Retry, [
        { ErrorEquals: LAMBDA_TRANSIENT_ERRORS, IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' },
      ]);
      assert.ok(!asl.States[state].Retry[0].ErrorEquals.includes('ProviderRefused'));
    }
  });

  test('retries every compensation on any error, and hands a stuck one to a person', () => {
    for (const state of [...Object.values(BOOKING_STEPS), 'Mark trip cancelled']) {
      const { Retry, Catch } = asl.States[state];
      assert.deepEqual(Retry, [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 2, JitterStrategy: 'FULL' }]);
      assert.equal(Catch.length, 1);
      assert.equal(Catch[0].Next, 'Compensation failed');
      assert.ok(Catch[0].Assign.stuckAt, `${state} names itself when stuck`);
    }
    assert.equal(asl.States['Compensation failed'].Error, 'CompensationFailed');
  });

  test('keeps the trip record in DynamoDB through direct service integrations, keyed by the execution name', () => {
    const record = asl.States['Record trip'];
    assert.match(record.Resource, /:states:::dynamodb:putItem$/);
    assert.deepEqual(record.Arguments.Item.tripId, { S: '{% $states.context.Execution.Name %}' });
    assert.deepEqual(record.Arguments.Item.status, { S: 'PENDING' });
    for (const [state, status] of [['Confirm trip', 'CONFIRMED'], ['Mark trip cancelled', 'CANCELLED']]) {
      assert.match(asl.States[state].Resource, /:states:::dynamodb:updateItem$/);
      assert.deepEqual(asl.States[state].Arguments.Key, { tripId: { S: '{% $trip.tripId %}' }, step: { S: 'TRIP' } });
      assert.ok(Object.values(asl.States[state].Arguments.ExpressionAttributeValues).some((v: any) => v.S === status));
    }
  });

  test('keys the bookings table by trip and step', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'tripId', KeyType: 'HASH' },
        { AttributeName: 'step', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  test('starts the saga from POST /trips with the request id as execution name, after validating the body', () => {
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      RequestValidatorId: Match.anyValue(),
      Integration: Match.objectLike({
        Type: 'AWS',
        Uri: { 'Fn::Join': ['', Match.arrayWith([':states:action/StartExecution'])] },
        RequestTemplates: { 'application/json': { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('"name": "\\$context.requestId"')])] } },
        IntegrationResponses: Match.arrayWith([Match.objectLike({ StatusCode: '202' })]),
      }),
    });
    const [model] = Object.values(template.findResources('AWS::ApiGateway::Model'));
    assert.deepEqual(model.Properties.Schema.required, ['traveller', 'destination', 'nights']);
    assert.deepEqual(model.Properties.Schema.properties.failAt.enum, [...STEPS]);
    assert.equal(model.Properties.Schema.additionalProperties, false);
  });

  test('reads a trip from GET /trips/{tripId} with a DynamoDB Query, 404 when there is none', () => {
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'GET',
      Integration: Match.objectLike({
        Uri: { 'Fn::Join': ['', Match.arrayWith([':dynamodb:action/Query'])] },
        IntegrationResponses: Match.arrayWith([
          Match.objectLike({ StatusCode: '200', ResponseTemplates: { 'application/json': Match.stringLikeRegexp('responseOverride.status = 404') } }),
        ]),
      }),
    });
  });

  test('gives API Gateway one role per action, each limited to one resource', () => {
    const inline = (prefix: string) => {
      const [role] = Object.entries(template.findResources('AWS::IAM::Role')).filter(([id]) => id.startsWith(prefix)).map(([, r]) => r);
      assert.equal(role.Properties.ManagedPolicyArns, undefined);
      return role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement).map(({ Action, Resource }: any) => ({ Action, Resource }));
    };
    const machineId = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))[0];
    const tableId = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'))[0];
    assert.deepEqual(inline('StartTripRole'), [{ Action: 'states:StartExecution', Resource: { Ref: machineId } }]);
    assert.deepEqual(inline('ReadTripRole'), [{ Action: 'dynamodb:Query', Resource: { 'Fn::GetAtt': [tableId, 'Arn'] } }]);
  });

  test('lets each service function only put and update bookings, plus its logs and traces', () => {
    for (const fn of ['HotelService', 'FlightService', 'CarService', 'PaymentService']) {
      const actions = Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((p) => p.Properties.Roles.some((r: any) => r.Ref.startsWith(`${fn}Role`)))
        .flatMap((p) => p.Properties.PolicyDocument.Statement)
        .flatMap((s: any) => [s.Action].flat())
        .sort();
      assert.deepEqual(actions, ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    }
  });

  test('alarms the one alarm topic when a compensation gives up or an execution times out', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    const [filter] = Object.values(template.findResources('AWS::Logs::MetricFilter'));
    assert.equal(filter.Properties.FilterPattern, '{ ($.type = "FailStateEntered") && ($.details.name = "Compensation failed") }');
    assert.ok(asl.States['Compensation failed'], 'the filtered state exists');
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    const byMetric = Object.fromEntries(Object.values(alarms).map((a: any) => [a.Properties.MetricName, a.Properties]));
    assert.deepEqual(Object.keys(byMetric).sort(), ['CompensationsFailed', 'ExecutionsTimedOut']);
    for (const alarm of Object.values(byMetric) as any[]) {
      assert.deepEqual(alarm.AlarmActions, [{ Ref: topics[0] }]);
      assert.equal(alarm.Threshold, 1);
      assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
    }
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const mailed = Template.fromStack(new TheSagaStepfunctionStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Mailed'));
    mailed.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new TheSagaStepfunctionStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const [pack, scope] of [stack, withEmail].flatMap((s) => [new AwsSolutionsChecks(), new ServerlessChecks()].map((p) => [p, s] as const))) {
      const report = pack.validateScope(scope);
      const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings in ${scope.node.id}`);
    }
  });
});

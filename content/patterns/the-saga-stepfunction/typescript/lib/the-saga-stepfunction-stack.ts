import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AwsIntegration,
  EndpointType,
  JsonSchemaType,
  JsonSchemaVersion,
  LogGroupLogDestination,
  Model,
  PassthroughBehavior,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { FilterPattern, LogGroup, MetricFilter, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import {
  type Chain,
  DefinitionBody,
  Fail,
  type IChainable,
  JitterType,
  LogLevel,
  QueryLanguage,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { DynamoAttributeValue, DynamoPutItem, DynamoUpdateItem, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { STEPS } from '../lambda/travel-service';

export const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];
export const DYNAMODB_TRANSIENT_ERRORS = [
  'DynamoDB.ProvisionedThroughputExceededException',
  'DynamoDB.RequestLimitExceeded',
  'DynamoDB.ThrottlingException',
  'DynamoDB.InternalServerError',
];

const STATUS = '#status';

export class TheSagaStepfunctionStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // One table for the whole trip: the trip record and one item per booking, all under the trip id.
    const bookings = new TableV2(this, 'Bookings', {
      partitionKey: { name: 'tripId', type: AttributeType.STRING },
      sortKey: { name: 'step', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const services = {
      hotel: this.serviceFunction('HotelService', 'hotel.ts', bookings),
      flight: this.serviceFunction('FlightService', 'flight.ts', bookings),
      car: this.serviceFunction('CarService', 'car.ts', bookings),
      payment: this.serviceFunction('PaymentService', 'payment.ts', bookings),
    };

    const tripKey = {
      tripId: DynamoAttributeValue.fromString('{% $trip.tripId %}'),
      step: DynamoAttributeValue.fromString('TRIP'),
    };
    const now = DynamoAttributeValue.fromString('{% $states.context.State.EnteredTime %}');

    // --- Compensations, built back to front so each can name the one that follows it.
    const compensationFailed = Fail.jsonata(this, 'Compensation failed', {
      error: 'CompensationFailed',
      cause: '{% "Undoing the " & $stuckAt & " step kept failing (" & $states.input.Error & "); it needs a person." %}',
    });
    const tripCancelled = Fail.jsonata(this, 'Trip cancelled', {
      error: 'TripCancelled',
      cause: '{% "The " & $failedStep & " step failed with " & $failure.Error & "; it and every step before it were undone." %}',
    });
    const markCancelled = DynamoUpdateItem.jsonata(this, 'Mark trip cancelled', {
      table: bookings,
      key: tripKey,
      updateExpression: `SET ${STATUS} = :cancelled, failedStep = :step, failure = :error, updatedAt = :now`,
      expressionAttributeNames: { [STATUS]: 'status' },
      expressionAttributeValues: {
        ':cancelled': DynamoAttributeValue.fromString('CANCELLED'),
        ':step': DynamoAttributeValue.fromString('{% $failedStep %}'),
        ':error': DynamoAttributeValue.fromString('{% $failure.Error %}'),
        ':now': now,
      },
    });
    markCancelled.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(2), maxAttempts: 5, backoffRate: 2, jitterStrategy: JitterType.FULL });
    markCancelled.addCatch(compensationFailed, { errors: ['States.ALL'], assign: { stuckAt: 'trip record' }, outputs: '{% $states.errorOutput %}' });
    markCancelled.next(tripCancelled);

    const undo = (id: string, step: (typeof STEPS)[number], next: IChainable) => {
      const task = LambdaInvoke.jsonata(this, id, {
        lambdaFunction: services[step],
        payload: TaskInput.fromObject({ action: 'cancel', trip: '{% $trip %}' }),
        outputs: '{% $states.result.Payload %}',
        retryOnServiceExceptions: false,
        taskTimeout: Timeout.duration(Duration.seconds(10)),
      });
      // A compensation has to get through: retry every error, for up to about a minute.
      task.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(2), maxAttempts: 5, backoffRate: 2, jitterStrategy: JitterType.FULL });
      task.addCatch(compensationFailed, { errors: ['States.ALL'], assign: { stuckAt: step }, outputs: '{% $states.errorOutput %}' });
      task.next(next);
      return task;
    };
    const cancelHotel = undo('Cancel hotel', 'hotel', markCancelled);
    const cancelFlight = undo('Cancel flight', 'flight', cancelHotel);
    const cancelCar = undo('Cancel car', 'car', cancelFlight);
    const refundPayment = undo('Refund payment', 'payment', cancelCar);

    // --- The forward path. Each step's Catch enters the compensation chain at its own undo.
    const recordTrip = DynamoPutItem.jsonata(this, 'Record trip', {
      table: bookings,
      item: {
        tripId: DynamoAttributeValue.fromString('{% $states.context.Execution.Name %}'),
        step: DynamoAttributeValue.fromString('TRIP'),
        status: DynamoAttributeValue.fromString('PENDING'),
        traveller: DynamoAttributeValue.fromString('{% $states.input.traveller %}'),
        destination: DynamoAttributeValue.fromString('{% $states.input.destination %}'),
        nights: DynamoAttributeValue.numberFromString('{% $string($states.input.nights) %}'),
        updatedAt: now,
      },
      // The execution name is the trip id API Gateway handed back to the caller.
      assign: { trip: '{% $merge([$states.input, {"tripId": $states.context.Execution.Name}]) %}' },
    });
    recordTrip.addRetry({ errors: DYNAMODB_TRANSIENT_ERRORS, interval: Duration.seconds(1), maxAttempts: 3, backoffRate: 2, jitterStrategy: JitterType.FULL });

    const book = (id: string, step: (typeof STEPS)[number], payload: Record<string, unknown>, compensation: IChainable) => {
      const task = LambdaInvoke.jsonata(this, id, {
        lambdaFunction: services[step],
        payload: TaskInput.fromObject({ ...payload, trip: '{% $trip %}' }),
        outputs: '{% $states.result.Payload %}',
        assign: { [step]: '{% $states.result.Payload %}' },
        // CDK's default retry would also be fine, but an explicit one is what the tests pin.
        retryOnServiceExceptions: false,
        taskTimeout: Timeout.duration(Duration.seconds(10)),
      });
      // A provider refusing is final, so only Lambda's own hiccups are retried.
      task.addRetry({ errors: LAMBDA_TRANSIENT_ERRORS, interval: Duration.seconds(1), maxAttempts: 3, backoffRate: 2, jitterStrategy: JitterType.FULL });
      task.addCatch(compensation, { errors: ['States.ALL'], assign: { failedStep: step, failure: '{% $states.errorOutput %}' } });
      return task;
    };
    const reserveHotel = book('Reserve hotel', 'hotel', { action: 'reserve' }, cancelHotel);
    const reserveFlight = book('Reserve flight', 'flight', { action: 'reserve' }, cancelFlight);
    const reserveCar = book('Reserve car', 'car', { action: 'reserve' }, cancelCar);
    const chargePayment = book(
      'Charge payment',
      'payment',
      { action: 'reserve', amountCents: '{% $hotel.priceCents + $flight.priceCents + $car.priceCents %}' },
      refundPayment,
    );

    const confirmTrip = DynamoUpdateItem.jsonata(this, 'Confirm trip', {
      table: bookings,
      key: tripKey,
      updateExpression: `SET ${STATUS} = :confirmed, totalCents = :total, updatedAt = :now`,
      expressionAttributeNames: { [STATUS]: 'status' },
      expressionAttributeValues: {
        ':confirmed': DynamoAttributeValue.fromString('CONFIRMED'),
        ':total': DynamoAttributeValue.numberFromString('{% $string($payment.priceCents) %}'),
        ':now': now,
      },
    });
    confirmTrip.addRetry({ errors: DYNAMODB_TRANSIENT_ERRORS, interval: Duration.seconds(1), maxAttempts: 3, backoffRate: 2, jitterStrategy: JitterType.FULL });
    // A trip that cannot be recorded as booked is not booked: undo everything.
    confirmTrip.addCatch(refundPayment, { errors: ['States.ALL'], assign: { failedStep: 'confirm', failure: '{% $states.errorOutput %}' } });

    const tripBooked = Succeed.jsonata(this, 'Trip booked', {
      outputs: {
        tripId: '{% $trip.tripId %}',
        status: 'CONFIRMED',
        totalCents: '{% $payment.priceCents %}',
        references: '{% [$hotel.reference, $flight.reference, $car.reference, $payment.reference] %}',
      },
    });

    const definition: Chain = recordTrip
      .next(reserveHotel)
      .next(reserveFlight)
      .next(reserveCar)
      .next(chargePayment)
      .next(confirmTrip)
      .next(tripBooked);

    const sagaLogs = new LogGroup(this, 'BookTripLogs', {
      logGroupName: `/aws/vendedlogs/states/${this.stackName}-BookTrip`,
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const bookTrip = new StateMachine(this, 'BookTrip', {
      // Standard: exactly-once steps, a full history per trip, and room for slow providers.
      stateMachineType: StateMachineType.STANDARD,
      queryLanguage: QueryLanguage.JSONATA,
      definitionBody: DefinitionBody.fromChainable(definition),
      comment: 'Books hotel, flight, car and payment; on any failure undoes the finished steps in reverse order.',
      timeout: Duration.minutes(5),
      tracingEnabled: true,
      // The execution history already holds the data; the logs carry the events for search and alarms.
      logs: { destination: sagaLogs, level: LogLevel.ALL, includeExecutionData: false },
    });

    const api = this.tripsApi(bookTrip, bookings);
    this.alarms(bookTrip, sagaLogs);

    new CfnOutput(this, 'TripsUrl', { value: api.urlForPath('/trips'), description: 'POST a trip here; GET /trips/<tripId> to read it.' });
    new CfnOutput(this, 'StateMachineArn', { value: bookTrip.stateMachineArn });
    new CfnOutput(this, 'TableName', { value: bookings.tableName });

    Validations.of(bookTrip).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'CDK grants log delivery and X-Ray writes to the workflow role; neither API accepts a narrower resource.',
    });
    for (const fn of Object.values(services)) {
      Validations.of(bookTrip).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(fn.node.defaultChild as CfnFunction)}.Arn>:*]`,
        reason: `The workflow may invoke any version or alias of ${fn.node.id}, and only that function.`,
      });
    }
  }

  /** Tells a person when a trip may be left half booked: a compensation gave up, or the saga ran out of time. */
  private alarms(bookTrip: StateMachine, sagaLogs: LogGroup): void {
    const topic = new Topic(this, 'AlarmTopic', { displayName: 'The Saga Step Function alarms', enforceSSL: true });
    const email = this.node.tryGetContext('alarmEmail');
    if (typeof email === 'string' && email !== '') {
      Validations.of(topic.addSubscription(new EmailSubscription(email))).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }
    Validations.of(topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, a customer managed key would cost $1/month, and alarm notifications carry only alarm names and states.',
    });
    const notify = new SnsAction(topic);

    // The state name is logged even without execution data, so a metric filter can count entries into it.
    const stuck = new MetricFilter(this, 'CompensationFailedFilter', {
      logGroup: sagaLogs,
      filterPattern: FilterPattern.all(FilterPattern.stringValue('$.type', '=', 'FailStateEntered'), FilterPattern.stringValue('$.details.name', '=', 'Compensation failed')),
      metricNamespace: 'TheSagaStepfunction',
      metricName: 'CompensationsFailed',
      metricValue: '1',
      defaultValue: 0,
    });
    new Alarm(this, 'CompensationFailedAlarm', {
      metric: stuck.metric({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'A BookTrip execution ended in Compensation failed: some booking or charge may still stand. Open the failed execution, read which step is named in the cause, and undo that booking by hand.',
    }).addAlarmAction(notify);
    new Alarm(this, 'BookTripTimedOutAlarm', {
      metric: bookTrip.metricTimedOut({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'A BookTrip execution hit its 5-minute timeout, so no compensation ran for it. Find the timed-out execution, check the trip items in the Bookings table and undo what was booked.',
    }).addAlarmAction(notify);
  }

  /** One travel provider: reserves and undoes its own booking, with its own role and logs. */
  private serviceFunction(id: string, file: string, bookings: TableV2): NodejsFunction {
    const logGroup = new LogGroup(this, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${id}: write and undo bookings, write its own logs.`,
    });
    logGroup.grantWrite(role);
    const fn = new NodejsFunction(this, id, {
      role,
      entry: path.join(__dirname, '..', 'lambda', file),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(5),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      environment: { BOOKINGS_TABLE_NAME: bookings.tableName },
      bundling: { minify: true, sourceMap: true },
    });
    // Reserve is a conditional PutItem, undo an UpdateItem; nothing reads or deletes.
    bookings.grant(fn, 'dynamodb:PutItem', 'dynamodb:UpdateItem');

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
    Validations.of(fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Step Functions invokes the function synchronously and handles its errors with Retry and Catch; a DLQ only applies to async invokes.',
    });
    return fn;
  }

  /** POST /trips starts the saga; GET /trips/{tripId} reads the trip's items straight from DynamoDB. */
  private tripsApi(bookTrip: StateMachine, bookings: TableV2): RestApi {
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const api = new RestApi(this, 'TripsApi', {
      description: 'Starts trip bookings and reports on them.',
      endpointTypes: [EndpointType.REGIONAL],
      // Execution logging needs an account-wide role setting; access logs cover this demo.
      cloudWatchRole: false,
      deployOptions: {
        stageName: 'v1',
        tracingEnabled: true,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
        throttlingRateLimit: 20,
        throttlingBurstLimit: 40,
      },
    });

    const tripModel = api.addModel('TripRequestModel', {
      contentType: 'application/json',
      modelName: 'TripRequest',
      schema: {
        schema: JsonSchemaVersion.DRAFT4,
        title: 'TripRequest',
        type: JsonSchemaType.OBJECT,
        required: ['traveller', 'destination', 'nights'],
        additionalProperties: false,
        properties: {
          traveller: { type: JsonSchemaType.STRING, minLength: 1, maxLength: 100 },
          destination: { type: JsonSchemaType.STRING, minLength: 1, maxLength: 100 },
          nights: { type: JsonSchemaType.INTEGER, minimum: 1, maximum: 14 },
          failAt: { type: JsonSchemaType.STRING, enum: [...STEPS] },
        },
      },
    });

    const startRole = new Role(this, 'StartTripRole', {
      assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
      description: 'Lets the trips API start the booking saga and nothing else.',
      inlinePolicies: {
        StartBookTrip: new PolicyDocument({
          statements: [new PolicyStatement({ effect: Effect.ALLOW, actions: ['states:StartExecution'], resources: [bookTrip.stateMachineArn] })],
        }),
      },
    });
    const readRole = new Role(this, 'ReadTripRole', {
      assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
      description: 'Lets the trips API query the bookings table and nothing else.',
      inlinePolicies: {
        QueryBookings: new PolicyDocument({
          statements: [new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:Query'], resources: [bookings.tableArn] })],
        }),
      },
    });

    const genericError = { 'application/json': '{"message": "The trip service failed; try again later."}' };

    // The request id doubles as execution name and trip id. escapeJavaScript also escapes
    // single quotes, which JSON does not allow, so those are put back.
    const startTemplate = [
      '{',
      `  "stateMachineArn": "${bookTrip.stateMachineArn}",`,
      '  "name": "$context.requestId",',
      `  "input": "$util.escapeJavaScript($input.json('$')).replaceAll("\\\\'", "'")"`,
      '}',
    ].join('\n');
    const start = new AwsIntegration({
      service: 'states',
      action: 'StartExecution',
      integrationHttpMethod: 'POST',
      options: {
        credentialsRole: startRole,
        passthroughBehavior: PassthroughBehavior.NEVER,
        requestTemplates: { 'application/json': startTemplate },
        integrationResponses: [
          {
            selectionPattern: '2\\d{2}',
            statusCode: '202',
            responseTemplates: {
              'application/json': '{"tripId": "$context.requestId", "executionArn": "$input.path(\'$.executionArn\')"}',
            },
          },
          { statusCode: '500', responseTemplates: genericError },
        ],
      },
    });

    const queryTemplate = JSON.stringify({
      TableName: bookings.tableName,
      KeyConditionExpression: 'tripId = :id',
      ExpressionAttributeValues: { ':id': { S: "$util.escapeJavaScript($input.params('tripId'))" } },
      ConsistentRead: true,
    });
    const readTemplate = [
      "#set($items = $input.path('$.Items'))",
      '#if($items.size() == 0)',
      '#set($context.responseOverride.status = 404)',
      '{"message": "No trip with that id."}',
      '#else',
      `{"tripId": "$util.escapeJavaScript($input.params('tripId'))", "records": [`,
      '#foreach($item in $items)',
      '{"step": "$item.step.S", "status": "$item.status.S"' +
        '#if($item.reference), "reference": "$item.reference.S"#end' +
        '#if($item.priceCents), "priceCents": $item.priceCents.N#end' +
        '#if($item.totalCents), "totalCents": $item.totalCents.N#end' +
        '#if($item.failedStep), "failedStep": "$item.failedStep.S", "failure": "$util.escapeJavaScript($item.failure.S)"#end' +
        '}#if($foreach.hasNext),#end',
      '#end',
      ']}',
      '#end',
    ].join('\n');
    const read = new AwsIntegration({
      service: 'dynamodb',
      action: 'Query',
      integrationHttpMethod: 'POST',
      options: {
        credentialsRole: readRole,
        passthroughBehavior: PassthroughBehavior.NEVER,
        requestTemplates: { 'application/json': queryTemplate },
        integrationResponses: [
          { selectionPattern: '2\\d{2}', statusCode: '200', responseTemplates: { 'application/json': readTemplate } },
          { statusCode: '500', responseTemplates: genericError },
        ],
      },
    });

    const trips = api.root.addResource('trips');
    trips.addMethod('POST', start, {
      requestValidator: api.addRequestValidator('TripRequestValidator', {
        requestValidatorName: 'trip-request',
        validateRequestBody: true,
        validateRequestParameters: true,
      }),
      requestModels: { 'application/json': tripModel },
      methodResponses: [
        { statusCode: '202', responseModels: { 'application/json': Model.EMPTY_MODEL } },
        { statusCode: '500', responseModels: { 'application/json': Model.ERROR_MODEL } },
      ],
    });
    trips.addResource('{tripId}').addMethod('GET', read, {
      requestParameters: { 'method.request.path.tripId': true },
      methodResponses: [
        { statusCode: '200', responseModels: { 'application/json': Model.EMPTY_MODEL } },
        { statusCode: '404', responseModels: { 'application/json': Model.ERROR_MODEL } },
        { statusCode: '500', responseModels: { 'application/json': Model.ERROR_MODEL } },
      ],
    });

    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'A public demo endpoint, throttled on the stage; put an IAM or Cognito authorizer in front before real use.',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-COG4',
      reason: 'Callers are not Cognito users in this demo; the authorizer choice is left to the adopter (see APIG4).',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason: 'WAF costs a fixed monthly fee per web ACL; the demo relies on stage throttling and request validation instead.',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG6',
      reason: 'Execution logging needs the account-wide API Gateway CloudWatch role; JSON access logs record every request.',
    });
    return api;
  }
}

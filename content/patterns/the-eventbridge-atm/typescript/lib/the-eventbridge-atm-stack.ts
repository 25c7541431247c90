import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  EndpointType,
  JsonSchemaType,
  JsonSchemaVersion,
  LambdaIntegration,
  LogGroupLogDestination,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { EventBus, type EventPattern, Match, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { ConsumerKind } from '../lambda/consumer';
import {
  ACTIONS,
  DETAIL_TYPE,
  EVENT_SOURCE,
  LOCATION_PATTERN,
  MAX_AMOUNT,
  MAX_TRANSACTIONS,
  RESULT_PATTERN,
  TRANSACTION_ID_PATTERN,
} from '../lambda/transaction';
import { Operations } from './operations';

/** Withdrawals at or above this amount also go to fraud review, whatever their result. */
export const LARGE_WITHDRAWAL = 1000;

/** EventBridge retries a failed delivery to a consumer this often, for at most this long. */
export const DELIVERY_RETRIES = 4;
export const DELIVERY_MAX_AGE = Duration.hours(1);

/** Lambda retries a consumer that throws this often, for events at most this old. */
export const PROCESSING_RETRIES = 2;
export const PROCESSING_MAX_AGE = Duration.hours(1);

export class TheEventbridgeAtmStack extends Stack {
  private readonly bus: EventBus;
  private readonly failedEvents: Queue;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // A bus of its own keeps ATM traffic, its rules and its permissions apart from the account's default bus.
    this.bus = new EventBus(this, 'AtmEvents', { description: 'ATM transaction events from the producer.' });

    // One place to look for anything a consumer never handled: EventBridge parks undeliverable
    // events here, and Lambda sends a failure record here once a consumer's retries run out.
    this.failedEvents = new Queue(this, 'FailedEvents', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    const common = { source: [EVENT_SOURCE], detailType: [DETAIL_TYPE] };
    const approved = this.addConsumer('Approved', 'approved', 'Exact match: result is approved.', {
      ...common,
      detail: { result: ['approved'] },
    });
    const newYork = this.addConsumer('NewYork', 'new-york', 'Prefix match: the location starts with NY-.', {
      ...common,
      detail: { location: Match.prefix('NY-') },
    });
    const declined = this.addConsumer('Declined', 'declined', 'Anything-but match: every result except approved.', {
      ...common,
      detail: { result: Match.anythingBut('approved') },
    });
    const largeWithdrawal = this.addConsumer('LargeWithdrawal', 'large-withdrawal', `Numeric match: withdrawals of ${LARGE_WITHDRAWAL} or more.`, {
      ...common,
      detail: { action: ['withdrawal'], amount: Match.greaterThanOrEqual(LARGE_WITHDRAWAL) },
    });

    const producer = this.addProducer();
    this.addApi(producer);

    // Someone is told: the queue both hops fail into, and every consumer's errors, notify one topic.
    const ops = new Operations(this, 'Operations');
    ops.queueNotEmpty('FailedEventsAlarm', this.failedEvents,
      'A transaction event was not delivered to a consumer, or a consumer failed on it after two retries. Read the messages in FailedEvents for the rule or function and the error, fix the cause, then replay them.');
    for (const [id, consumer] of Object.entries({ approved, newYork, declined, largeWithdrawal })) {
      const name = id.charAt(0).toUpperCase() + id.slice(1);
      ops.functionErrors(`${name}ConsumerErrorsAlarm`, consumer,
        `The ${name} consumer threw on a transaction; Lambda retries it twice, then records it in FailedEvents. Check the consumer log.`);
    }

    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
    new CfnOutput(this, 'FailedEventsUrl', { value: this.failedEvents.queueUrl });

    Validations.of(this.failedEvents).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue for the rule targets and consumers; it has nowhere further to send.',
    });
    Validations.of(this.failedEvents).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: 'This queue is itself the dead-letter queue; messages stay 14 days for inspection and redrive.',
    });
  }

  private lambdaProps(id: string, file: string, description: string) {
    const logGroup = new LogGroup(this, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An explicit role instead of the managed basic-execution policy, which can write to every log group.
    const role = new Role(this, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description });
    logGroup.grantWrite(role);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
    return {
      role,
      logGroup,
      entry: path.join(__dirname, '..', 'lambda', file),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      bundling: { minify: true, sourceMap: true },
    };
  }

  /** One rule on the bus, with the consumer it feeds and the retries on both hops. */
  private addConsumer(id: string, kind: ConsumerKind, description: string, eventPattern: EventPattern) {
    const consumer = new NodejsFunction(this, `${id}Consumer`, {
      ...this.lambdaProps(`${id}Consumer`, 'consumer.ts', `${id} consumer: write its own logs, record failures.`),
      environment: { CONSUMER_KIND: kind },
      // Second hop: the consumer accepted the event but threw while handling it.
      retryAttempts: PROCESSING_RETRIES,
      maxEventAge: PROCESSING_MAX_AGE,
      onFailure: new SqsDestination(this.failedEvents),
    });

    new Rule(this, `${id}Rule`, {
      eventBus: this.bus,
      description,
      eventPattern,
      targets: [
        // First hop: EventBridge could not hand the event to Lambda at all.
        new LambdaFunction(consumer, {
          retryAttempts: DELIVERY_RETRIES,
          maxEventAge: DELIVERY_MAX_AGE,
          deadLetterQueue: this.failedEvents,
        }),
      ],
    });

    Validations.of(consumer).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'An on-failure destination to the FailedEvents queue replaces the legacy function DLQ and also records the error.',
    });
    return consumer;
  }

  private addProducer() {
    const producer = new NodejsFunction(this, 'Producer', {
      ...this.lambdaProps('Producer', 'producer.ts', 'ATM producer: write its own logs, put events on the ATM bus.'),
      environment: { EVENT_BUS_NAME: this.bus.eventBusName },
    });
    // Least privilege: events:PutEvents on this one bus, nothing on the default bus.
    this.bus.grantPutEventsTo(producer);
    Validations.of(producer).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'API Gateway invokes the producer synchronously and sees its errors; a DLQ only applies to async invokes.',
    });
    return producer;
  }

  private addApi(producer: NodejsFunction) {
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const api = new RestApi(this, 'AtmApi', {
      description: 'Accepts ATM transactions and hands them to the producer.',
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

    const transaction = {
      type: JsonSchemaType.OBJECT,
      required: ['transactionId', 'action', 'location', 'amount', 'result'],
      additionalProperties: false,
      properties: {
        transactionId: { type: JsonSchemaType.STRING, pattern: TRANSACTION_ID_PATTERN },
        action: { type: JsonSchemaType.STRING, enum: [...ACTIONS] },
        location: { type: JsonSchemaType.STRING, pattern: LOCATION_PATTERN },
        amount: { type: JsonSchemaType.NUMBER, minimum: 0, maximum: MAX_AMOUNT },
        result: { type: JsonSchemaType.STRING, pattern: RESULT_PATTERN },
      },
    };
    const model = api.addModel('TransactionsModel', {
      contentType: 'application/json',
      modelName: 'AtmTransactions',
      schema: {
        schema: JsonSchemaVersion.DRAFT4,
        title: 'AtmTransactions',
        type: JsonSchemaType.OBJECT,
        required: ['transactions'],
        additionalProperties: false,
        properties: {
          transactions: { type: JsonSchemaType.ARRAY, minItems: 1, maxItems: MAX_TRANSACTIONS, items: transaction },
        },
      },
    });

    api.root.addResource('transactions').addMethod('POST', new LambdaIntegration(producer), {
      requestValidator: api.addRequestValidator('BodyValidator', {
        validateRequestBody: true,
        validateRequestParameters: true,
      }),
      requestModels: { 'application/json': model },
    });

    new CfnOutput(this, 'TransactionsUrl', { value: api.urlForPath('/transactions'), description: 'POST transactions here.' });

    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'A public demo endpoint with stage throttling; put an IAM or Cognito authorizer in front before real use.',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-COG4',
      reason: 'Callers are not Cognito users in this demo; the authorizer choice is left to the adopter (see APIG4).',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason: 'WAF costs a fixed monthly fee per web ACL; the demo relies on stage throttling and the request model instead.',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG6',
      reason: 'Execution logging needs the account-wide API Gateway CloudWatch role; JSON access logs record every request.',
    });
  }
}

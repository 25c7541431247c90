import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { IDEMPOTENCY_KEY_ATTRIBUTE, IDEMPOTENCY_TTL_ATTRIBUTE, IDEMPOTENCY_WINDOW_SECONDS } from '../lambda/idempotency-settings';
import { Operations } from './operations';

/** Receives before a payment request is given up on and parked in the DLQ. */
export const MAX_RECEIVE_COUNT = 3;

/** Also the longest an in-progress lock can outlive a crashed invocation. */
export const CHARGE_TIMEOUT = Duration.seconds(20);

/** The only calls the Powertools DynamoDB persistence layer makes on its table. */
export const IDEMPOTENCY_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

export class IdempotentEventHandlerStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const ops = new Operations(this, 'Operations');

    const dlq = new Queue(this, 'PaymentRequestsDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const queue = new Queue(this, 'PaymentRequests', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the function timeout: a redelivered copy of a message whose invocation died
      // arrives after that invocation's in-progress lock has expired, not while it still blocks.
      visibilityTimeout: Duration.seconds(CHARGE_TIMEOUT.toSeconds() * 6),
      // No longer than the idempotency window, so every copy SQS can still deliver is covered by a record.
      retentionPeriod: Duration.seconds(IDEMPOTENCY_WINDOW_SECONDS),
      deadLetterQueue: { queue: dlq, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    // One item per payment key; DynamoDB TTL deletes it some time after its expiration,
    // and Powertools treats it as gone from the moment it expires.
    const idempotencyRecords = new TableV2(this, 'IdempotencyRecords', {
      partitionKey: { name: IDEMPOTENCY_KEY_ATTRIBUTE, type: AttributeType.STRING },
      timeToLiveAttribute: IDEMPOTENCY_TTL_ATTRIBUTE,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // The fake provider's ledger: one item per charge, so a double charge is two items under one paymentId.
    const payments = new TableV2(this, 'Payments', {
      partitionKey: { name: 'paymentId', type: AttributeType.STRING },
      sortKey: { name: 'chargeId', type: AttributeType.STRING },
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const logGroup = new LogGroup(this, 'ChargePaymentsLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, 'ChargePaymentsRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Charge payments: consume the payment queue, keep idempotency records, record charges.',
    });
    logGroup.grantWrite(role);
    // Granted by hand: grantReadWriteData would add Scan, Query and batch writes the function never makes.
    role.addToPolicy(new PolicyStatement({ actions: IDEMPOTENCY_TABLE_ACTIONS, resources: [idempotencyRecords.tableArn] }));
    role.addToPolicy(new PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [payments.tableArn] }));

    const chargePayments = new NodejsFunction(this, 'ChargePayments', {
      role,
      entry: path.join(__dirname, '..', 'lambda', 'charge-payments.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: CHARGE_TIMEOUT,
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      environment: {
        IDEMPOTENCY_TABLE_NAME: idempotencyRecords.tableName,
        PAYMENTS_TABLE_NAME: payments.tableName,
      },
      // Powertools is bundled; the AWS SDK it drives comes with the runtime.
      bundling: { minify: true, sourceMap: true, externalModules: ['@aws-sdk/*'] },
    });
    chargePayments.addEventSource(
      new SqsEventSource(queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        // Caps the charges in flight at once, protecting the payment provider behind the function.
        maxConcurrency: 5,
      }),
    );

    Validations.of(dlq).acknowledge(
      {
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself the dead-letter queue; a DLQ for it would only move the same messages again.',
      },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason: 'This queue is itself the dead-letter queue; messages stay here 14 days for inspection and redrive.',
      },
    );
    Validations.of(chargePayments).acknowledge(
      {
        id: 'Serverless-LambdaDLQ',
        reason: 'The function is invoked by an SQS event source mapping, not asynchronously; failed messages go to the queue DLQ.',
      },
      {
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason: 'SQS event source mappings do not support on-failure destinations; the source queue redrive policy is the failure path.',
      },
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });

    // A refused or repeatedly failing payment is a partial batch failure, which never raises Errors:
    // the DLQ is where it shows.
    ops.whenQueueHoldsMessages(
      'PaymentRequestsDlqAlarm',
      dlq,
      `A payment request failed ${MAX_RECEIVE_COUNT} receives and was parked in PaymentRequestsDlq. Read ChargePayments' ERROR log lines for its sqsMessageId: a refused paymentId reuse needs the producer fixed, not a redrive.`,
    );
    ops.whenFunctionErrors(
      'ChargePaymentsErrorsAlarm',
      chargePayments,
      'ChargePayments failed whole invocations (timeout, crash, bad deploy); their batches return to the queue and in-progress locks expire after the function timeout. Check its log group.',
    );

    new CfnOutput(this, 'AlarmTopicArn', { value: ops.alarmTopic.topicArn, description: 'Subscribe here to hear about parked payments and function errors.' });
    new CfnOutput(this, 'QueueUrl', { value: queue.queueUrl, description: 'Send payment requests here.' });
    new CfnOutput(this, 'DlqUrl', { value: dlq.queueUrl });
    new CfnOutput(this, 'PaymentsTableName', { value: payments.tableName });
    new CfnOutput(this, 'IdempotencyTableName', { value: idempotencyRecords.tableName });
    new CfnOutput(this, 'LogGroupName', { value: logGroup.logGroupName });
  }
}

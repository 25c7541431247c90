import * as path from 'node:path';
import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AwsIntegration,
  EndpointType,
  JsonSchemaType,
  JsonSchemaVersion,
  LogGroupLogDestination,
  MethodLoggingLevel,
  PassthroughBehavior,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** The consumer's time budget per batch; the queue's visibility timeout is derived from it. */
const CONSUMER_TIMEOUT = Duration.seconds(10);

/**
 * How many copies of the consumer may run at once. This is the whole point of the
 * pattern: the datastore behind the consumer only ever sees this many writers.
 */
const MAX_WRITERS = 2;

/** A webhook older than this in the queue means the capped drain rate no longer keeps up. */
export const MAX_QUEUE_AGE = Duration.minutes(15);

/**
 * Context key that turns on reserved concurrency for the consumer. Off by default: a new
 * account's concurrency quota is 10 and Lambda keeps 100 unreserved, so any reservation
 * fails there. The event source's maximum concurrency caps the copies either way.
 */
export const RESERVE_CONCURRENCY_CONTEXT = 'reserveConcurrency';

export class TheScalableWebhookStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // --- Operations: one topic for every alarm, e-mailed only when an address is given. ---

    const alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'The Scalable Webhook alarms', enforceSSL: true });
    const alarmEmail: unknown = this.node.tryGetContext('alarmEmail');
    if (typeof alarmEmail === 'string' && alarmEmail.length > 0) {
      Validations.of(alarmTopic.addSubscription(new EmailSubscription(alarmEmail))).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }
    Validations.of(alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states.',
    });
    const notify = new SnsAction(alarmTopic);
    const reserve = ['true', true].includes(this.node.tryGetContext(RESERVE_CONCURRENCY_CONTEXT));

    // --- Buffer: the queue absorbs bursts the datastore could not take. ---

    const dlq = new Queue(this, 'WebhookDlq', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });

    const queue = new Queue(this, 'WebhookQueue', {
      // AWS guidance: at least six times the function timeout, so a message is not
      // handed to a second consumer while the first is still retrying its batch.
      visibilityTimeout: Duration.seconds(CONSUMER_TIMEOUT.toSeconds() * 6),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // A message that fails three receives is poison (for example a malformed body);
      // park it instead of letting it cycle for the whole retention period.
      deadLetterQueue: { queue: dlq, maxReceiveCount: 3 },
    });

    // --- Datastore: stands in for something that cannot scale like Lambda (say, RDS). ---

    const messages = new TableV2(this, 'Messages', {
      partitionKey: { name: 'messageId', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // A demo stack should leave nothing behind on `cdk destroy`.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // --- Consumer: drains the queue at a capped rate. ---

    const consumerLogs = new LogGroup(this, 'ConsumerLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An explicit role instead of the AWS managed basic-execution policy, whose
    // log permissions reach every log group in the account.
    const consumerRole = new Role(this, 'ConsumerRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Webhook consumer: write its own logs, read the webhook queue, put items in the messages table.',
    });
    consumerLogs.grantWrite(consumerRole);

    const consumer = new NodejsFunction(this, 'Consumer', {
      role: consumerRole,
      entry: path.join(__dirname, '..', 'lambda', 'consumer.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: CONSUMER_TIMEOUT,
      // Opt-in (-c reserveConcurrency=true): guarantees the two copies, but fails in a new account.
      reservedConcurrentExecutions: reserve ? MAX_WRITERS : undefined,
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup: consumerLogs,
      environment: { MESSAGES_TABLE_NAME: messages.tableName },
      bundling: { minify: true, sourceMap: true },
    });
    // Least privilege: the consumer only ever inserts; it never reads, updates or deletes.
    messages.grant(consumer, 'dynamodb:PutItem');

    consumer.addEventSource(
      new SqsEventSource(queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        // This is the cap: the poller never runs more than two copies at once. With
        // reserved concurrency on, the two match, so Lambda never pulls batches it
        // cannot run (throttled batches count as receives and push messages to the DLQ).
        maxConcurrency: MAX_WRITERS,
      }),
    );

    new Alarm(this, 'WebhookDlqAlarm', {
      metric: dlq.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'A webhook failed three receives and was parked in WebhookDlq. Read the consumer log line "webhook not stored" for the cause, fix it, then redrive WebhookDlq to WebhookQueue.',
    }).addAlarmAction(notify);
    new Alarm(this, 'ConsumerErrorsAlarm', {
      metric: consumer.metricErrors({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'The webhook consumer failed whole invocations (timeout, crash or bad deploy), so whole batches go back to the queue. Check its log group and roll back a bad deploy.',
    }).addAlarmAction(notify);
    new Alarm(this, 'WebhookQueueAgeAlarm', {
      metric: queue.metricApproximateAgeOfOldestMessage({ statistic: Stats.MAXIMUM, period: Duration.minutes(5) }),
      threshold: MAX_QUEUE_AGE.toSeconds(),
      evaluationPeriods: 3,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'The oldest webhook has waited 15 minutes or more for 15 minutes: the capped consumer no longer keeps up. Check the datastore, then raise the cap if it can take more; messages expire after four days.',
    }).addAlarmAction(notify);

    // --- Front door: API Gateway writes straight to SQS, no publisher function. ---

    const apiRole = new Role(this, 'ApiRole', {
      assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
      description: 'Lets the webhook API send messages to the webhook queue and nothing else.',
    });
    apiRole.addToPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const api = new RestApi(this, 'WebhookApi', {
      description: 'Accepts webhook POSTs and queues them for the consumer.',
      endpointTypes: [EndpointType.REGIONAL],
      // The account-wide API Gateway logging role is shared by every API in the
      // region; a demo stack should not take it over.
      cloudWatchRole: false,
      deployOptions: {
        stageName: 'prod',
        tracingEnabled: true,
        loggingLevel: MethodLoggingLevel.OFF,
        // The queue can absorb far more than the consumer drains; this only stops a
        // flood from running up the bill.
        throttlingRateLimit: 100,
        throttlingBurstLimit: 200,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            path: '$context.resourcePath',
            status: '$context.status',
            // What SQS answered, so a 500 can be traced to its cause.
            integrationStatus: '$context.integration.status',
            integrationError: '$context.integration.error',
            validationError: '$context.error.validationErrorString',
            latencyMs: '$context.responseLatency',
          }),
        ),
      },
    });

    const sendToQueue = new AwsIntegration({
      service: 'sqs',
      path: `${Aws.ACCOUNT_ID}/${queue.queueName}`,
      integrationHttpMethod: 'POST',
      options: {
        credentialsRole: apiRole,
        // Anything but JSON is refused with 415 rather than forwarded untouched.
        passthroughBehavior: PassthroughBehavior.NEVER,
        requestParameters: {
          'integration.request.header.Content-Type': "'application/x-www-form-urlencoded'",
          // Ask SQS for JSON so the response template can pick out the message id.
          'integration.request.header.Accept': "'application/json'",
        },
        requestTemplates: {
          // The SQS query API: the whole webhook body becomes the message body, and the
          // API request id travels along so a stored record can be traced to its call.
          'application/json': [
            'Action=SendMessage',
            'MessageBody=$util.urlEncode($input.body)',
            'MessageAttribute.1.Name=apiRequestId',
            'MessageAttribute.1.Value.DataType=String',
            'MessageAttribute.1.Value.StringValue=$util.urlEncode($context.requestId)',
          ].join('&'),
        },
        integrationResponses: [
          {
            statusCode: '202',
            responseTemplates: {
              'application/json': JSON.stringify({
                accepted: true,
                messageId: "$input.path('$.SendMessageResponse.SendMessageResult.MessageId')",
                requestId: '$context.requestId',
              }),
            },
          },
          {
            // Any refusal from SQS is our problem, not the sender's: answer 500 so that
            // webhook providers retry, and keep the SQS error text out of the response.
            statusCode: '500',
            selectionPattern: '[45]\\d{2}',
            responseTemplates: {
              'application/json': JSON.stringify({
                accepted: false,
                message: 'The webhook could not be queued; please retry.',
                requestId: '$context.requestId',
              }),
            },
          },
        ],
      },
    });

    const webhookBody = api.addModel('WebhookBody', {
      contentType: 'application/json',
      modelName: 'WebhookBody',
      schema: {
        schema: JsonSchemaVersion.DRAFT4,
        title: 'WebhookBody',
        description: 'Any non-empty JSON object; the consumer stores it as received.',
        type: JsonSchemaType.OBJECT,
        minProperties: 1,
      },
    });

    const webhook = api.root.addResource('webhook');
    webhook.addMethod('POST', sendToQueue, {
      // The method declares no parameters, so checking them costs nothing; the body check is the one that bites.
      requestValidatorOptions: {
        requestValidatorName: 'webhook-body',
        validateRequestBody: true,
        validateRequestParameters: true,
      },
      requestModels: { 'application/json': webhookBody },
      methodResponses: [{ statusCode: '202' }, { statusCode: '500' }],
    });

    new CfnOutput(this, 'WebhookUrl', { value: api.urlForPath('/webhook'), description: 'POST JSON webhooks here.' });
    new CfnOutput(this, 'QueueUrl', { value: queue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: dlq.queueUrl });
    new CfnOutput(this, 'TableName', { value: messages.tableName });
    new CfnOutput(this, 'ConsumerName', { value: consumer.functionName });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });

    Validations.of(api).acknowledge(
      {
        id: 'AwsSolutions-APIG4',
        reason: 'A public demo endpoint; put a Lambda authorizer that checks the provider signature, or an API key, in front before real use.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason: 'Webhook senders are third-party services, not Cognito users; a user pool authorizer does not fit.',
      },
    );
    Validations.of(api.deploymentStage).acknowledge(
      {
        id: 'AwsSolutions-APIG3',
        reason: 'A WAF web ACL costs a fixed monthly fee the demo does not need; stage throttling and body validation already limit abuse.',
      },
      {
        id: 'AwsSolutions-APIG6',
        reason: 'Execution logging needs the account-wide API Gateway CloudWatch role, a shared setting this stack must not change; access logs record every call and its SQS status.',
      },
    );
    Validations.of(consumer).acknowledge(
      {
        id: 'Serverless-LambdaDLQ',
        reason: 'Only the SQS event source mapping invokes the function; failed messages reach WebhookDlq through the queue redrive policy, and a function DLQ only serves async invokes.',
      },
      {
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason: 'Lambda does not support on-failure destinations for SQS event sources; the queue redrive policy to WebhookDlq plays that role.',
      },
    );
    Validations.of(dlq).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: 'This is the dead-letter queue itself; messages wait here for inspection and redrive, a further DLQ would only move them again.',
    });
    Validations.of(consumerRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
  }
}

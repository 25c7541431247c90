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
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { SubscriptionFilter, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ORDER_ID_PATTERN, STATUS_PATTERN } from '../lambda/order-events';

/** Receives before a message is given up on and moved to its queue's DLQ. */
export const MAX_RECEIVE_COUNT = 3;

const CONSUMER_TIMEOUT = Duration.seconds(10);

// SNS's query API expects a form-encoded body; API Gateway sends it with this header.
const CONTENT_TYPE_HEADER = 'integration.request.header.Content-Type';
const FORM_ENCODED = "'application/x-www-form-urlencoded'";

export class TheBigFanStack extends Stack {
  /** Where every alarm of the stack sends its state changes. */
  readonly alarmTopic: Topic;
  private readonly notify: SnsAction;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Operations plumbing: one topic for every alarm, with an e-mail subscription only when asked for.
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'The Big Fan alarms',
      enforceSSL: true,
    });
    const alarmEmail: unknown = this.node.tryGetContext('alarmEmail');
    if (typeof alarmEmail === 'string' && alarmEmail.length > 0) {
      const email = this.alarmTopic.addSubscription(new EmailSubscription(alarmEmail));
      Validations.of(email).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }
    Validations.of(this.alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states.',
    });
    this.notify = new SnsAction(this.alarmTopic);
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn, description: 'Subscribe here to hear about DLQ messages and consumer errors.' });

    const topic = new Topic(this, 'OrderEvents', {
      displayName: 'Order events published by the orders API',
      enforceSSL: true,
      // The AWS managed key lets any principal in the account publish through SNS,
      // so the API role needs no KMS permission beside sns:Publish.
      masterKey: Alias.fromAliasName(this, 'SnsManagedKey', 'alias/aws/sns'),
    });

    const created = this.addConsumer('CreatedOrders', 'created-orders.ts');
    const updates = this.addConsumer('OrderUpdates', 'order-updates.ts');

    // Routing happens in SNS, so each consumer is only invoked (and billed) for its own events.
    const subscriptions = [
      topic.addSubscription(
        new SqsSubscription(created.queue, {
          filterPolicy: { status: SubscriptionFilter.stringFilter({ allowlist: ['created'] }) },
        }),
      ),
      topic.addSubscription(
        new SqsSubscription(updates.queue, {
          filterPolicy: { status: SubscriptionFilter.stringFilter({ denylist: ['created'] }) },
        }),
      ),
    ];
    for (const subscription of subscriptions) {
      Validations.of(subscription).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'SNS retries delivery to an SQS queue in the same account for days; only a broken queue policy could exhaust that.',
      });
    }

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const api = new RestApi(this, 'OrdersApi', {
      description: 'Accepts order events and publishes them to SNS.',
      endpointTypes: [EndpointType.REGIONAL],
      // Execution logging needs an account-wide role setting; access logs cover this demo.
      cloudWatchRole: false,
      deployOptions: {
        stageName: 'v1',
        tracingEnabled: true,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
        // A backstop for the whole stage, then a tighter limit on the one public method.
        throttlingRateLimit: 50,
        throttlingBurstLimit: 100,
        methodOptions: {
          '/orders/POST': { throttlingRateLimit: 20, throttlingBurstLimit: 40 },
        },
      },
    });

    const orderModel = api.addModel('OrderEventModel', {
      contentType: 'application/json',
      modelName: 'OrderEvent',
      schema: {
        schema: JsonSchemaVersion.DRAFT4,
        title: 'OrderEvent',
        type: JsonSchemaType.OBJECT,
        required: ['orderId', 'status', 'total'],
        additionalProperties: false,
        properties: {
          orderId: { type: JsonSchemaType.STRING, pattern: ORDER_ID_PATTERN },
          status: { type: JsonSchemaType.STRING, pattern: STATUS_PATTERN },
          total: { type: JsonSchemaType.NUMBER, minimum: 0 },
        },
      },
    });

    const publishRole = new Role(this, 'ApiPublishRole', {
      assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
      description: 'Lets the orders API publish to the order events topic and nothing else.',
      inlinePolicies: {
        PublishOrderEvents: new PolicyDocument({
          statements: [
            new PolicyStatement({ effect: Effect.ALLOW, actions: ['sns:Publish'], resources: [topic.topicArn] }),
          ],
        }),
      },
    });

    // The body becomes the Message, and its status the attribute the subscription filters match on.
    const publishTemplate = [
      'Action=Publish',
      `TopicArn=$util.urlEncode('${topic.topicArn}')`,
      'Message=$util.urlEncode($input.body)',
      'MessageAttributes.entry.1.Name=status',
      'MessageAttributes.entry.1.Value.DataType=String',
      "MessageAttributes.entry.1.Value.StringValue=$util.urlEncode($input.path('$.status'))",
    ].join('&');

    const publishIntegration = new AwsIntegration({
      service: 'sns',
      action: 'Publish',
      integrationHttpMethod: 'POST',
      options: {
        credentialsRole: publishRole,
        // Only JSON bodies have a template; anything else is refused with 415, not forwarded.
        passthroughBehavior: PassthroughBehavior.NEVER,
        requestTemplates: { 'application/json': publishTemplate },
        requestParameters: { [CONTENT_TYPE_HEADER]: FORM_ENCODED },
        integrationResponses: [
          {
            selectionPattern: '2\\d{2}',
            statusCode: '202',
            responseTemplates: {
              'application/json':
                '{"messageId": "$input.path(\'$.PublishResponse.PublishResult.MessageId\')"}',
            },
          },
          {
            // Anything else is our fault, not the caller's; keep SNS's error text out of the response.
            statusCode: '500',
            responseTemplates: { 'application/json': '{"message": "The order event could not be published."}' },
          },
        ],
      },
    });

    api.root.addResource('orders').addMethod('POST', publishIntegration, {
      requestValidator: api.addRequestValidator('OrderValidator', {
        requestValidatorName: 'order-event',
        validateRequestBody: true,
        validateRequestParameters: true,
      }),
      requestModels: { 'application/json': orderModel },
      methodResponses: [
        { statusCode: '202', responseModels: { 'application/json': Model.EMPTY_MODEL } },
        { statusCode: '500', responseModels: { 'application/json': Model.ERROR_MODEL } },
      ],
    });

    new CfnOutput(this, 'OrdersUrl', { value: api.urlForPath('/orders'), description: 'POST order events here.' });
    new CfnOutput(this, 'TopicArn', { value: topic.topicArn });

    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'A public demo endpoint, throttled per method; put an IAM or Cognito authorizer in front before real use.',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-COG4',
      reason: 'Callers are not Cognito users in this demo; the authorizer choice is left to the adopter (see APIG4).',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason: 'WAF costs a fixed monthly fee per web ACL; the demo relies on stage and method throttling instead.',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG6',
      reason: 'Execution logging needs the account-wide API Gateway CloudWatch role; JSON access logs record every request.',
    });
  }

  /** One filtered queue with its own DLQ, drained by its own Lambda consumer. */
  private addConsumer(id: string, handlerFile: string) {
    const dlq = new Queue(this, `${id}Dlq`, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const queue = new Queue(this, id, {
      // SQS-managed keys: SNS can deliver to them without a key policy grant.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the function timeout, so a slow batch is not redelivered while still running.
      visibilityTimeout: Duration.seconds(CONSUMER_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: dlq, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    const logGroup = new LogGroup(this, `${id}ConsumerLogs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, `${id}ConsumerRole`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${id} consumer: write its own logs, consume its own queue.`,
    });
    logGroup.grantWrite(role);

    const consumer = new NodejsFunction(this, `${id}Consumer`, {
      role,
      entry: path.join(__dirname, '..', 'lambda', handlerFile),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: CONSUMER_TIMEOUT,
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      bundling: { minify: true, sourceMap: true },
    });
    consumer.addEventSource(
      new SqsEventSource(queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        // Caps how many copies a burst can start, protecting whatever the consumer calls next.
        maxConcurrency: 5,
      }),
    );

    Validations.of(dlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue; a DLQ for it would only move the same messages again.',
    });
    Validations.of(dlq).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: 'This queue is itself the dead-letter queue; messages stay here 14 days for inspection and redrive.',
    });
    Validations.of(consumer).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'The function is invoked by an SQS event source mapping, not asynchronously; failed messages go to the queue DLQ.',
    });
    Validations.of(consumer).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason: 'SQS event source mappings do not support on-failure destinations; the source queue redrive policy is the failure path.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });

    // Partial batch failures never raise Errors, so the DLQ is where a rejected event shows up.
    new Alarm(this, `${id}DlqAlarm`, {
      metric: dlq.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `An order event failed ${MAX_RECEIVE_COUNT} times and was parked in ${id}Dlq. Read the consumer's ERROR log lines for the reason, fix the cause, then redrive the DLQ to ${id}.`,
    }).addAlarmAction(this.notify);
    // A whole invocation failing (timeout, crash, bad deploy) shows here long before the DLQ fills.
    new Alarm(this, `${id}ConsumerErrorsAlarm`, {
      metric: consumer.metricErrors({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `The ${id} consumer failed whole invocations; its batches return to the queue. Check the function's log group for timeouts or crashes and roll back a bad deploy.`,
    }).addAlarmAction(this.notify);

    new CfnOutput(this, `${id}LogGroupName`, { value: logGroup.logGroupName });
    new CfnOutput(this, `${id}DlqUrl`, { value: dlq.queueUrl });

    return { queue, dlq, consumer, logGroup };
  }
}

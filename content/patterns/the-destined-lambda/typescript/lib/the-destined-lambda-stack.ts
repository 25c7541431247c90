import * as path from 'node:path';
import { CfnOutput, Duration, Fn, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
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
import { Alarm, ComparisonOperator, type Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { EventBus, Match, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { EventBridgeDestination, SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { MAX_MESSAGE_LENGTH } from '../lambda/processor';
import { FAILURE_DETAIL_TYPE, SUCCESS_DETAIL_TYPE } from '../lambda/results';

/**
 * The processor's failures are mostly about the input, so one retry is enough to ride out a
 * transient error without making the failure record wait for two more backoff periods.
 */
export const PROCESSOR_RETRIES = 1;
/** A message still unprocessed after an hour (say, behind a throttling backlog) is reported, not handled late. */
export const PROCESSOR_MAX_AGE = Duration.hours(1);

// SNS's query API expects a form-encoded body; API Gateway sends it with this header.
const CONTENT_TYPE_HEADER = 'integration.request.header.Content-Type';
const FORM_ENCODED = "'application/x-www-form-urlencoded'";

export class TheDestinedLambdaStack extends Stack {
  private readonly resultsDlq: Queue;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const topic = new Topic(this, 'Messages', {
      displayName: 'Messages accepted by the API',
      enforceSSL: true,
      // The AWS managed key needs no key policy grant for API Gateway to publish or SNS to invoke Lambda.
      masterKey: Alias.fromAliasName(this, 'SnsManagedKey', 'alias/aws/sns'),
    });

    // Lambda puts every invocation record here; nothing else publishes to this bus.
    const bus = new EventBus(this, 'InvocationResults', { description: 'On-success and on-failure records of the processor.' });

    // Catches what the record handlers themselves could not take: undeliverable events and handler errors.
    this.resultsDlq = new Queue(this, 'ResultsDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    const processor = new NodejsFunction(this, 'Processor', {
      ...this.functionProps('Processor', 'processor.ts', 'Processor: write its own logs, send records to the results bus.'),
      retryAttempts: PROCESSOR_RETRIES,
      maxEventAge: PROCESSOR_MAX_AGE,
      onSuccess: new EventBridgeDestination(bus),
      onFailure: new EventBridgeDestination(bus),
    });
    const subscription = topic.addSubscription(new LambdaSubscription(processor));

    // Records of this function only: the ARN in a record carries a qualifier, hence the trailing colon.
    const fromProcessor = { requestContext: { functionArn: Match.prefix(Fn.join('', [processor.functionArn, ':'])) } };
    const successHandler = this.addRecordHandler('Success', 'on-success.ts', bus, SUCCESS_DETAIL_TYPE, fromProcessor);
    const failureHandler = this.addRecordHandler('Failure', 'on-failure.ts', bus, FAILURE_DETAIL_TYPE, fromProcessor);

    // --- Operations: one alarm topic; every failed attempt and every failure record reaches it. ---
    const alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'The Destined Lambda alarms', enforceSSL: true });
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
    const alarm = (id: string, metric: Metric, alarmDescription: string) =>
      new Alarm(this, id, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription,
      }).addAlarmAction(notify);
    const everyFiveMinutes = { statistic: Stats.SUM, period: Duration.minutes(5) };
    alarm(
      'ProcessorErrorsAlarm',
      processor.metricErrors(everyFiveMinutes),
      'A Processor attempt failed; Lambda retries once, then sends a failure record. Read ProcessorLogs for the error type.',
    );
    // A failure record also covers events dropped for age (EventAgeExceeded), which raise no Errors.
    alarm(
      'ProcessorFailureRecordsAlarm',
      failureHandler.metricInvocations(everyFiveMinutes),
      'The Processor gave up on a message and a failure record reached FailureHandler. Its log line holds the error and the original message to fix and republish.',
    );
    alarm(
      'SuccessHandlerErrorsAlarm',
      successHandler.metricErrors(everyFiveMinutes),
      'SuccessHandler failed on a success record; after two retries the record goes to ResultsDlq. Check SuccessHandlerLogs.',
    );
    alarm(
      'FailureHandlerErrorsAlarm',
      failureHandler.metricErrors(everyFiveMinutes),
      'FailureHandler failed on a failure record; after two retries the record goes to ResultsDlq. Check FailureHandlerLogs.',
    );
    alarm(
      'ResultsDlqAlarm',
      this.resultsDlq.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period: Duration.minutes(1) }),
      'An invocation record could not be delivered to, or was not handled by, a record handler and is parked in ResultsDlq. Inspect it, fix the handler, then redrive or republish it.',
    );

    const api = this.addApi(topic);

    new CfnOutput(this, 'MessagesUrl', { value: api.urlForPath('/messages'), description: 'POST messages here.' });
    new CfnOutput(this, 'TopicArn', { value: topic.topicArn });
    new CfnOutput(this, 'ResultsDlqUrl', { value: this.resultsDlq.queueUrl });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });

    Validations.of(processor).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Lambda Destinations replace the legacy DLQ: the on-failure record goes to EventBridge with the error and the input.',
    });
    Validations.of(subscription).acknowledge({
      id: 'Serverless-SNSRedrivePolicy',
      reason: 'SNS retries delivery to Lambda for days and Lambda queues the async invoke; processing failures go to the destinations.',
    });
    Validations.of(this.resultsDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue for the record handlers; it has nowhere further to send.',
    });
    Validations.of(this.resultsDlq).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: 'This queue is itself the dead-letter queue; messages stay 14 days for inspection and redrive.',
    });
  }

  private functionProps(id: string, file: string, description: string): NodejsFunctionProps {
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

  /** A rule on the results bus for one detail-type, and the small function it invokes. */
  private addRecordHandler(id: string, file: string, bus: EventBus, detailType: string, detail: Record<string, unknown>) {
    const fn = new NodejsFunction(this, `${id}Handler`, {
      ...this.functionProps(`${id}Handler`, file, `${id} record handler: write its own logs, park failures.`),
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: new SqsDestination(this.resultsDlq),
    });
    new Rule(this, `${id}Rule`, {
      eventBus: bus,
      description: `Sends the processor's ${id.toLowerCase()} records to ${id}Handler.`,
      eventPattern: { source: ['lambda'], detailType: [detailType], detail },
      targets: [
        new LambdaFunction(fn, { retryAttempts: 4, maxEventAge: Duration.hours(1), deadLetterQueue: this.resultsDlq }),
      ],
    });
    Validations.of(fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'An on-failure destination to the ResultsDlq queue replaces the legacy function DLQ and also records the error.',
    });
    return fn;
  }

  private addApi(topic: Topic) {
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const api = new RestApi(this, 'MessagesApi', {
      description: 'Publishes messages straight to SNS.',
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

    const model = api.addModel('MessageModel', {
      contentType: 'application/json',
      modelName: 'Message',
      schema: {
        schema: JsonSchemaVersion.DRAFT4,
        title: 'Message',
        type: JsonSchemaType.OBJECT,
        required: ['message'],
        additionalProperties: false,
        properties: { message: { type: JsonSchemaType.STRING, minLength: 1, maxLength: MAX_MESSAGE_LENGTH } },
      },
    });

    const publishRole = new Role(this, 'ApiPublishRole', {
      assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
      description: 'Lets the messages API publish to the one topic and nothing else.',
      inlinePolicies: {
        PublishMessages: new PolicyDocument({
          statements: [new PolicyStatement({ effect: Effect.ALLOW, actions: ['sns:Publish'], resources: [topic.topicArn] })],
        }),
      },
    });

    const integration = new AwsIntegration({
      service: 'sns',
      action: 'Publish',
      integrationHttpMethod: 'POST',
      options: {
        credentialsRole: publishRole,
        // Only JSON bodies have a template; anything else is refused with 415, not forwarded.
        passthroughBehavior: PassthroughBehavior.NEVER,
        requestParameters: { [CONTENT_TYPE_HEADER]: FORM_ENCODED },
        requestTemplates: {
          'application/json': ['Action=Publish', `TopicArn=$util.urlEncode('${topic.topicArn}')`, 'Message=$util.urlEncode($input.body)'].join('&'),
        },
        integrationResponses: [
          {
            selectionPattern: '2\\d{2}',
            statusCode: '202',
            responseTemplates: {
              'application/json': '{"messageId": "$input.path(\'$.PublishResponse.PublishResult.MessageId\')"}',
            },
          },
          {
            // Anything else is on our side; SNS's error text stays out of the response.
            statusCode: '500',
            responseTemplates: { 'application/json': '{"message": "The message could not be published."}' },
          },
        ],
      },
    });

    api.root.addResource('messages').addMethod('POST', integration, {
      requestValidator: api.addRequestValidator('MessageValidator', {
        validateRequestBody: true,
        validateRequestParameters: true,
      }),
      requestModels: { 'application/json': model },
      methodResponses: [
        { statusCode: '202', responseModels: { 'application/json': Model.EMPTY_MODEL } },
        { statusCode: '500', responseModels: { 'application/json': Model.ERROR_MODEL } },
      ],
    });

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
    return api;
  }
}

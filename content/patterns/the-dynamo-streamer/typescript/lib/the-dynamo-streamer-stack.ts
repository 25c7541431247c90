import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
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
import { AttributeType, Billing, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, StartingPosition, Tracing } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** The states a service can report; the request model refuses anything else. */
export const STATUSES = ['operational', 'degraded', 'outage', 'maintenance'] as const;
/** Lower-case words and hyphens only, so the value can go into the mapping template unescaped. */
export const SERVICE_PATTERN = '^[a-z0-9][a-z0-9-]{0,62}$';

/** Stream settings, exported so the tests pin the same numbers the stack uses. */
export const STREAM = {
  batchSize: 100,
  retryAttempts: 3,
  maxRecordAgeHours: 1,
  /** A watcher this far behind the stream is alarmed on, well before records reach maxRecordAge. */
  alarmIteratorAgeMinutes: 10,
} as const;

/**
 * PutItem in DynamoDB's JSON wire format. ALL_OLD makes DynamoDB send back the item
 * the write replaced, so the caller learns the previous status at no extra cost.
 */
export function putItemTemplate(tableName: string): string {
  return [
    '{',
    `  "TableName": "${tableName}",`,
    '  "Item": {',
    `    "service": { "S": "$input.path('$.service')" },`,
    `    "status": { "S": "$input.path('$.status')" },`,
    `    #if("$!input.path('$.message')" != "")`,
    // escapeJavaScript also escapes single quotes, which JSON does not allow; undo just that.
    `    "message": { "S": "$util.escapeJavaScript($input.path('$.message')).replaceAll("\\\\'", "'")" },`,
    '    #end',
    '    "updatedAt": { "N": "$context.requestTimeEpoch" },',
    '    "requestId": { "S": "$context.requestId" }',
    '  },',
    '  "ReturnValues": "ALL_OLD"',
    '}',
  ].join('\n');
}

export const SAVED_TEMPLATE = [
  `#set($previous = $input.path('$.Attributes.status.S'))`,
  '{"saved": true, "previousStatus": #if("$!previous" == "")null#else"$previous"#end, "requestId": "$context.requestId"}',
].join('\n');

export class TheDynamoStreamerStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // --- The table: one item per service, every change published on its stream. ---

    const statuses = new TableV2(this, 'Statuses', {
      partitionKey: { name: 'service', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      // Old and new images let the consumer say what a status changed from, not only to.
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // A demo stack should leave nothing behind on `cdk destroy`.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // --- Write path: API Gateway calls PutItem itself; no function runs per request. ---

    const apiRole = new Role(this, 'StatusApiRole', {
      assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
      description: 'Lets the status API put items in the statuses table and nothing else.',
    });
    apiRole.addToPolicy(new PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [statuses.tableArn] }));

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const api = new RestApi(this, 'StatusApi', {
      description: 'Writes service status reports straight into DynamoDB.',
      endpointTypes: [EndpointType.REGIONAL],
      // The account-wide API Gateway logging role is shared by every API in the region;
      // a demo stack should not take it over.
      cloudWatchRole: false,
      deployOptions: {
        stageName: 'prod',
        tracingEnabled: true,
        loggingLevel: MethodLoggingLevel.OFF,
        // Caps what a flood can cost in API calls and table writes.
        throttlingRateLimit: 50,
        throttlingBurstLimit: 100,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            path: '$context.resourcePath',
            status: '$context.status',
            // What DynamoDB answered, so a 500 can be traced to its cause.
            integrationStatus: '$context.integration.status',
            integrationError: '$context.integration.error',
            validationError: '$context.error.validationErrorString',
            latencyMs: '$context.responseLatency',
          }),
        ),
      },
    });

    const putStatus = new AwsIntegration({
      service: 'dynamodb',
      action: 'PutItem',
      integrationHttpMethod: 'POST',
      options: {
        credentialsRole: apiRole,
        // Only JSON reaches the template; anything else is answered with 415.
        passthroughBehavior: PassthroughBehavior.NEVER,
        requestTemplates: { 'application/json': putItemTemplate(statuses.tableName) },
        integrationResponses: [
          { statusCode: '200', responseTemplates: { 'application/json': SAVED_TEMPLATE } },
          {
            // A refusal from DynamoDB is the service's fault, not the caller's; keep its
            // error text (table names, expressions) out of the public answer.
            statusCode: '500',
            selectionPattern: '[45]\\d{2}',
            responseTemplates: {
              'application/json': JSON.stringify({ saved: false, message: 'The status could not be saved; please retry.', requestId: '$context.requestId' }),
            },
          },
        ],
      },
    });

    const statusReport = api.addModel('StatusReport', {
      contentType: 'application/json',
      modelName: 'StatusReport',
      schema: {
        schema: JsonSchemaVersion.DRAFT4,
        title: 'StatusReport',
        type: JsonSchemaType.OBJECT,
        required: ['service', 'status'],
        additionalProperties: false,
        properties: {
          service: { type: JsonSchemaType.STRING, pattern: SERVICE_PATTERN },
          status: { type: JsonSchemaType.STRING, enum: [...STATUSES] },
          message: { type: JsonSchemaType.STRING, maxLength: 280 },
        },
      },
    });

    api.root.addResource('statuses').addMethod('POST', putStatus, {
      requestValidatorOptions: {
        requestValidatorName: 'status-report',
        validateRequestBody: true,
        validateRequestParameters: true,
      },
      requestModels: { 'application/json': statusReport },
      methodResponses: [{ statusCode: '200' }, { statusCode: '500' }],
    });

    // --- Read side: a function that reacts to the stream after the write has been answered. ---

    const failures = new Queue(this, 'StatusWatcherFailures', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });

    const watcherLogs = new LogGroup(this, 'StatusWatcherLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An explicit role instead of the AWS managed basic-execution policy, whose
    // log permissions reach every log group in the account.
    const watcherRole = new Role(this, 'StatusWatcherRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Status watcher: write its own logs, read the statuses stream, report failed batches.',
    });
    watcherLogs.grantWrite(watcherRole);

    const watcher = new NodejsFunction(this, 'StatusWatcher', {
      role: watcherRole,
      entry: path.join(__dirname, '..', 'lambda', 'status-watcher.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(30),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup: watcherLogs,
      // Bundle the unmarshall helper rather than rely on the copy inside the runtime.
      bundling: { minify: true, sourceMap: true, externalModules: [] },
    });

    watcher.addEventSource(
      new DynamoEventSource(statuses, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: STREAM.batchSize,
        maxBatchingWindow: Duration.seconds(1),
        // One poller per shard keeps the changes of each service in order.
        parallelizationFactor: 1,
        // A bad record is retried from where it failed and, if it keeps failing, split
        // out of its batch and reported to the queue instead of blocking the shard.
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: STREAM.retryAttempts,
        maxRecordAge: Duration.hours(STREAM.maxRecordAgeHours),
        onFailure: new SqsDlq(failures),
      }),
    );

    // --- Operations: every way the read side can fail quietly reaches one alarm topic. ---

    const alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'The Dynamo Streamer alarms', enforceSSL: true });
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
    const alarms: Alarm[] = [
      new Alarm(this, 'StatusWatcherFailuresAlarm', {
        metric: failures.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period: Duration.minutes(1) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription:
          'The watcher gave up on stream records and sent a pointer to StatusWatcherFailures. Read the message for the shard and sequence range, replay those records from the stream within 24 hours, then delete the message.',
      }),
      new Alarm(this, 'StatusWatcherErrorsAlarm', {
        metric: watcher.metricErrors({ statistic: Stats.SUM, period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription:
          'StatusWatcher invocations failed as a whole (timeout, crash or bad deploy), so its shard is retried and held up. Check StatusWatcherLogs and roll back a bad deploy.',
      }),
      new Alarm(this, 'StatusWatcherIteratorAgeAlarm', {
        metric: watcher.metric('IteratorAge', { statistic: Stats.MAXIMUM, period: Duration.minutes(1) }),
        threshold: Duration.minutes(STREAM.alarmIteratorAgeMinutes).toMilliseconds(),
        evaluationPeriods: 5,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription:
          'StatusWatcher is more than 10 minutes behind the stream; records older than an hour will be skipped and reported to StatusWatcherFailures. Look for a record being retried in StatusWatcherLogs.',
      }),
    ];
    for (const alarm of alarms) alarm.addAlarmAction(notify);

    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });
    new CfnOutput(this, 'StatusUrl', { value: api.urlForPath('/statuses'), description: 'POST status reports here.' });
    new CfnOutput(this, 'TableName', { value: statuses.tableName });
    new CfnOutput(this, 'FailureQueueUrl', { value: failures.queueUrl });
    new CfnOutput(this, 'WatcherLogGroup', { value: watcherLogs.logGroupName });

    Validations.of(api).acknowledge(
      {
        id: 'AwsSolutions-APIG4',
        reason: 'A public demo endpoint; add an IAM or Lambda authorizer, or an API key, before services report real status.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason: 'Status reports come from other services, not Cognito users; a user pool authorizer does not fit.',
      },
    );
    Validations.of(api.deploymentStage).acknowledge(
      {
        id: 'AwsSolutions-APIG3',
        reason: 'A web ACL adds a fixed monthly fee the demo does not need; throttling and the request model already bound abuse.',
      },
      {
        id: 'AwsSolutions-APIG6',
        reason: 'Execution logging needs the account-wide API Gateway CloudWatch role, a shared setting this stack must not change; access logs record every call with the DynamoDB status.',
      },
    );
    Validations.of(watcher).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Only the stream event source mapping invokes the function; its on-failure destination is StatusWatcherFailures, and a function DLQ only serves async invokes.',
    });
    Validations.of(watcherRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
    Validations.of(failures).acknowledge(
      {
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself the on-failure destination of the stream mapping; it receives batch pointers, not work to redrive.',
      },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason: 'This queue is itself the on-failure destination; a further dead-letter queue would only move its records again.',
      },
    );
  }
}

import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat, EndpointType, LambdaIntegration, LogGroupLogDestination, RestApi } from 'aws-cdk-lib/aws-apigateway';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { SubscriptionFilter, Topic, TracingConfig } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription, SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { CfnResourcePolicy } from 'aws-cdk-lib/aws-xray';
import type { Construct } from 'constructs';
import { HIGH_VALUE_THRESHOLD } from '../lambda/order';
import { Operations } from './operations';

/** Public, keyless API of European Central Bank reference rates (the external HTTP call). */
export const RATES_API_URL = 'https://api.frankfurter.dev/v1';
export const MAX_RECEIVE_COUNT = 3;

const AUDIT_TIMEOUT = Duration.seconds(10);

export class TheXrayTracerStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const ops = new Operations(this, 'Operations');

    // Undelivered SNS messages and failed async invocations all land here for inspection.
    const failedDeliveries = new Queue(this, 'FailedDeliveries', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    const topic = new Topic(this, 'OrderEvents', {
      displayName: 'Accepted orders',
      // ACTIVE makes SNS record its own segment (time in the topic, delivery to each
      // subscriber) instead of only passing the trace header along.
      tracingConfig: TracingConfig.ACTIVE,
      enforceSSL: true,
      // The AWS managed key: SNS can still deliver to SSE-SQS queues and Lambda without key policy changes.
      masterKey: Alias.fromAliasName(this, 'SnsManagedKey', 'alias/aws/sns'),
    });

    // SNS needs the account's X-Ray resource policy to let it write those segments; scoped to this topic.
    new CfnResourcePolicy(this, 'SnsTracingPolicy', {
      policyName: `${this.stackName}-sns-active-tracing`,
      policyDocument: this.toJsonString({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'SnsActiveTracing',
            Effect: 'Allow',
            Principal: { Service: 'sns.amazonaws.com' },
            Action: ['xray:PutTraceSegments', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
            Resource: '*',
            Condition: {
              StringEquals: { 'aws:SourceAccount': this.account },
              ArnLike: { 'aws:SourceArn': topic.topicArn },
            },
          },
        ],
      }),
    });

    // 1. API -> publisher -> topic
    const publisher = this.tracedFunction('OrderPublisher', 'publisher.ts', 'order-publisher', {
      environment: { TOPIC_ARN: topic.topicArn },
    });
    // sns:Publish on this topic and nothing else. topic.grantPublish() would also add kms:GenerateDataKey* and
    // kms:Decrypt on every key in the account (key/*, narrowed only by an alias condition), because the
    // key is imported by alias. The AWS managed key needs no IAM grant at all: its key policy already lets
    // any principal of this account use it through SNS, which is the only way the publisher reaches it.
    publisher.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const api = new RestApi(this, 'OrdersApi', {
      description: 'Accepts orders and publishes them for tracing through SNS, SQS and Lambda.',
      endpointTypes: [EndpointType.REGIONAL],
      // Execution logging needs an account-wide role setting; access logs cover this demo.
      cloudWatchRole: false,
      deployOptions: {
        stageName: 'v1',
        // Starts the trace: API Gateway samples the request and passes the trace header on.
        tracingEnabled: true,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
        throttlingRateLimit: 20,
        throttlingBurstLimit: 40,
      },
    });
    api.root.addResource('orders').addMethod('POST', new LambdaIntegration(publisher));

    // 2. topic -> queue -> audit writer -> table
    const auditDlq = new Queue(this, 'AuditDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const auditQueue = new Queue(this, 'AuditQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(AUDIT_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: auditDlq, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    const auditTable = new TableV2(this, 'OrderAudit', {
      partitionKey: { name: 'orderId', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const auditWriter = this.tracedFunction('AuditWriter', 'audit-writer.ts', 'audit-writer', {
      timeout: AUDIT_TIMEOUT,
      environment: { AUDIT_TABLE_NAME: auditTable.tableName },
    });
    auditTable.grant(auditWriter, 'dynamodb:PutItem');
    auditWriter.addEventSource(
      new SqsEventSource(auditQueue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 5 }),
    );

    // 3. topic -> currency converter -> public HTTPS API
    const converter = this.tracedFunction('CurrencyConverter', 'currency-converter.ts', 'currency-converter', {
      environment: { RATES_API_URL },
      deadLetterQueue: failedDeliveries,
    });

    // 4. topic (high-value orders only) -> screen
    const screen = this.tracedFunction('HighValueScreen', 'high-value-screen.ts', 'high-value-screen', {
      deadLetterQueue: failedDeliveries,
    });

    // Every subscription sends what SNS cannot deliver to FailedDeliveries instead of dropping it.
    // Raw delivery hands the queue the order itself rather than an SNS envelope around it.
    topic.addSubscription(new SqsSubscription(auditQueue, { rawMessageDelivery: true, deadLetterQueue: failedDeliveries }));
    topic.addSubscription(new LambdaSubscription(converter, { deadLetterQueue: failedDeliveries }));
    topic.addSubscription(
      new LambdaSubscription(screen, {
        deadLetterQueue: failedDeliveries,
        filterPolicy: { total: SubscriptionFilter.numericFilter({ greaterThanOrEqualTo: HIGH_VALUE_THRESHOLD }) },
      }),
    );

    // Every place an order can end up instead of being handled notifies the alarm topic.
    ops.queueNotEmpty('FailedDeliveriesAlarm', failedDeliveries,
      'SNS could not deliver an order, or the converter or screen failed on one after two retries. Read the messages in FailedDeliveries, fix the cause, then replay them.');
    ops.queueNotEmpty('AuditDlqAlarm', auditDlq,
      'An order failed its audit write three times and was not audited. Check the AuditWriter log, then redrive AuditDlq to AuditQueue.');
    ops.functionErrors('AuditWriterErrorsAlarm', auditWriter,
      'The AuditWriter failed a whole batch; its messages return to AuditQueue and may reach AuditDlq. Check its log and traces.');
    ops.functionErrors('CurrencyConverterErrorsAlarm', converter,
      'The CurrencyConverter failed, usually because the rates API answered 5xx or timed out; failed events are retried twice, then go to FailedDeliveries.');
    ops.functionErrors('HighValueScreenErrorsAlarm', screen,
      'The HighValueScreen failed; failed events are retried twice, then go to FailedDeliveries. Check its log and traces.');

    new CfnOutput(this, 'OrdersUrl', { value: api.urlForPath('/orders'), description: 'POST orders here.' });
    new CfnOutput(this, 'AuditTableName', { value: auditTable.tableName });
    new CfnOutput(this, 'FailedDeliveriesUrl', { value: failedDeliveries.queueUrl });
    new CfnOutput(this, 'CurrencyConverterLogGroup', { value: converter.logGroup.logGroupName });

    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason: 'The publisher validates the body and answers 400 itself, so rejected orders also appear in traces.',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'A public, throttled demo endpoint; put an IAM or Cognito authorizer in front before real use.',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-COG4',
      reason: 'Callers are not Cognito users in this demo; the authorizer choice is left to the adopter (see APIG4).',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason: 'WAF costs a fixed monthly fee per web ACL; the demo relies on stage throttling instead.',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG6',
      reason: 'Execution logging needs the account-wide API Gateway CloudWatch role; JSON access logs record every request.',
    });
    for (const queue of [failedDeliveries, auditDlq]) {
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself a dead-letter queue; giving it one would only move the same messages again.',
      });
      Validations.of(queue).acknowledge({
        id: 'Serverless-SQSRedrivePolicy',
        reason: 'This queue is itself a dead-letter queue; messages stay 14 days for inspection and redrive.',
      });
    }
    Validations.of(publisher).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'API Gateway invokes the publisher synchronously and returns its errors to the caller; a DLQ only serves async invokes.',
    });
    Validations.of(auditWriter).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Invoked by an SQS event source mapping, not asynchronously; failed messages go to the AuditDlq redrive queue.',
    });
    Validations.of(auditWriter).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason: 'SQS event source mappings do not support on-failure destinations; the source queue redrive policy is the failure path.',
    });
  }

  /** A Node.js 24 arm64 function with active tracing, JSON logs, its own log group and its own role. */
  private tracedFunction(id: string, file: string, serviceName: string, props: Partial<NodejsFunctionProps>) {
    const logGroup = new LogGroup(this, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${id}: its own logs, X-Ray, and only the resources it is granted below.`,
    });
    logGroup.grantWrite(role);
    const fn = new NodejsFunction(this, id, {
      role,
      entry: path.join(__dirname, '..', 'lambda', file),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      bundling: { minify: true, sourceMap: true },
      ...props,
      environment: { POWERTOOLS_SERVICE_NAME: serviceName, ...props.environment },
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
    return fn;
  }
}

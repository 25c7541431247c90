import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Metric, Stats } from 'aws-cdk-lib/aws-cloudwatch';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { addAlarm } from './alarm';
import { DETAIL_TYPE, EVENT_SOURCE } from './order-bus';

/** Messages per pipe execution: the most an EventBridge bus target takes in one PutEvents call. */
export const PIPE_BATCH_SIZE = 10;

/**
 * The pipe's filter, an EventBridge event pattern over the SQS record. Pipes parses a JSON
 * `body` before matching, so the pattern reaches into the order itself: priority orders only,
 * with an order id, a `cust-` customer id and a positive numeric total. Anything else is
 * deleted from the queue without invoking the enrichment, and is not billed as a pipe request.
 */
export const PIPE_FILTER = {
  body: {
    orderType: ['priority'],
    orderId: [{ exists: true }],
    customerId: [{ prefix: 'cust-' }],
    total: [{ numeric: ['>', 0] }],
  },
};

/**
 * Applied by the pipe to each element the enrichment returns; the result is the `detail` of
 * the event on the bus. Placeholders stand unquoted in value position, so each is replaced by
 * the JSON value at its path: strings arrive quoted, numbers and booleans as they are. It is an
 * allow-list: nothing else of the order (such as its shipping address) leaves the pipe.
 */
export const TARGET_INPUT_TEMPLATE =
  '{"orderId": <$.order.orderId>, "total": <$.order.total>, ' +
  '"customer": {"id": <$.order.customerId>, "known": <$.customer.found>, "name": <$.customer.name>, ' +
  '"tier": <$.customer.tier>, "country": <$.customer.country>}, "sqsMessageId": <$.messageId>}';

/** ERROR records each failed step with its error; no execution data, because payloads carry customer names. */
export const PIPE_LOG_LEVEL = 'ERROR';

export type PriorityOrdersPipeProps = { queue: IQueue; enrichment: IFunction; bus: IEventBus; alarmTopic: ITopic };

/** The pipe itself: SQS source, filter, Lambda enrichment, input template, EventBridge bus target. */
export function addPriorityOrdersPipe(scope: Construct, props: PriorityOrdersPipeProps) {
  const logs = new LogGroup(scope, 'PriorityOrdersPipeLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });

  // Inline statements, so the role carries exactly these and the pipe cannot start before they exist.
  const role = new Role(scope, 'PipeRole', {
    assumedBy: new ServicePrincipal('pipes.amazonaws.com', {
      // Only pipes of this account may assume the role.
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
    description: 'PriorityOrdersPipe: read and delete Orders messages, invoke EnrichOrder, put events on OrderEvents, write its log.',
    inlinePolicies: {
      PriorityOrdersPipe: new PolicyDocument({
        statements: [
          new PolicyStatement({
            effect: Effect.ALLOW,
            actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
            resources: [props.queue.queueArn],
          }),
          new PolicyStatement({ effect: Effect.ALLOW, actions: ['lambda:InvokeFunction'], resources: [props.enrichment.functionArn] }),
          new PolicyStatement({ effect: Effect.ALLOW, actions: ['events:PutEvents'], resources: [props.bus.eventBusArn] }),
          new PolicyStatement({
            effect: Effect.ALLOW,
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            resources: [logs.logGroupArn],
          }),
        ],
      }),
    },
  });

  // The stable L1: @aws-cdk/aws-pipes-alpha is experimental and may change in any release.
  const pipe = new CfnPipe(scope, 'PriorityOrdersPipe', {
    description: 'Priority orders from the Orders queue, enriched with their customer, onto the OrderEvents bus.',
    roleArn: role.roleArn,
    desiredState: 'RUNNING',
    source: props.queue.queueArn,
    sourceParameters: {
      // No batching window: a batch leaves as soon as a poll returns, so a quiet queue adds no wait.
      sqsQueueParameters: { batchSize: PIPE_BATCH_SIZE },
      filterCriteria: { filters: [{ pattern: JSON.stringify(PIPE_FILTER) }] },
    },
    enrichment: props.enrichment.functionArn,
    target: props.bus.eventBusArn,
    targetParameters: {
      eventBridgeEventBusParameters: { source: EVENT_SOURCE, detailType: DETAIL_TYPE },
      inputTemplate: TARGET_INPUT_TEMPLATE,
    },
    logConfiguration: {
      level: PIPE_LOG_LEVEL,
      cloudwatchLogsLogDestination: { logGroupArn: logs.logGroupArn },
    },
  });

  // Covers both stages: an enrichment that throws and a PutEvents the bus refuses.
  addAlarm(scope, 'PipeExecutionFailedAlarm', {
    metric: new Metric({
      namespace: 'AWS/EventBridge/Pipes',
      metricName: 'ExecutionFailed',
      dimensionsMap: { PipeName: pipe.ref },
      statistic: Stats.SUM,
      period: Duration.minutes(5),
    }),
    threshold: 1,
    topic: props.alarmTopic,
    description:
      'A PriorityOrdersPipe execution failed and its batch went back to the Orders queue. Read PriorityOrdersPipeLogs for the failed step and its error.',
  });
  return { pipe, role, logs };
}

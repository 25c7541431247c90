import { Duration, Validations } from 'aws-cdk-lib';
import { Stats } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { addAlarm } from './alarm';
import { ENRICHMENT_TIMEOUT } from './enrich-order';

/** Source queue settings, exported so the tests pin the numbers the stack uses. */
export const ORDERS_QUEUE = {
  /** AWS advises at least five receives for a pipe source, so throttling alone cannot dead-letter a message. */
  maxReceiveCount: 5,
  /** Six times the enrichment timeout, as AWS advises for a pipe source, so a slow batch is not handed out twice. */
  visibilityTimeout: Duration.seconds(ENRICHMENT_TIMEOUT.toSeconds() * 6),
  /** Messages this old mean the pipe is behind or stopped (a pipe that keeps failing can be disabled by the service). */
  alarmAgeSeconds: 600,
} as const;

export type OrdersQueueProps = { alarmTopic: ITopic };

/** The pipe's source: the queue order producers send to, with its dead-letter queue and their alarms. */
export function addOrdersQueue(scope: Construct, props: OrdersQueueProps) {
  const dlq = new Queue(scope, 'OrdersDlq', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  const queue = new Queue(scope, 'Orders', {
    // SQS-managed keys: the pipe role needs no KMS permission to read the queue.
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    visibilityTimeout: ORDERS_QUEUE.visibilityTimeout,
    // The redrive policy sits on the source queue: a pipe's own dead-letter setting does not apply to SQS sources.
    deadLetterQueue: { queue: dlq, maxReceiveCount: ORDERS_QUEUE.maxReceiveCount },
  });

  addAlarm(scope, 'OrdersDlqAlarm', {
    metric: dlq.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period: Duration.minutes(1) }),
    threshold: 1,
    topic: props.alarmTopic,
    description: `A batch holding this order failed ${ORDERS_QUEUE.maxReceiveCount} times in the pipe (enrichment or bus) and the message was parked in OrdersDlq. Read the pipe and EnrichOrder logs for the cause, fix it, then redrive OrdersDlq to Orders.`,
  });
  addAlarm(scope, 'OrdersAgeAlarm', {
    metric: queue.metricApproximateAgeOfOldestMessage({ statistic: Stats.MAXIMUM, period: Duration.minutes(1) }),
    threshold: ORDERS_QUEUE.alarmAgeSeconds,
    topic: props.alarmTopic,
    description: `The oldest message in Orders is over ${ORDERS_QUEUE.alarmAgeSeconds / 60} minutes old: the pipe is behind, retrying, or stopped. Check the pipe's state (and StateReason) in the EventBridge console and its log group.`,
  });

  Validations.of(dlq).acknowledge(
    { id: 'AwsSolutions-SQS3', reason: 'This queue is itself the dead-letter queue; a DLQ for it would only move the same messages again.' },
    { id: 'Serverless-SQSRedrivePolicy', reason: 'This queue is itself the dead-letter queue; messages stay here 14 days for inspection and redrive.' },
  );
  return { queue, dlq };
}

import { Duration, Validations } from 'aws-cdk-lib';
import { Stats } from 'aws-cdk-lib/aws-cloudwatch';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { EVENT_SOURCE } from '../lambda/outbox-item';
import { addAlarm } from './alarm';

/** Delivery settings of the example consumer rule, exported so the tests pin them. */
export const DELIVERY = { retryAttempts: 8, maxEventAgeHours: 2, maxReceiveCount: 5 } as const;

/** The bus the relay publishes to, and one example consumer: a queue that receives every order event. */
export function addOrderEvents(scope: Construct, props: { alarmTopic: ITopic }) {
  const bus = new EventBus(scope, 'OrderBus', { description: 'Order events published from the transactional outbox.' });

  // Events the rule cannot deliver, and messages the consumer keeps failing on, end up here.
  const dlq = new Queue(scope, 'OrderEventsDlq', {
    retentionPeriod: Duration.days(14),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  const orderEvents = new Queue(scope, 'OrderEvents', {
    retentionPeriod: Duration.days(4),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    deadLetterQueue: { queue: dlq, maxReceiveCount: DELIVERY.maxReceiveCount },
  });

  new Rule(scope, 'OrderEventsRule', {
    eventBus: bus,
    description: 'Every order event goes to the OrderEvents queue, an example consumer.',
    eventPattern: { source: [EVENT_SOURCE] },
    targets: [
      new SqsQueue(orderEvents, {
        deadLetterQueue: dlq,
        retryAttempts: DELIVERY.retryAttempts,
        maxEventAge: Duration.hours(DELIVERY.maxEventAgeHours),
      }),
    ],
  });

  addAlarm(scope, 'OrderEventsDlqAlarm', {
    metric: dlq.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period: Duration.minutes(1) }),
    threshold: 1,
    topic: props.alarmTopic,
    description:
      'An order event could not be delivered to OrderEvents, or a consumer failed on it five times. The message is the event itself (with the delivery error in its attributes); fix the cause and send it back.',
  });

  Validations.of(dlq).acknowledge(
    { id: 'AwsSolutions-SQS3', reason: 'This queue is itself a dead-letter queue.' },
    { id: 'Serverless-SQSRedrivePolicy', reason: 'This queue is itself a dead-letter queue; messages wait here for inspection and redrive.' },
  );
  return { bus, orderEvents, dlq };
}

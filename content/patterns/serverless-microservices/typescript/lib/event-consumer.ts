import { Duration, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type EventPattern, type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { serviceFunction } from './service-function';

/** EventBridge retries a failed delivery this often, for at most this long. */
export const DELIVERY_RETRIES = 4;
export const DELIVERY_MAX_AGE = Duration.hours(2);
/** Lambda retries a consumer that throws this often. */
export const PROCESSING_RETRIES = 2;

/**
 * Lets a function publish on the shared bus, and only events whose source is its own service's:
 * a bug in one service cannot pass its events off as the other's (the rules match on source).
 */
export function grantPublishAs(bus: IEventBus, fn: IFunction, source: string): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['events:PutEvents'],
      resources: [bus.eventBusArn],
      // ForAllValues: a PutEvents call may carry several entries, and every one must have this source.
      conditions: { 'ForAllValues:StringEquals': { 'events:source': [source] } },
    }),
  );
}

/** The dead-letter queue a service keeps for the events it could not handle. */
export function deadLetterQueue(scope: Construct, id: string): Queue {
  const queue = new Queue(scope, id, { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
  Validations.of(queue).acknowledge(
    { id: 'AwsSolutions-SQS3', reason: 'This queue is itself the dead-letter queue for the rule target and the consumer; it has nowhere further to send.' },
    { id: 'Serverless-SQSRedrivePolicy', reason: 'This queue is itself the dead-letter queue; messages stay 14 days for inspection and redrive.' },
  );
  return queue;
}

/**
 * A rule on the shared bus feeding one consumer of the subscribing service, with retries and the
 * service's own dead-letter queue on both hops: delivery by EventBridge and processing by Lambda.
 */
export function eventConsumer(
  scope: Construct,
  props: { ruleId: string; functionId: string; file: string; description: string; bus: IEventBus; eventPattern: EventPattern; deadLetters: Queue; environment: Record<string, string> },
): { rule: Rule; consumer: NodejsFunction } {
  const consumer = serviceFunction(scope, props.functionId, props.file, props.description, {
    environment: props.environment,
    retryAttempts: PROCESSING_RETRIES,
    maxEventAge: DELIVERY_MAX_AGE,
    onFailure: new SqsDestination(props.deadLetters),
  });
  Validations.of(consumer).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason: "An on-failure destination to the service's dead-letter queue replaces the legacy function DLQ and also records the error.",
  });
  const rule = new Rule(scope, props.ruleId, {
    eventBus: props.bus,
    description: props.description,
    eventPattern: props.eventPattern,
    targets: [new LambdaFunction(consumer, { retryAttempts: DELIVERY_RETRIES, maxEventAge: DELIVERY_MAX_AGE, deadLetterQueue: props.deadLetters })],
  });
  return { rule, consumer };
}

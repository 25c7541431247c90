import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Archive, type CfnArchive, type CfnRule, EventBus, Match, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { EVENT_SOURCE, IN_STORE_CHANNEL, ORDER_EVENT_PREFIX, ORDER_PLACED } from '../lambda/order-event';
import { CONSUMER_TIMEOUT, consumerFunction } from './consumer-function';
import { Operations } from './operations';

/**
 * How long the archive keeps an event. Longer than the 14 days a dead-letter queue keeps one, so a
 * bug found after its DLQ has expired can still be replayed, and long enough to cover a monthly close;
 * short, because every archived event holds customer ids and is billed per GB-month while it is kept.
 */
export const ARCHIVE_RETENTION = Duration.days(30);

/** Receives of a ledger message before it is parked in LedgerDlq. */
export const MAX_RECEIVE_COUNT = 3;

/** EventBridge's retries towards each target; the ledger must not lose an order, a stale e-mail is worthless. */
export const LEDGER_DELIVERY = { retryAttempts: 185, maxEventAge: Duration.hours(24) };
export const NOTIFIER_DELIVERY = { retryAttempts: 4, maxEventAge: Duration.hours(1) };
/** Lambda's own retries when the notifier throws. */
export const NOTIFIER_PROCESSING = { retryAttempts: 2, maxEventAge: Duration.hours(1) };

/** At most this many ledger writers run at once, so replaying a busy day cannot flood the table. */
export const LEDGER_MAX_CONCURRENCY = 5;

export class EventbridgeArchiveAndReplayStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const ops = new Operations(this, 'Operations');

    // A bus of its own: its archive, rules and PutEvents permission concern order events only.
    const bus = new EventBus(this, 'OrdersBus', { description: 'Order lifecycle events from the orders service.' });

    // Every order lifecycle event is kept for replay; anything else on the bus is not worth paying to keep.
    // EventBridge adds its own managed rule so replayed events are never archived a second time, and
    // encrypts what it keeps with an AWS owned key unless you give the archive a key of your own.
    const archive = new Archive(this, 'OrdersArchive', {
      sourceEventBus: bus,
      description: 'Order lifecycle events, kept for replay after an outage or a consumer bug.',
      eventPattern: { detailType: Match.prefix(ORDER_EVENT_PREFIX), source: [EVENT_SOURCE] },
      retention: ARCHIVE_RETENTION,
    });
    // Without a key, the L2 still writes KmsKeyIdentifier: "" (aws/aws-cdk#37847), which some Regions
    // have rejected at deploy time. Leaving the property out means the AWS owned key, as documented.
    (archive.node.defaultChild as CfnArchive).addPropertyDeletionOverride('KmsKeyIdentifier');

    const ledger = new TableV2(this, 'Ledger', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Demo data: `cdk destroy` removes it. Retain it for anything real.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // The idempotent consumer: it accepts live and replayed OrderPlaced events alike.
    const ledgerDlq = new Queue(this, 'LedgerDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const ledgerQueue = new Queue(this, 'LedgerQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the function timeout, so a slow batch is not handed out again while it still runs.
      visibilityTimeout: Duration.seconds(CONSUMER_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: ledgerDlq, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    const ledgerRule = new Rule(this, 'LedgerRule', {
      eventBus: bus,
      description: 'Every OrderPlaced event, live or replayed, to the ledger queue.',
      eventPattern: { detailType: [ORDER_PLACED], source: [EVENT_SOURCE] },
      // A queue in front of the writer absorbs a replay's burst; the DLQ catches what EventBridge cannot deliver.
      targets: [new SqsQueue(ledgerQueue, { ...LEDGER_DELIVERY, deadLetterQueue: ledgerDlq })],
    });
    const ledgerWriter = consumerFunction(this, 'LedgerWriter', 'ledger-writer.ts', 'Ledger writer: its own logs, its queue, two writes on the ledger table.', {
      environment: { LEDGER_TABLE_NAME: ledger.tableName },
    });
    ledgerWriter.addEventSource(
      new SqsEventSource(ledgerQueue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        maxConcurrency: LEDGER_MAX_CONCURRENCY,
      }),
    );
    // Least privilege: a transaction of one conditional Put and one Update needs these two actions and no other.
    ledger.grant(ledgerWriter, 'dynamodb:PutItem', 'dynamodb:UpdateItem');

    // The consumer that must never see a replay: a customer gets one confirmation per order.
    const notifierDlq = new Queue(this, 'NotifierDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const notifier = consumerFunction(this, 'Notifier', 'notifier.ts', 'Notifier: its own logs, its failure queue.', {
      ...NOTIFIER_PROCESSING,
      onFailure: new SqsDestination(notifierDlq),
    });
    const notifierRule = new Rule(this, 'NotifierRule', {
      eventBus: bus,
      description: 'Live OrderPlaced events, except in-store orders, to the notifier. Replayed events never match.',
      eventPattern: { detail: { channel: Match.anythingBut(IN_STORE_CHANNEL) }, detailType: [ORDER_PLACED], source: [EVENT_SOURCE] },
      targets: [new LambdaFunction(notifier, { ...NOTIFIER_DELIVERY, deadLetterQueue: notifierDlq })],
    });
    // EventBridge adds a replay-name field to every event it replays. The L2 EventPattern type has no
    // field for it, so the condition is written into the template directly.
    (notifierRule.node.defaultChild as CfnRule).addPropertyOverride('EventPattern.replay-name', [{ exists: false }]);

    ops.queueNotEmpty('LedgerDlqAlarm', ledgerDlq,
      'An order event could not be delivered to the ledger queue, or the ledger writer failed on it three times. Read LedgerWriterLogs for the reason, fix it, then move the messages back to LedgerQueue (duplicates are harmless).');
    ops.functionErrors('LedgerWriterErrorsAlarm', ledgerWriter,
      'Whole ledger-writer invocations failed (timeout, crash, bad deploy); their batches return to LedgerQueue. Check LedgerWriterLogs and roll back a bad deploy.');
    ops.queueNotEmpty('NotifierDlqAlarm', notifierDlq,
      'An order confirmation was not sent: EventBridge could not invoke the notifier, or it failed three times. Read the message in NotifierDlq and NotifierLogs before sending anything by hand.');
    ops.functionErrors('NotifierErrorsAlarm', notifier,
      'The notifier threw. A ReplayedEventRefused error means a replay reached it: check the NotifierRule pattern before the next replay.');

    for (const dlq of [ledgerDlq, notifierDlq]) {
      Validations.of(dlq).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself a dead-letter queue; a DLQ for it would only move the same messages again.',
      });
      Validations.of(dlq).acknowledge({
        id: 'Serverless-SQSRedrivePolicy',
        reason: 'This queue is itself a dead-letter queue; messages stay 14 days for inspection and redrive.',
      });
    }
    Validations.of(ledgerWriter).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'The function is invoked by an SQS event source mapping, not asynchronously; failed messages go to the queue DLQ.',
    });
    Validations.of(ledgerWriter).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason: 'SQS event source mappings do not support on-failure destinations; the source queue redrive policy is the failure path.',
    });
    Validations.of(notifier).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'An on-failure destination to NotifierDlq replaces the legacy function DLQ and also records the error.',
    });

    new CfnOutput(this, 'AlarmTopicArn', { value: ops.topic.topicArn });
    new CfnOutput(this, 'BusName', { value: bus.eventBusName, description: 'Put order events on this bus.' });
    new CfnOutput(this, 'ArchiveArn', { value: archive.archiveArn, description: 'The --event-source-arn of start-replay.' });
    new CfnOutput(this, 'LedgerRuleArn', { value: ledgerRule.ruleArn, description: 'Name it in the replay destination FilterArns.' });
    new CfnOutput(this, 'LedgerTableName', { value: ledger.tableName });
    new CfnOutput(this, 'NotifierLogGroupName', { value: notifier.logGroup.logGroupName });
  }
}

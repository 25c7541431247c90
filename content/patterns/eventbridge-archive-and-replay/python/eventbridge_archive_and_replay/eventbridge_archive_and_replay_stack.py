"""A custom bus archives order events; a replay re-drives a time window into the idempotent ledger, never the notifier."""

from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from functions.order_event import EVENT_SOURCE, IN_STORE_CHANNEL, ORDER_EVENT_PREFIX, ORDER_PLACED

from .consumer_function import CONSUMER_TIMEOUT, consumer_function
from .operations import Operations

# How long the archive keeps an event. Longer than the 14 days a dead-letter queue keeps one, so a
# bug found after its DLQ has expired can still be replayed, and long enough to cover a monthly close;
# short, because every archived event holds customer ids and is billed per GB-month while it is kept.
ARCHIVE_RETENTION = Duration.days(30)

# Receives of a ledger message before it is parked in LedgerDlq.
MAX_RECEIVE_COUNT = 3

# EventBridge's retries towards each target; the ledger must not lose an order, a stale e-mail is worthless.
LEDGER_DELIVERY: dict[str, Any] = {"retry_attempts": 185, "max_event_age": Duration.hours(24)}
NOTIFIER_DELIVERY: dict[str, Any] = {"retry_attempts": 4, "max_event_age": Duration.hours(1)}
# Lambda's own retries when the notifier raises.
NOTIFIER_PROCESSING: dict[str, Any] = {"retry_attempts": 2, "max_event_age": Duration.hours(1)}

# At most this many ledger writers run at once, so replaying a busy day cannot flood the table.
LEDGER_MAX_CONCURRENCY = 5


class EventbridgeArchiveAndReplayStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        ops = Operations(self, "Operations")

        # A bus of its own: its archive, rules and PutEvents permission concern order events only.
        bus = events.EventBus(self, "OrdersBus", description="Order lifecycle events from the orders service.")

        # Every order lifecycle event is kept for replay; anything else on the bus is not worth paying to keep.
        # EventBridge adds its own managed rule so replayed events are never archived a second time, and
        # encrypts what it keeps with an AWS owned key unless you give the archive a key of your own.
        archive = events.Archive(
            self,
            "OrdersArchive",
            source_event_bus=bus,
            description="Order lifecycle events, kept for replay after an outage or a consumer bug.",
            event_pattern=events.EventPattern(detail_type=events.Match.prefix(ORDER_EVENT_PREFIX), source=[EVENT_SOURCE]),
            retention=ARCHIVE_RETENTION,
        )
        # Without a key, the L2 still writes KmsKeyIdentifier: "" (aws/aws-cdk#37847), which some Regions
        # have rejected at deploy time. Leaving the property out means the AWS owned key, as documented.
        cfn_archive: events.CfnArchive = archive.node.default_child  # type: ignore[assignment]
        cfn_archive.add_property_deletion_override("KmsKeyIdentifier")

        ledger = dynamodb.TableV2(
            self,
            "Ledger",
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            # Demo data: `cdk destroy` removes it. Retain it for anything real.
            removal_policy=RemovalPolicy.DESTROY,
        )

        # The idempotent consumer: it accepts live and replayed OrderPlaced events alike.
        ledger_dlq = sqs.Queue(
            self, "LedgerDlq", encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True, retention_period=Duration.days(14)
        )
        ledger_queue = sqs.Queue(
            self,
            "LedgerQueue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            # Six times the function timeout, so a slow batch is not handed out again while it still runs.
            visibility_timeout=Duration.seconds(CONSUMER_TIMEOUT.to_seconds() * 6),
            dead_letter_queue=sqs.DeadLetterQueue(queue=ledger_dlq, max_receive_count=MAX_RECEIVE_COUNT),
        )
        ledger_rule = events.Rule(
            self,
            "LedgerRule",
            event_bus=bus,
            description="Every OrderPlaced event, live or replayed, to the ledger queue.",
            event_pattern=events.EventPattern(detail_type=[ORDER_PLACED], source=[EVENT_SOURCE]),
            # A queue in front of the writer absorbs a replay's burst; the DLQ catches what EventBridge cannot deliver.
            targets=[targets.SqsQueue(ledger_queue, dead_letter_queue=ledger_dlq, **LEDGER_DELIVERY)],
        )
        ledger_writer = consumer_function(
            self,
            "LedgerWriter",
            "ledger_writer.handler",
            "Ledger writer: its own logs, its queue, two writes on the ledger table.",
            environment={"LEDGER_TABLE_NAME": ledger.table_name},
        )
        ledger_writer.add_event_source(
            event_sources.SqsEventSource(
                ledger_queue,
                batch_size=10,
                max_batching_window=Duration.seconds(1),
                report_batch_item_failures=True,
                max_concurrency=LEDGER_MAX_CONCURRENCY,
            )
        )
        # Least privilege: a transaction of one conditional Put and one Update needs these two actions and no other.
        ledger.grant(ledger_writer, "dynamodb:PutItem", "dynamodb:UpdateItem")

        # The consumer that must never see a replay: a customer gets one confirmation per order.
        notifier_dlq = sqs.Queue(
            self, "NotifierDlq", encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True, retention_period=Duration.days(14)
        )
        notifier = consumer_function(
            self,
            "Notifier",
            "notifier.handler",
            "Notifier: its own logs, its failure queue.",
            on_failure=destinations.SqsDestination(notifier_dlq),
            **NOTIFIER_PROCESSING,
        )
        notifier_rule = events.Rule(
            self,
            "NotifierRule",
            event_bus=bus,
            description="Live OrderPlaced events, except in-store orders, to the notifier. Replayed events never match.",
            event_pattern=events.EventPattern(
                detail={"channel": events.Match.anything_but(IN_STORE_CHANNEL)}, detail_type=[ORDER_PLACED], source=[EVENT_SOURCE]
            ),
            targets=[targets.LambdaFunction(notifier, dead_letter_queue=notifier_dlq, **NOTIFIER_DELIVERY)],
        )
        # EventBridge adds a replay-name field to every event it replays. The L2 EventPattern type has no
        # field for it, so the condition is written into the template directly.
        notifier_rule.node.default_child.add_property_override("EventPattern.replay-name", [{"exists": False}])  # type: ignore[union-attr]

        ops.queue_not_empty(
            "LedgerDlqAlarm",
            ledger_dlq,
            "An order event could not be delivered to the ledger queue, or the ledger writer failed on it three times. "
            "Read LedgerWriterLogs for the reason, fix it, then move the messages back to LedgerQueue (duplicates are harmless).",
        )
        ops.function_errors(
            "LedgerWriterErrorsAlarm",
            ledger_writer,
            "Whole ledger-writer invocations failed (timeout, crash, bad deploy); their batches return to LedgerQueue. "
            "Check LedgerWriterLogs and roll back a bad deploy.",
        )
        ops.queue_not_empty(
            "NotifierDlqAlarm",
            notifier_dlq,
            "An order confirmation was not sent: EventBridge could not invoke the notifier, or it failed three times. "
            "Read the message in NotifierDlq and NotifierLogs before sending anything by hand.",
        )
        ops.function_errors(
            "NotifierErrorsAlarm",
            notifier,
            "The notifier threw. A ReplayedEventRefused error means a replay reached it: check the NotifierRule pattern before the next replay.",
        )

        for dlq in (ledger_dlq, notifier_dlq):
            Validations.of(dlq).acknowledge(
                Acknowledgment(
                    id="AwsSolutions-SQS3",
                    reason="This queue is itself a dead-letter queue; a DLQ for it would only move the same messages again.",
                ),
                Acknowledgment(
                    id="Serverless-SQSRedrivePolicy",
                    reason="This queue is itself a dead-letter queue; messages stay 14 days for inspection and redrive.",
                ),
            )
        Validations.of(ledger_writer).acknowledge(
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="The function is invoked by an SQS event source mapping, not asynchronously; failed messages go to the queue DLQ.",
            ),
            Acknowledgment(
                id="Serverless-LambdaEventSourceMappingDestination",
                reason="SQS event source mappings do not support on-failure destinations; the source queue redrive policy is the failure path.",
            ),
        )
        Validations.of(notifier).acknowledge(
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="An on-failure destination to NotifierDlq replaces the legacy function DLQ and also records the error.",
            )
        )

        CfnOutput(self, "AlarmTopicArn", value=ops.topic.topic_arn)
        CfnOutput(self, "BusName", value=bus.event_bus_name, description="Put order events on this bus.")
        CfnOutput(self, "ArchiveArn", value=archive.archive_arn, description="The --event-source-arn of start-replay.")
        CfnOutput(self, "LedgerRuleArn", value=ledger_rule.rule_arn, description="Name it in the replay destination FilterArns.")
        CfnOutput(self, "LedgerTableName", value=ledger.table_name)
        CfnOutput(self, "NotifierLogGroupName", value=notifier.log_group.log_group_name)

"""The bus the relay publishes to, and one example consumer: a queue that receives every order event."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Acknowledgment, Duration, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from transactional_outbox.alarm import add_alarm

# The `source` the writer stamps on every event; functions/outbox_item.py holds the same value
# (a test keeps the two equal).
EVENT_SOURCE = "outbox.orders"

# Delivery settings of the example consumer rule, module-level so the tests pin them.
DELIVERY_RETRY_ATTEMPTS = 8
DELIVERY_MAX_EVENT_AGE_HOURS = 2
DELIVERY_MAX_RECEIVE_COUNT = 5


@dataclass(frozen=True)
class OrderEvents:
    bus: events.EventBus
    order_events: sqs.Queue
    dlq: sqs.Queue


def add_order_events(scope: Construct, *, alarm_topic: sns.ITopic) -> OrderEvents:
    bus = events.EventBus(scope, "OrderBus", description="Order events published from the transactional outbox.")

    # Events the rule cannot deliver, and messages the consumer keeps failing on, end up here.
    dlq = sqs.Queue(
        scope,
        "OrderEventsDlq",
        retention_period=Duration.days(14),
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
    )
    order_events = sqs.Queue(
        scope,
        "OrderEvents",
        retention_period=Duration.days(4),
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=DELIVERY_MAX_RECEIVE_COUNT),
    )

    events.Rule(
        scope,
        "OrderEventsRule",
        event_bus=bus,
        description="Every order event goes to the OrderEvents queue, an example consumer.",
        event_pattern=events.EventPattern(source=[EVENT_SOURCE]),
        targets=[
            targets.SqsQueue(
                order_events,
                dead_letter_queue=dlq,
                retry_attempts=DELIVERY_RETRY_ATTEMPTS,
                max_event_age=Duration.hours(DELIVERY_MAX_EVENT_AGE_HOURS),
            )
        ],
    )

    add_alarm(
        scope,
        "OrderEventsDlqAlarm",
        metric=dlq.metric_approximate_number_of_messages_visible(statistic=cloudwatch.Stats.MAXIMUM, period=Duration.minutes(1)),
        threshold=1,
        topic=alarm_topic,
        description=(
            "An order event could not be delivered to OrderEvents, or a consumer failed on it five times. The message is the event "
            "itself (with the delivery error in its attributes); fix the cause and send it back."
        ),
    )

    Validations.of(dlq).acknowledge(
        Acknowledgment(id="AwsSolutions-SQS3", reason="This queue is itself a dead-letter queue."),
        Acknowledgment(
            id="Serverless-SQSRedrivePolicy", reason="This queue is itself a dead-letter queue; messages wait here for inspection and redrive."
        ),
    )
    return OrderEvents(bus=bus, order_events=order_events, dlq=dlq)

"""The pipe's source: the queue order producers send to, with its dead-letter queue and their alarms."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Acknowledgment, Duration, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from eventbridge_pipes_enrichment.alarm import add_alarm
from eventbridge_pipes_enrichment.enrich_order import ENRICHMENT_TIMEOUT

# AWS advises at least five receives for a pipe source, so throttling alone cannot dead-letter a message.
MAX_RECEIVE_COUNT = 5
# Six times the enrichment timeout, as AWS advises for a pipe source, so a slow batch is not handed out twice.
VISIBILITY_TIMEOUT = Duration.seconds(ENRICHMENT_TIMEOUT.to_seconds() * 6)
# Messages this old mean the pipe is behind or stopped (a pipe that keeps failing can be disabled by the service).
ALARM_AGE_SECONDS = 600


@dataclass
class OrdersQueue:
    queue: sqs.Queue
    dlq: sqs.Queue


def add_orders_queue(scope: Construct, *, alarm_topic: sns.ITopic) -> OrdersQueue:
    dlq = sqs.Queue(
        scope,
        "OrdersDlq",
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=Duration.days(14),
    )
    queue = sqs.Queue(
        scope,
        "Orders",
        # SQS-managed keys: the pipe role needs no KMS permission to read the queue.
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        visibility_timeout=VISIBILITY_TIMEOUT,
        # The redrive policy sits on the source queue: a pipe's own dead-letter setting does not apply to SQS sources.
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=MAX_RECEIVE_COUNT),
    )

    add_alarm(
        scope,
        "OrdersDlqAlarm",
        metric=dlq.metric_approximate_number_of_messages_visible(statistic=cloudwatch.Stats.MAXIMUM, period=Duration.minutes(1)),
        threshold=1,
        topic=alarm_topic,
        description=(
            f"A batch holding this order failed {MAX_RECEIVE_COUNT} times in the pipe (enrichment or bus) and the message was parked "
            "in OrdersDlq. Read the pipe and EnrichOrder logs for the cause, fix it, then redrive OrdersDlq to Orders."
        ),
    )
    add_alarm(
        scope,
        "OrdersAgeAlarm",
        metric=queue.metric_approximate_age_of_oldest_message(statistic=cloudwatch.Stats.MAXIMUM, period=Duration.minutes(1)),
        threshold=ALARM_AGE_SECONDS,
        topic=alarm_topic,
        description=(
            f"The oldest message in Orders is over {ALARM_AGE_SECONDS // 60} minutes old: the pipe is behind, retrying, or stopped. "
            "Check the pipe's state (and StateReason) in the EventBridge console and its log group."
        ),
    )

    Validations.of(dlq).acknowledge(
        Acknowledgment(id="AwsSolutions-SQS3", reason="This queue is itself the dead-letter queue; a DLQ for it would only move the same messages again."),
        Acknowledgment(id="Serverless-SQSRedrivePolicy", reason="This queue is itself the dead-letter queue; messages stay here 14 days for inspection and redrive."),
    )
    return OrdersQueue(queue=queue, dlq=dlq)

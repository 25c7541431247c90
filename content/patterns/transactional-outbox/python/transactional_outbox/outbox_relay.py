"""The publishing side: a function on the outbox stream that puts each new event on the bus."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from transactional_outbox.alarm import FIVE_MINUTES, add_alarm
from transactional_outbox.order_api import python_function

# Stream settings, module-level so the tests pin the numbers the stack uses.
RELAY_BATCH_SIZE = 50
RELAY_RETRY_ATTEMPTS = 10
RELAY_MAX_RECORD_AGE_HOURS = 6
# Events this late are worth a page: the bus is behind the database by that much.
RELAY_ALARM_ITERATOR_AGE_MINUTES = 5

# Only new outbox items: TTL expiries arrive as REMOVE records and must not be published
# again. Lambda drops non-matching records before invoking, so they cost no invocation.
RELAY_FILTERS: list[dict[str, Any]] = [{"eventName": lambda_.FilterRule.is_equal("INSERT")}]


@dataclass(frozen=True)
class OutboxRelay:
    relay: lambda_.Function
    logs: logs.LogGroup
    failures: sqs.Queue


def add_outbox_relay(scope: Construct, *, outbox: dynamodb.ITableV2, bus: events.IEventBus, alarm_topic: sns.ITopic) -> OutboxRelay:
    failures = sqs.Queue(
        scope,
        "RelayFailures",
        retention_period=Duration.days(14),
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
    )

    relay_logs = logs.LogGroup(scope, "OutboxRelayLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
    role = iam.Role(
        scope,
        "OutboxRelayRole",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description="Outbox relay: write its own logs, read the outbox stream, put events on the order bus.",
    )
    relay_logs.grant_write(role)

    relay = python_function(
        scope,
        "OutboxRelay",
        role=role,
        handler="outbox_relay.handler",
        description="Publishes each new outbox item to the order event bus.",
        timeout=Duration.seconds(30),
        log_group=relay_logs,
        environment={"EVENT_BUS_NAME": bus.event_bus_name},
    )
    bus.grant_put_events_to(relay)

    relay.add_event_source(
        event_sources.DynamoEventSource(
            outbox,
            # A new mapping starts at the oldest record still in the stream, so events written
            # while it is being created are not skipped.
            starting_position=lambda_.StartingPosition.TRIM_HORIZON,
            filters=[lambda_.FilterCriteria.filter(pattern) for pattern in RELAY_FILTERS],
            batch_size=RELAY_BATCH_SIZE,
            # One batch per shard at a time, so a shard's events are put on the bus in stream order.
            parallelization_factor=1,
            # The handler names the first record PutEvents did not accept; Lambda retries from there.
            report_batch_item_failures=True,
            bisect_batch_on_error=True,
            retry_attempts=RELAY_RETRY_ATTEMPTS,
            max_record_age=Duration.hours(RELAY_MAX_RECORD_AGE_HOURS),
            on_failure=event_sources.SqsDlq(failures),
        )
    )

    add_alarm(
        scope,
        "RelayFailuresAlarm",
        metric=failures.metric_approximate_number_of_messages_visible(statistic=cloudwatch.Stats.MAXIMUM, period=Duration.minutes(1)),
        threshold=1,
        topic=alarm_topic,
        description=(
            "The relay gave up on outbox records and sent a pointer to RelayFailures: those events are NOT on the bus. "
            "The outbox items stay in the Outbox table for 7 days; re-publish them (or replay the stream range within 24 hours), "
            "then delete the message."
        ),
    )
    add_alarm(
        scope,
        "OutboxRelayErrorsAlarm",
        metric=relay.metric_errors(statistic=cloudwatch.Stats.SUM, period=FIVE_MINUTES),
        threshold=1,
        topic=alarm_topic,
        description=(
            "OutboxRelay invocations failed as a whole (timeout, crash or bad deploy), so its shard is retried and held up. "
            "Check OutboxRelayLogs."
        ),
    )
    add_alarm(
        scope,
        "OutboxRelayIteratorAgeAlarm",
        metric=relay.metric("IteratorAge", statistic=cloudwatch.Stats.MAXIMUM, period=Duration.minutes(1)),
        threshold=Duration.minutes(RELAY_ALARM_ITERATOR_AGE_MINUTES).to_milliseconds(),
        evaluation_periods=5,
        topic=alarm_topic,
        description=(
            'Events reach the bus more than 5 minutes after their order changed. Look in OutboxRelayLogs for "PutEvents rejected entries" '
            "(throttling, a missing bus) or a record retried again and again."
        ),
    )

    Validations.of(relay).acknowledge(
        Acknowledgment(
            id="Serverless-LambdaDLQ",
            reason=(
                "Only the stream event source mapping invokes the function; its on-failure destination is RelayFailures, "
                "and a function DLQ only serves async invokes."
            ),
        )
    )
    Validations.of(role).acknowledge(
        Acknowledgment(id="AwsSolutions-IAM5[Resource::*]", reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.")
    )
    Validations.of(failures).acknowledge(
        Acknowledgment(
            id="AwsSolutions-SQS3",
            reason="This queue is itself the on-failure destination of the stream mapping; it receives batch pointers, not work to redrive.",
        ),
        Acknowledgment(
            id="Serverless-SQSRedrivePolicy",
            reason="This queue is itself the on-failure destination; a further dead-letter queue would only move its records again.",
        ),
    )
    return OutboxRelay(relay=relay, logs=relay_logs, failures=failures)

"""One filtered consumer of the table stream, with the failure handling and alarms every consumer needs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# Stream settings both consumers share, module-level so the tests pin the numbers the stack uses.
STREAM_BATCH_SIZE = 100
STREAM_MAX_BATCHING_WINDOW_SECONDS = 1
STREAM_RETRY_ATTEMPTS = 5
STREAM_MAX_RECORD_AGE_HOURS = 6
# A consumer this far behind is alarmed on, hours before its records reach the maximum record age.
STREAM_ALARM_ITERATOR_AGE_MINUTES = 10

PYTHON_RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


@dataclass(frozen=True)
class StreamConsumer:
    fn: lambda_.Function
    role: iam.Role
    logs: logs.LogGroup


def add_stream_consumer(
    scope: Construct,
    id: str,
    *,
    table: dynamodb.ITableV2,
    handler: str,
    description: str,
    filters: Sequence[Mapping[str, Any]],
    failures: sqs.IQueue,
    alarm_topic: sns.ITopic,
    log_retention: logs.RetentionDays,
    environment: Optional[Mapping[str, str]] = None,
) -> StreamConsumer:
    """One filtered consumer of the table stream: its own role, log group, function, event source
    mapping with failure handling, and the two alarms every stream consumer needs."""
    log_group = logs.LogGroup(scope, f"{id}Logs", retention=log_retention, removal_policy=RemovalPolicy.DESTROY)

    # An explicit role instead of the AWS managed basic-execution policy, whose log
    # permissions reach every log group in the account.
    role = iam.Role(scope, f"{id}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=description)
    log_group.grant_write(role)

    fn = lambda_.Function(
        scope,
        id,
        role=role,
        description=description,
        runtime=lambda_.Runtime.PYTHON_3_13,
        architecture=lambda_.Architecture.ARM_64,
        handler=handler,
        # Plain source: the wire-format decoder and the DynamoDB client come with the runtime's boto3.
        code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
        memory_size=256,
        timeout=Duration.seconds(30),
        tracing=lambda_.Tracing.ACTIVE,
        logging_format=lambda_.LoggingFormat.JSON,
        log_group=log_group,
        environment=dict(environment) if environment else None,
    )

    fn.add_event_source(
        event_sources.DynamoEventSource(
            table,
            # A new mapping starts at the oldest record still in the stream (24 hours), not at "now".
            starting_position=lambda_.StartingPosition.TRIM_HORIZON,
            # Lambda drops records that match no filter before batching: they are never invoked or billed.
            filters=[lambda_.FilterCriteria.filter(dict(pattern)) for pattern in filters],
            batch_size=STREAM_BATCH_SIZE,
            max_batching_window=Duration.seconds(STREAM_MAX_BATCHING_WINDOW_SECONDS),
            # One batch per shard at a time; DynamoDB keeps the records of one item in one shard, in order.
            parallelization_factor=1,
            report_batch_item_failures=True,
            bisect_batch_on_error=True,
            retry_attempts=STREAM_RETRY_ATTEMPTS,
            max_record_age=Duration.hours(STREAM_MAX_RECORD_AGE_HOURS),
            on_failure=event_sources.SqsDlq(failures),
            # Polled, filtered-out, invoked and dropped counts per mapping, to see what the filter saves.
            metrics_config=lambda_.MetricsConfig(metrics=[lambda_.MetricType.EVENT_COUNT]),
        )
    )

    notify = cw_actions.SnsAction(alarm_topic)
    cloudwatch.Alarm(
        scope,
        f"{id}ErrorsAlarm",
        metric=fn.metric_errors(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
        threshold=1,
        evaluation_periods=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        alarm_description=(
            f"{id} invocations failed as a whole (timeout, crash or bad deploy), so its shard is retried and held up. "
            f"Check {id}Logs and roll back a bad deploy."
        ),
    ).add_alarm_action(notify)
    cloudwatch.Alarm(
        scope,
        f"{id}IteratorAgeAlarm",
        metric=fn.metric("IteratorAge", statistic=cloudwatch.Stats.MAXIMUM, period=Duration.minutes(1)),
        threshold=Duration.minutes(STREAM_ALARM_ITERATOR_AGE_MINUTES).to_milliseconds(),
        evaluation_periods=5,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        alarm_description=(
            f"{id} is more than {STREAM_ALARM_ITERATOR_AGE_MINUTES} minutes behind the stream; records older than "
            f"{STREAM_MAX_RECORD_AGE_HOURS} hours are given up and reported to StreamFailures. "
            f"Look for a record being retried in {id}Logs."
        ),
    ).add_alarm_action(notify)

    Validations.of(fn).acknowledge(
        *(Acknowledgment(id=rule, reason=PYTHON_RUNTIME_REASON) for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")),
        Acknowledgment(
            id="Serverless-LambdaDLQ",
            reason=(
                "Only the stream event source mapping invokes the function; its on-failure destination is StreamFailures, "
                "and a function DLQ only serves async invokes."
            ),
        ),
    )
    Validations.of(role).acknowledge(
        Acknowledgment(
            id="AwsSolutions-IAM5[Resource::*]",
            reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
        )
    )
    return StreamConsumer(fn=fn, role=role, logs=log_group)

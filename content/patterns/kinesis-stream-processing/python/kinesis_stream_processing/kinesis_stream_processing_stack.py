"""Two Lambda consumers of one Kinesis stream: one stores readings with partial batch responses,
one sums tumbling windows into DynamoDB."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Acknowledgment, AssetHashType, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from .alarms import alarm_topic, consumer_alarms, failed_batches_alarm
from .bundling import powertools_bundling
from .settings import (
    BATCH_SIZE,
    BATCHING_WINDOW_SECONDS,
    MAX_RECORD_AGE_HOURS,
    PARALLELIZATION_FACTOR,
    RETENTION_HOURS,
    RETRY_ATTEMPTS,
    SHARD_COUNT,
    TUMBLING_WINDOW_SECONDS,
)
from .stream_consumer import StreamConsumer

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"


class KinesisStreamProcessingStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # --- The stream: one provisioned shard, encrypted with the AWS managed key, kept 24 hours. ---

        readings = kinesis.Stream(
            self,
            "Readings",
            # A provisioned shard costs $0.015 an hour against $0.04 for an on-demand stream; one shard
            # carries 1,000 readings a second. Switch to StreamMode.ON_DEMAND when traffic is unknown.
            stream_mode=kinesis.StreamMode.PROVISIONED,
            shard_count=SHARD_COUNT,
            encryption=kinesis.StreamEncryption.MANAGED,
            retention_period=Duration.hours(RETENTION_HOURS),
            removal_policy=RemovalPolicy.DESTROY,
        )

        # --- Where the consumers write. ---

        latest_readings = dynamodb.TableV2(
            self,
            "LatestReadings",
            partition_key=dynamodb.Attribute(name="deviceId", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            removal_policy=RemovalPolicy.DESTROY,
        )

        window_totals = dynamodb.TableV2(
            self,
            "WindowTotals",
            partition_key=dynamodb.Attribute(name="deviceId", type=dynamodb.AttributeType.STRING),
            # The minute the readings were taken (event time), so late readings find their row.
            sort_key=dynamodb.Attribute(name="minute", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            removal_policy=RemovalPolicy.DESTROY,
        )

        # Both mappings send a pointer to the records they gave up on here.
        failed_batches = sqs.Queue(
            self,
            "FailedBatches",
            retention_period=Duration.days(14),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )

        # One bundle (handlers plus Powertools) serves both functions. Hashed by the bundle's
        # content, so a change of pinned package changes the asset too.
        code = lambda_.Code.from_asset(
            str(FUNCTIONS),
            exclude=["__pycache__", "*.pyc"],
            bundling=powertools_bundling(FUNCTIONS),
            asset_hash_type=AssetHashType.OUTPUT,
        )

        # --- Consumer 1: every reading, one at a time, newest per device kept. ---

        processor = StreamConsumer(
            self,
            "ReadingProcessor",
            code=code,
            handler="reading_processor.handler",
            description="Keeps the newest reading of each device; reports the sequence number of a reading it cannot store.",
            timeout=Duration.seconds(30),
            environment={"LATEST_READINGS_TABLE": latest_readings.table_name},
        )
        latest_readings.grant(processor.role, "dynamodb:UpdateItem")
        processor.fn.add_event_source(
            event_sources.KinesisEventSource(
                readings,
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=BATCH_SIZE,
                max_batching_window=Duration.seconds(BATCHING_WINDOW_SECONDS),
                parallelization_factor=PARALLELIZATION_FACTOR,
                # The handler returns the sequence number of the first reading it could not store; Lambda
                # resumes there, splits the batch at that record and, after three retries or an hour,
                # sends a pointer to FailedBatches and moves on.
                report_batch_item_failures=True,
                bisect_batch_on_error=True,
                retry_attempts=RETRY_ATTEMPTS,
                max_record_age=Duration.hours(MAX_RECORD_AGE_HOURS),
                on_failure=event_sources.SqsDlq(failed_batches),
            )
        )

        # --- Consumer 2: per-device, per-minute totals, carried in state through a tumbling window. ---

        aggregator = StreamConsumer(
            self,
            "WindowAggregator",
            code=code,
            handler="window_aggregator.handler",
            description="Sums readings per device and event-time minute over each tumbling window and adds them to WindowTotals.",
            timeout=Duration.seconds(60),
            environment={"WINDOW_TOTALS_TABLE": window_totals.table_name},
        )
        window_totals.grant(aggregator.role, "dynamodb:UpdateItem")
        aggregator.fn.add_event_source(
            event_sources.KinesisEventSource(
                readings,
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=BATCH_SIZE,
                max_batching_window=Duration.seconds(BATCHING_WINDOW_SECONDS),
                parallelization_factor=PARALLELIZATION_FACTOR,
                tumbling_window=Duration.seconds(TUMBLING_WINDOW_SECONDS),
                # Folding a batch into the state cannot fail on data (unreadable readings are skipped and
                # counted), so only a failed write at the window's end is retried, as a whole.
                retry_attempts=RETRY_ATTEMPTS,
                max_record_age=Duration.hours(MAX_RECORD_AGE_HOURS),
                on_failure=event_sources.SqsDlq(failed_batches),
            )
        )

        # --- Operations: every way a consumer can fail quietly reaches one alarm topic. ---

        topic = alarm_topic(self)
        failed_batches_alarm(self, failed_batches, topic)
        consumer_alarms(self, "ReadingProcessor", processor.fn, topic)
        consumer_alarms(self, "WindowAggregator", aggregator.fn, topic)

        CfnOutput(self, "StreamName", value=readings.stream_name, description="Put readings here.")
        CfnOutput(self, "LatestReadingsTable", value=latest_readings.table_name)
        CfnOutput(self, "WindowTotalsTable", value=window_totals.table_name)
        CfnOutput(self, "FailedBatchesQueueUrl", value=failed_batches.queue_url)
        CfnOutput(self, "ProcessorLogGroup", value=processor.log_group.log_group_name)
        CfnOutput(self, "AggregatorLogGroup", value=aggregator.log_group.log_group_name)
        CfnOutput(self, "AlarmTopicArn", value=topic.topic_arn)

        # --- cdk-nag: each exception with its reason, written into the template. ---

        Validations.of(readings).acknowledge(
            Acknowledgment(
                id="AwsSolutions-KDS3",
                reason=(
                    "The stream is encrypted at rest with the AWS managed key alias/aws/kinesis, which costs nothing and needs no key "
                    "policy; a customer managed key adds $1 a month plus KMS requests on every put and read."
                ),
            )
        )
        for consumer in (processor, aggregator):
            Validations.of(consumer.fn).acknowledge(
                Acknowledgment(
                    id="Serverless-LambdaDLQ",
                    reason=(
                        "Only the stream event source mapping invokes the function; its on-failure destination is FailedBatches, "
                        "and a function DLQ only serves async invokes."
                    ),
                )
            )
            Validations.of(consumer.role).acknowledge(
                Acknowledgment(
                    id="AwsSolutions-IAM5[Resource::*]",
                    reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
                )
            )
        Validations.of(failed_batches).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SQS3",
                reason="This queue is itself the on-failure destination of both stream mappings; it receives batch pointers, not work to redrive.",
            ),
            Acknowledgment(
                id="Serverless-SQSRedrivePolicy",
                reason="This queue is itself the on-failure destination; a further dead-letter queue would only move its pointers again.",
            ),
        )

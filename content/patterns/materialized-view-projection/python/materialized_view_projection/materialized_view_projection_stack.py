"""A Lambda function folds an append-only DynamoDB event table into a query-shaped view that can be rebuilt from history."""

from __future__ import annotations

from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from materialized_view_projection.alarm_topic import alarm_topic
from materialized_view_projection.read_api import read_api
from materialized_view_projection.view_function import view_function

# Stream settings, module-level so the tests pin the same numbers the stack uses.
STREAM_BATCH_SIZE = 100
STREAM_MAX_BATCHING_WINDOW_SECONDS = 1
STREAM_RETRY_ATTEMPTS = 5
STREAM_MAX_RECORD_AGE_HOURS = 1
# Alarm when the projector is this far behind the stream, well before records reach the maximum record age.
STREAM_ALARM_ITERATOR_AGE_MINUTES = 10

VIEW_INDEX = "ByCustomerStatus"


class MaterializedViewProjectionStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # --- Write side: an append-only log of order events, one item per (order, version). ---

        events = dynamodb.TableV2(
            self,
            "Events",
            partition_key=dynamodb.Attribute(name="aggregateId", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="version", type=dynamodb.AttributeType.NUMBER),
            billing=dynamodb.Billing.on_demand(),
            # Events are only ever inserted, so the new image is the whole event; old images would add nothing.
            dynamo_stream=dynamodb.StreamViewType.NEW_IMAGE,
            # The event table is the source of truth every view is rebuilt from; it is the one worth restoring.
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            removal_policy=RemovalPolicy.DESTROY,
        )

        # --- Read side: one item per order, shaped for the questions the API answers. ---

        view = dynamodb.TableV2(
            self,
            "OrdersView",
            partition_key=dynamodb.Attribute(name="orderId", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            global_secondary_indexes=[
                dynamodb.GlobalSecondaryIndexPropsV2(
                    index_name=VIEW_INDEX,
                    partition_key=dynamodb.Attribute(name="customerId", type=dynamodb.AttributeType.STRING),
                    sort_key=dynamodb.Attribute(name="statusAt", type=dynamodb.AttributeType.STRING),
                    projection_type=dynamodb.ProjectionType.ALL,
                )
            ],
            removal_policy=RemovalPolicy.DESTROY,
        )
        Validations.of(view).acknowledge(
            Acknowledgment(
                id="AwsSolutions-DDB3",
                reason="The view is derived data: the Rebuild function recreates every item from the Events table, which has point-in-time recovery.",
            )
        )

        tables = {"EVENT_TABLE_NAME": events.table_name, "VIEW_TABLE_NAME": view.table_name}
        read_view = iam.PolicyStatement(actions=["dynamodb:GetItem"], resources=[view.table_arn])
        write_view = iam.PolicyStatement(actions=["dynamodb:PutItem"], resources=[view.table_arn])

        # --- The projector: folds each inserted event into the view, from the table's stream. ---

        projector, projector_role = view_function(
            self,
            id="Projector",
            handler="projector.handler",
            description="Projector: read the events stream and the event table, get and put order view items.",
            timeout=Duration.seconds(60),
            memory_size=256,
            environment=tables,
            no_dlq_reason=(
                "Only the stream event source mapping invokes the projector; its on-failure destination is ProjectorFailures, "
                "and a function DLQ only serves async invokes."
            ),
        )
        # Read-only on the log: Query fills gaps in what the stream delivered. No write action on Events at all.
        projector_role.add_to_policy(iam.PolicyStatement(actions=["dynamodb:Query"], resources=[events.table_arn]))
        projector_role.add_to_policy(read_view)
        projector_role.add_to_policy(write_view)

        failures = sqs.Queue(
            self,
            "ProjectorFailures",
            retention_period=Duration.days(14),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )

        projector.add_event_source(
            event_sources.DynamoEventSource(
                events,
                # A new mapping reads the whole 24 hours the stream keeps; anything already in the view is refused by version.
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=STREAM_BATCH_SIZE,
                max_batching_window=Duration.seconds(STREAM_MAX_BATCHING_WINDOW_SECONDS),
                # Only appends are events. An edit or delete of a stored event is not a fact to fold; it never starts the function.
                filters=[lambda_.FilterCriteria.filter({"eventName": lambda_.FilterRule.is_equal("INSERT")})],
                parallelization_factor=1,
                report_batch_item_failures=True,
                bisect_batch_on_error=True,
                retry_attempts=STREAM_RETRY_ATTEMPTS,
                max_record_age=Duration.hours(STREAM_MAX_RECORD_AGE_HOURS),
                on_failure=event_sources.SqsDlq(failures),
            )
        )

        # --- The rebuild: the same fold over the whole event table, invoked by hand. ---

        rebuild, rebuild_role = view_function(
            self,
            id="Rebuild",
            handler="rebuild.handler",
            description="Rebuild: scan and query the event table, get and put order view items.",
            timeout=Duration.minutes(15),
            memory_size=512,
            environment=tables,
            no_dlq_reason="An operator invokes the rebuild synchronously with aws lambda invoke and reads its report; nothing invokes it asynchronously.",
        )
        rebuild_role.add_to_policy(iam.PolicyStatement(actions=["dynamodb:Scan", "dynamodb:Query"], resources=[events.table_arn]))
        rebuild_role.add_to_policy(read_view)
        rebuild_role.add_to_policy(write_view)

        # --- The read API: HTTP API -> function -> GetItem or Query on the view. ---

        queries, queries_role = view_function(
            self,
            id="OrderQueries",
            handler="order_queries.handler",
            description="Order queries: get order view items and query the ByCustomerStatus index.",
            timeout=Duration.seconds(10),
            memory_size=256,
            environment={"VIEW_TABLE_NAME": view.table_name},
            no_dlq_reason="API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.",
        )
        queries_role.add_to_policy(read_view)
        queries_role.add_to_policy(iam.PolicyStatement(actions=["dynamodb:Query"], resources=[f"{view.table_arn}/index/{VIEW_INDEX}"]))
        api = read_api(self, queries)

        # --- Operations: every way the view can fall behind or fail reaches one alarm topic. ---

        notify = cw_actions.SnsAction(alarm_topic(self))
        alarms = [
            cloudwatch.Alarm(
                self,
                "ProjectorFailuresAlarm",
                metric=failures.metric_approximate_number_of_messages_visible(statistic=cloudwatch.Stats.MAXIMUM, period=Duration.minutes(1)),
                threshold=1,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=(
                    "The projector gave up on stream records and sent a pointer to ProjectorFailures; some order views stop before a bad event. "
                    'Find "view not advanced" in ProjectorLogs, fix the event or the fold, then run the Rebuild function.'
                ),
            ),
            cloudwatch.Alarm(
                self,
                "ProjectorErrorsAlarm",
                metric=projector.metric_errors(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
                threshold=1,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=(
                    "Projector invocations failed as a whole (timeout, crash or bad deploy), holding up their shard. "
                    "Check ProjectorLogs and roll back a bad deploy."
                ),
            ),
            cloudwatch.Alarm(
                self,
                "ProjectorIteratorAgeAlarm",
                metric=projector.metric("IteratorAge", statistic=cloudwatch.Stats.MAXIMUM, period=Duration.minutes(1)),
                threshold=Duration.minutes(STREAM_ALARM_ITERATOR_AGE_MINUTES).to_milliseconds(),
                evaluation_periods=5,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=(
                    "The projector is more than 10 minutes behind the events stream, so the view is stale; records older than an hour "
                    "go to ProjectorFailures. Look for retried records in ProjectorLogs."
                ),
            ),
            cloudwatch.Alarm(
                self,
                "ReadApiServerErrorsAlarm",
                metric=api.metric_server_error(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
                threshold=1,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description='The read API answered 5xx. Search OrderQueriesLogs for "view query failed" and ReadApiAccessLogs for the failing routes.',
            ),
        ]
        for alarm in alarms:
            alarm.add_alarm_action(notify)

        CfnOutput(self, "ApiUrl", value=api.api_endpoint, description="GET /orders/{orderId} and /customers/{customerId}/orders here.")
        CfnOutput(self, "EventTableName", value=events.table_name, description="Append order events here with a condition on the version.")
        CfnOutput(self, "ViewTableName", value=view.table_name)
        CfnOutput(self, "RebuildFunctionName", value=rebuild.function_name)
        CfnOutput(self, "ProjectorLogGroup", value=projector.log_group.log_group_name)
        CfnOutput(self, "FailureQueueUrl", value=failures.queue_url)

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

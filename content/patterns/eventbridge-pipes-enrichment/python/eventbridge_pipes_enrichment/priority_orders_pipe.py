"""The pipe itself: SQS source, filter, Lambda enrichment, input template, EventBridge bus target."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_pipes as pipes
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from eventbridge_pipes_enrichment.alarm import add_alarm
from eventbridge_pipes_enrichment.order_bus import DETAIL_TYPE, EVENT_SOURCE

# Messages per pipe execution: the most an EventBridge bus target takes in one PutEvents call.
PIPE_BATCH_SIZE = 10

# The pipe's filter, an EventBridge event pattern over the SQS record. Pipes parses a JSON
# `body` before matching, so the pattern reaches into the order itself: priority orders only,
# with an order id, a `cust-` customer id and a positive numeric total. Anything else is
# deleted from the queue without invoking the enrichment, and is not billed as a pipe request.
PIPE_FILTER: dict[str, Any] = {
    "body": {
        "orderType": ["priority"],
        "orderId": [{"exists": True}],
        "customerId": [{"prefix": "cust-"}],
        "total": [{"numeric": [">", 0]}],
    }
}

# Applied by the pipe to each element the enrichment returns; the result is the `detail` of
# the event on the bus. Placeholders stand unquoted in value position, so each is replaced by
# the JSON value at its path: strings arrive quoted, numbers and booleans as they are. It is an
# allow-list: nothing else of the order (such as its shipping address) leaves the pipe.
TARGET_INPUT_TEMPLATE = (
    '{"orderId": <$.order.orderId>, "total": <$.order.total>, '
    '"customer": {"id": <$.order.customerId>, "known": <$.customer.found>, "name": <$.customer.name>, '
    '"tier": <$.customer.tier>, "country": <$.customer.country>}, "sqsMessageId": <$.messageId>}'
)

# ERROR records each failed step with its error; no execution data, because payloads carry customer names.
PIPE_LOG_LEVEL = "ERROR"


def filter_pattern() -> str:
    """The filter as the pipe stores it: compact JSON, keys in the order written above."""
    return json.dumps(PIPE_FILTER, separators=(",", ":"))


@dataclass
class PriorityOrdersPipe:
    pipe: pipes.CfnPipe
    role: iam.Role
    logs: logs.LogGroup


def add_priority_orders_pipe(
    scope: Construct, *, queue: sqs.IQueue, enrichment: lambda_.IFunction, bus: events.IEventBus, alarm_topic: sns.ITopic
) -> PriorityOrdersPipe:
    log_group = logs.LogGroup(scope, "PriorityOrdersPipeLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)

    # Inline statements, so the role carries exactly these and the pipe cannot start before they exist.
    role = iam.Role(
        scope,
        "PipeRole",
        assumed_by=iam.ServicePrincipal(
            "pipes.amazonaws.com",
            # Only pipes of this account may assume the role.
            conditions={"StringEquals": {"aws:SourceAccount": Stack.of(scope).account}},
        ),
        description="PriorityOrdersPipe: read and delete Orders messages, invoke EnrichOrder, put events on OrderEvents, write its log.",
        inline_policies={
            "PriorityOrdersPipe": iam.PolicyDocument(
                statements=[
                    iam.PolicyStatement(
                        effect=iam.Effect.ALLOW,
                        actions=["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
                        resources=[queue.queue_arn],
                    ),
                    iam.PolicyStatement(effect=iam.Effect.ALLOW, actions=["lambda:InvokeFunction"], resources=[enrichment.function_arn]),
                    iam.PolicyStatement(effect=iam.Effect.ALLOW, actions=["events:PutEvents"], resources=[bus.event_bus_arn]),
                    iam.PolicyStatement(
                        effect=iam.Effect.ALLOW,
                        actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                        resources=[log_group.log_group_arn],
                    ),
                ]
            )
        },
    )

    # The stable L1: aws-cdk.aws-pipes-alpha is experimental and may change in any release.
    pipe = pipes.CfnPipe(
        scope,
        "PriorityOrdersPipe",
        description="Priority orders from the Orders queue, enriched with their customer, onto the OrderEvents bus.",
        role_arn=role.role_arn,
        desired_state="RUNNING",
        source=queue.queue_arn,
        source_parameters=pipes.CfnPipe.PipeSourceParametersProperty(
            # No batching window: a batch leaves as soon as a poll returns, so a quiet queue adds no wait.
            sqs_queue_parameters=pipes.CfnPipe.PipeSourceSqsQueueParametersProperty(batch_size=PIPE_BATCH_SIZE),
            filter_criteria=pipes.CfnPipe.FilterCriteriaProperty(filters=[pipes.CfnPipe.FilterProperty(pattern=filter_pattern())]),
        ),
        enrichment=enrichment.function_arn,
        target=bus.event_bus_arn,
        target_parameters=pipes.CfnPipe.PipeTargetParametersProperty(
            event_bridge_event_bus_parameters=pipes.CfnPipe.PipeTargetEventBridgeEventBusParametersProperty(source=EVENT_SOURCE, detail_type=DETAIL_TYPE),
            input_template=TARGET_INPUT_TEMPLATE,
        ),
        log_configuration=pipes.CfnPipe.PipeLogConfigurationProperty(
            level=PIPE_LOG_LEVEL,
            cloudwatch_logs_log_destination=pipes.CfnPipe.CloudwatchLogsLogDestinationProperty(log_group_arn=log_group.log_group_arn),
        ),
    )

    # Covers both stages: an enrichment that raises and a PutEvents the bus refuses.
    add_alarm(
        scope,
        "PipeExecutionFailedAlarm",
        metric=cloudwatch.Metric(
            namespace="AWS/EventBridge/Pipes",
            metric_name="ExecutionFailed",
            dimensions_map={"PipeName": pipe.ref},
            statistic=cloudwatch.Stats.SUM,
            period=Duration.minutes(5),
        ),
        threshold=1,
        topic=alarm_topic,
        description=(
            "A PriorityOrdersPipe execution failed and its batch went back to the Orders queue. "
            "Read PriorityOrdersPipeLogs for the failed step and its error."
        ),
    )
    return PriorityOrdersPipe(pipe=pipe, role=role, logs=log_group)

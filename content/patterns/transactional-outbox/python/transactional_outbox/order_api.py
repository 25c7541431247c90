"""The write side: an HTTP API and the one function that writes an order and its event together."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Validations
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from transactional_outbox.alarm import FIVE_MINUTES, add_alarm

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# Stage throttling, module-level so the tests pin the numbers the stack uses.
API_THROTTLE_RATE_LIMIT = 50
API_THROTTLE_BURST_LIMIT = 100

PYTHON_RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


def python_function(scope: Construct, construct_id: str, **kwargs: object) -> lambda_.Function:
    """A Python 3.13 function on arm64 from the functions folder; boto3 comes with the runtime, so no bundling."""
    fn = lambda_.Function(
        scope,
        construct_id,
        runtime=lambda_.Runtime.PYTHON_3_13,
        architecture=lambda_.Architecture.ARM_64,
        code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
        memory_size=256,
        tracing=lambda_.Tracing.ACTIVE,
        logging_format=lambda_.LoggingFormat.JSON,
        **kwargs,  # type: ignore[arg-type]
    )
    Validations.of(fn).acknowledge(
        *(Acknowledgment(id=rule, reason=PYTHON_RUNTIME_REASON) for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion"))
    )
    return fn


@dataclass(frozen=True)
class OrderApi:
    api: apigwv2.HttpApi
    writer: lambda_.Function
    logs: logs.LogGroup


def add_order_api(scope: Construct, *, orders: dynamodb.ITableV2, outbox: dynamodb.ITableV2, alarm_topic: sns.ITopic) -> OrderApi:
    writer_logs = logs.LogGroup(scope, "OrderWriterLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)

    # An explicit role instead of the AWS managed basic-execution policy, whose log
    # permissions reach every log group in the account.
    role = iam.Role(
        scope,
        "OrderWriterRole",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description="Order writer: write its own logs, write orders and their outbox events in one transaction.",
    )
    writer_logs.grant_write(role)

    writer = python_function(
        scope,
        "OrderWriter",
        role=role,
        handler="order_writer.handler",
        description="Writes each order change and the event about it in one DynamoDB transaction.",
        timeout=Duration.seconds(10),
        log_group=writer_logs,
        environment={"ORDERS_TABLE_NAME": orders.table_name, "OUTBOX_TABLE_NAME": outbox.table_name},
    )
    # TransactWriteItems is authorised per item action: put or update an order, put an event.
    # No read, delete or scan on either table.
    orders.grant(writer, "dynamodb:PutItem", "dynamodb:UpdateItem")
    outbox.grant(writer, "dynamodb:PutItem")

    api = apigwv2.HttpApi(scope, "OrdersApi", description="Places and cancels orders; each change is published as an event.")
    integration = integrations.HttpLambdaIntegration("OrderWriterIntegration", writer)
    api.add_routes(path="/orders", methods=[apigwv2.HttpMethod.POST], integration=integration)
    api.add_routes(path="/orders/{orderId}/cancel", methods=[apigwv2.HttpMethod.POST], integration=integration)

    access_logs = logs.LogGroup(scope, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
    stage = api.default_stage.node.default_child  # type: ignore[union-attr]
    assert isinstance(stage, apigwv2.CfnStage)
    stage.access_log_settings = apigwv2.CfnStage.AccessLogSettingsProperty(
        destination_arn=access_logs.log_group_arn,
        format=json.dumps(
            {
                "requestId": "$context.requestId",
                "ip": "$context.identity.sourceIp",
                "routeKey": "$context.routeKey",
                "status": "$context.status",
                "integrationError": "$context.integrationErrorMessage",
                "latencyMs": "$context.responseLatency",
            },
            separators=(",", ":"),
        ),
    )
    # Caps what a flood can cost in invocations and table writes.
    stage.default_route_settings = apigwv2.CfnStage.RouteSettingsProperty(
        throttling_rate_limit=API_THROTTLE_RATE_LIMIT, throttling_burst_limit=API_THROTTLE_BURST_LIMIT
    )

    add_alarm(
        scope,
        "ApiServerErrorsAlarm",
        metric=api.metric_server_error(statistic=cloudwatch.Stats.SUM, period=FIVE_MINUTES),
        threshold=1,
        topic=alarm_topic,
        description=(
            "The orders API answered 5xx: a transaction failed for a reason other than a refused condition, or the writer crashed. "
            'Search OrderWriterLogs for "order transaction failed".'
        ),
    )
    add_alarm(
        scope,
        "OrderWriterErrorsAlarm",
        metric=writer.metric_errors(statistic=cloudwatch.Stats.SUM, period=FIVE_MINUTES),
        threshold=1,
        topic=alarm_topic,
        description="The OrderWriter function failed (timeout, crash or bad deploy). Check OrderWriterLogs and roll back a bad deploy.",
    )

    Validations.of(api).acknowledge(
        Acknowledgment(
            id="AwsSolutions-APIG4",
            reason="A public demo endpoint with stage throttling; add a JWT or IAM authorizer before taking real orders.",
        )
    )
    Validations.of(writer).acknowledge(
        Acknowledgment(
            id="Serverless-LambdaDLQ",
            reason="API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.",
        )
    )
    Validations.of(role).acknowledge(
        Acknowledgment(id="AwsSolutions-IAM5[Resource::*]", reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.")
    )
    return OrderApi(api=api, writer=writer, logs=writer_logs)

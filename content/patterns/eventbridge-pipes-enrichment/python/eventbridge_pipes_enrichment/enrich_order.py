"""The enrichment step: a function that looks the customer of each order up in the Customers table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from eventbridge_pipes_enrichment.alarm import add_alarm

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# The enrichment's timeout; the source queue's visibility timeout is six times this.
ENRICHMENT_TIMEOUT = Duration.seconds(10)

PYTHON_RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


@dataclass
class EnrichOrder:
    fn: lambda_.Function
    logs: logs.LogGroup


def add_enrich_order(scope: Construct, *, customers: dynamodb.ITableV2, alarm_topic: sns.ITopic) -> EnrichOrder:
    log_group = logs.LogGroup(scope, "EnrichOrderLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)

    # An explicit role instead of the AWS managed basic-execution policy, whose
    # log permissions reach every log group in the account.
    role = iam.Role(
        scope,
        "EnrichOrderRole",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description="Order enrichment: write its own logs, batch-read the customers table.",
    )
    log_group.grant_write(role)

    fn = lambda_.Function(
        scope,
        "EnrichOrder",
        role=role,
        description="Pipe enrichment: adds the customer profile to each priority order.",
        runtime=lambda_.Runtime.PYTHON_3_13,
        architecture=lambda_.Architecture.ARM_64,
        handler="enrich_order.handler",
        # Plain source, no dependencies beyond the runtime's boto3: no bundling, no Docker.
        code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
        memory_size=256,
        timeout=ENRICHMENT_TIMEOUT,
        tracing=lambda_.Tracing.ACTIVE,
        logging_format=lambda_.LoggingFormat.JSON,
        log_group=log_group,
        environment={"CUSTOMERS_TABLE_NAME": customers.table_name},
    )
    # Least privilege: the function only ever batch-reads customers.
    customers.grant(fn, "dynamodb:BatchGetItem")

    # Any raised error fails the whole pipe batch, which SQS then delivers again.
    add_alarm(
        scope,
        "EnrichOrderErrorsAlarm",
        metric=fn.metric_errors(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
        threshold=1,
        topic=alarm_topic,
        description=(
            "The EnrichOrder function failed, so its whole pipe batch went back to the Orders queue. Search EnrichOrderLogs "
            "for the error (DynamoDB throttling or a malformed order) and roll back a bad deploy."
        ),
    )

    Validations.of(fn).acknowledge(
        *(Acknowledgment(id=rule, reason=PYTHON_RUNTIME_REASON) for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")),
        Acknowledgment(
            id="Serverless-LambdaDLQ",
            reason="The pipe invokes the function synchronously and retries through the Orders queue; failed messages land in OrdersDlq.",
        ),
    )
    Validations.of(role).acknowledge(
        Acknowledgment(id="AwsSolutions-IAM5[Resource::*]", reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.")
    )
    return EnrichOrder(fn=fn, logs=log_group)

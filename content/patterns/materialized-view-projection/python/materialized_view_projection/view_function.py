"""One function with its own role and log group.

An explicit role instead of the AWS managed basic-execution policy, whose log permissions reach every log
group in the account; the caller adds exactly the table rights the function needs."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

PYTHON_RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


def view_function(
    scope: Construct,
    *,
    id: str,
    handler: str,
    description: str,
    timeout: Duration,
    memory_size: int,
    environment: dict[str, str],
    no_dlq_reason: str,
) -> tuple[lambda_.Function, iam.Role]:
    """`id` is the construct id of the function; its role and log group are `<id>Role` and `<id>Logs`."""
    log_group = logs.LogGroup(scope, f"{id}Logs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
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
        # Plain source: the handlers need only boto3, which the runtime provides, so no bundling and no Docker.
        code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
        memory_size=memory_size,
        timeout=timeout,
        tracing=lambda_.Tracing.ACTIVE,
        logging_format=lambda_.LoggingFormat.JSON,
        log_group=log_group,
        environment=environment,
    )
    Validations.of(fn).acknowledge(
        *(Acknowledgment(id=rule, reason=PYTHON_RUNTIME_REASON) for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")),
        Acknowledgment(id="Serverless-LambdaDLQ", reason=no_dlq_reason),
    )
    Validations.of(role).acknowledge(
        Acknowledgment(id="AwsSolutions-IAM5[Resource::*]", reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.")
    )
    return fn, role

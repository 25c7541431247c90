"""One consumer function with its own log group and its own role."""

from pathlib import Path
from typing import Any

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

CONSUMER_TIMEOUT = Duration.seconds(10)

RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


def consumer_function(scope: Construct, construct_id: str, handler: str, description: str, **props: Any) -> lambda_.Function:
    """The role starts empty apart from its log group and X-Ray, instead of the managed basic-execution
    policy, which can write to every log group in the account; each caller grants the one thing its
    consumer needs."""
    log_group = logs.LogGroup(
        scope, f"{construct_id}Logs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY
    )
    role = iam.Role(scope, f"{construct_id}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=description)
    log_group.grant_write(role)
    Validations.of(role).acknowledge(
        Acknowledgment(
            id="AwsSolutions-IAM5[Resource::*]",
            reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
        )
    )
    fn = lambda_.Function(
        scope,
        construct_id,
        role=role,
        log_group=log_group,
        runtime=lambda_.Runtime.PYTHON_3_13,
        architecture=lambda_.Architecture.ARM_64,
        handler=handler,
        # Plain source using only the runtime's boto3: no bundling, no Docker.
        code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
        memory_size=256,
        timeout=CONSUMER_TIMEOUT,
        tracing=lambda_.Tracing.ACTIVE,
        logging_format=lambda_.LoggingFormat.JSON,
        **props,
    )
    Validations.of(fn).acknowledge(
        *(Acknowledgment(id=rule, reason=RUNTIME_REASON) for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion"))
    )
    return fn

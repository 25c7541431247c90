"""A function with a role and a log group of its own."""

from pathlib import Path

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"


def shop_function(
    scope: Construct,
    construct_id: str,
    *,
    handler: str,
    description: str,
    memory_size: int,
    timeout: Duration,
    environment: dict[str, str],
) -> lambda_.Function:
    """The role is written out instead of using the managed basic-execution policy, whose log
    permissions reach every log group in the account."""
    log_group = logs.LogGroup(scope, f"{construct_id}Logs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
    role = iam.Role(scope, f"{construct_id}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=description)
    log_group.grant_write(role)
    Validations.of(role).acknowledge(
        Acknowledgment(id="AwsSolutions-IAM5[Resource::*]", reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.")
    )
    fn = lambda_.Function(
        scope,
        construct_id,
        role=role,
        log_group=log_group,
        description=description,
        runtime=lambda_.Runtime.PYTHON_3_13,
        architecture=lambda_.Architecture.ARM_64,
        handler=handler,
        # Plain source, no dependencies beyond the runtime's boto3: no bundling, no Docker.
        code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
        memory_size=memory_size,
        timeout=timeout,
        tracing=lambda_.Tracing.ACTIVE,
        logging_format=lambda_.LoggingFormat.JSON,
        environment=environment,
    )
    Validations.of(fn).acknowledge(
        *(
            Acknowledgment(
                id=rule,
                reason="python3.13 is the one Python runtime every app of this catalog is built and tested on; move to a newer one deliberately, with its tests.",
            )
            for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")
        ),
        Acknowledgment(
            id="Serverless-LambdaDLQ",
            reason="API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.",
        ),
    )
    return fn

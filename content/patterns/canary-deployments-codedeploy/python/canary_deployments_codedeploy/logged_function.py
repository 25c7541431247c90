"""A Python 3.13 function on arm64 with its own log group (one-month retention) and its own role."""

from pathlib import Path

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"


def logged_function(
    scope: Construct,
    construct_id: str,
    *,
    module: str,
    description: str,
    timeout: Duration,
    no_dlq_because: str,
    environment: dict[str, str] | None = None,
) -> lambda_.Function:
    """The role is written out instead of using the AWS managed basic-execution policy, whose log
    permissions reach every log group in the account; callers add what else the function needs."""
    log_group = logs.LogGroup(scope, f"{construct_id}Logs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
    role = iam.Role(scope, f"{construct_id}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=description)
    log_group.grant_write(role)
    fn = lambda_.Function(
        scope,
        construct_id,
        role=role,
        description=description,
        runtime=lambda_.Runtime.PYTHON_3_13,
        architecture=lambda_.Architecture.ARM_64,
        handler=f"{module}.handler",
        # Only this function's own file goes into its asset: editing a hook must not publish a
        # new version of the greeter, and editing the greeter must not redeploy the hooks' code.
        code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["*", f"!{module}.py"]),
        memory_size=256,
        timeout=timeout,
        tracing=lambda_.Tracing.ACTIVE,
        logging_format=lambda_.LoggingFormat.JSON,
        log_group=log_group,
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
        Acknowledgment(id="Serverless-LambdaDLQ", reason=no_dlq_because),
    )
    Validations.of(role).acknowledge(
        Acknowledgment(
            id="AwsSolutions-IAM5[Resource::*]",
            reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
        )
    )
    return fn

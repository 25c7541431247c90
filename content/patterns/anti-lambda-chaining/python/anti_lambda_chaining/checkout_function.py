"""A function with its own role and log group, and the order tables, shared by both stacks."""

from pathlib import Path

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

PYTHON_RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


def checkout_function(
    scope: Construct,
    construct_id: str,
    *,
    handler: str,
    description: str,
    timeout: Duration,
    invoked_by: str,
    environment: dict[str, str] | None = None,
) -> lambda_.Function:
    """A function that may log and trace; the stack grants the rest."""
    log_group = logs.LogGroup(scope, f"{construct_id}Logs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
    # No AWS managed policy: its log permissions reach every log group in the account.
    role = iam.Role(
        scope,
        f"{construct_id}Role",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description=f"{construct_id}: write its own logs and traces; the stack grants the rest.",
    )
    log_group.grant_write(role)
    fn = lambda_.Function(
        scope,
        construct_id,
        role=role,
        description=description,
        runtime=lambda_.Runtime.PYTHON_3_13,
        architecture=lambda_.Architecture.ARM_64,
        handler=handler,
        # Plain source, no dependencies beyond the runtime's boto3: no bundling, no Docker.
        code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
        memory_size=256,
        timeout=timeout,
        tracing=lambda_.Tracing.ACTIVE,
        logging_format=lambda_.LoggingFormat.JSON,
        log_group=log_group,
        environment=environment,
    )
    Validations.of(role).acknowledge(
        Acknowledgment(id="AwsSolutions-IAM5[Resource::*]", reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.")
    )
    Validations.of(fn).acknowledge(
        *(Acknowledgment(id=rule, reason=PYTHON_RUNTIME_REASON) for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")),
        Acknowledgment(
            id="Serverless-LambdaDLQ",
            reason=f"{invoked_by} invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.",
        ),
    )
    return fn


def order_table(scope: Construct, construct_id: str) -> dynamodb.TableV2:
    """An on-demand table keyed by order id, removed with the stack."""
    return dynamodb.TableV2(
        scope,
        construct_id,
        partition_key=dynamodb.Attribute(name="orderId", type=dynamodb.AttributeType.STRING),
        billing=dynamodb.Billing.on_demand(),
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
        # A demo stack should leave nothing behind on `cdk destroy`.
        removal_policy=RemovalPolicy.DESTROY,
    )

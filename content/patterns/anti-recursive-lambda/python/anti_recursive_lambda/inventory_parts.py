"""Constructs both stacks share: the archive bucket and the function that counts one page of it."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"


def archive_bucket(scope: Construct) -> s3.Bucket:
    """The bucket both stacks take an inventory of: private, encrypted, emptied and removed on `cdk destroy`."""
    archive = s3.Bucket(
        scope,
        "Archive",
        encryption=s3.BucketEncryption.S3_MANAGED,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        enforce_ssl=True,
        removal_policy=RemovalPolicy.DESTROY,
        auto_delete_objects=True,
    )
    Validations.of(archive).acknowledge(
        Acknowledgment(
            id="AwsSolutions-S1",
            reason=(
                "A demo bucket the inventory only lists; access logs would need a second bucket, and CloudTrail data events "
                "can be turned on where an access record is required."
            ),
        )
    )
    return archive


def count_page_function(
    scope: Construct,
    *,
    archive: s3.Bucket,
    handler: str,
    description: str,
    recursive_loop: lambda_.RecursiveLoop,
    environment: dict[str, str] | None = None,
) -> tuple[lambda_.Function, iam.Role]:
    """The function that counts one page, with its own role and log group; its role may list the archive and nothing else."""
    log_group = logs.LogGroup(scope, "CountPageLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
    # An explicit role instead of the AWS managed basic-execution policy, whose log permissions
    # reach every log group in the account.
    role = iam.Role(scope, "CountPageRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=description)
    log_group.grant_write(role)
    role.add_to_policy(iam.PolicyStatement(actions=["s3:ListBucket"], resources=[archive.bucket_arn]))
    fn = lambda_.Function(
        scope,
        "CountPage",
        role=role,
        description=description,
        runtime=lambda_.Runtime.PYTHON_3_13,
        architecture=lambda_.Architecture.ARM_64,
        handler=handler,
        # Plain source, no dependencies beyond the runtime's boto3: no bundling, no Docker.
        code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
        memory_size=256,
        timeout=Duration.seconds(30),
        tracing=lambda_.Tracing.ACTIVE,
        logging_format=lambda_.LoggingFormat.JSON,
        log_group=log_group,
        recursive_loop=recursive_loop,
        environment={"ARCHIVE_BUCKET_NAME": archive.bucket_name, **(environment or {})},
    )
    Validations.of(fn).acknowledge(
        *(
            Acknowledgment(
                id=rule,
                reason="python3.13 is the one Python runtime every app of this catalog is built and tested on; move to a newer one deliberately, with its tests.",
            )
            for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")
        )
    )
    Validations.of(role).acknowledge(
        Acknowledgment(id="AwsSolutions-IAM5[Resource::*]", reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.")
    )
    return fn, role

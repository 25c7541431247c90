"""An inline Map for short order lists and a Distributed Map over an S3 manifest for long ones."""

from pathlib import Path

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from .acknowledgements import acknowledge_findings
from .operations import add_alarms
from .pricing_job import MANIFEST_PREFIX, RESULTS_PREFIX, pricing_job

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"


class MapStateDynamicParallelismStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # Manifests go in under manifests/, Map Run results come out under results/; both expire.
        bucket = s3.Bucket(
            self,
            "JobBucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            lifecycle_rules=[
                s3.LifecycleRule(prefix=MANIFEST_PREFIX, expiration=Duration.days(30)),
                s3.LifecycleRule(prefix=RESULTS_PREFIX, expiration=Duration.days(30)),
                # The ResultWriter uploads in parts; a run stopped mid-write would leave parts billed forever.
                s3.LifecycleRule(abort_incomplete_multipart_upload_after=Duration.days(1)),
            ],
            # A demo stack should leave nothing behind on `cdk destroy`.
            removal_policy=RemovalPolicy.DESTROY,
            auto_delete_objects=True,
        )

        worker_logs = logs.LogGroup(self, "OrderPricerLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        # An explicit role: the worker prices what it is handed and needs no AWS access beyond its logs and traces.
        worker_role = iam.Role(
            self,
            "OrderPricerRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Order pricer: write its own logs and traces, nothing else.",
        )
        worker_logs.grant_write(worker_role)

        worker = lambda_.Function(
            self,
            "OrderPricer",
            role=worker_role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="price_orders.handler",
            # Plain source, no dependencies beyond the standard library: no bundling, no Docker.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=256,
            # A batch of 100 orders takes milliseconds; 30 seconds leaves room without letting a stuck call linger.
            timeout=Duration.seconds(30),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=worker_logs,
        )

        job = pricing_job(self, bucket=bucket, worker=worker)
        add_alarms(self, state_machine=job.state_machine, worker=worker)

        CfnOutput(self, "StateMachineArn", value=job.state_machine.state_machine_arn, description="Start a pricing job here.")
        CfnOutput(
            self,
            "JobBucketName",
            value=bucket.bucket_name,
            description=f"Upload manifests under {MANIFEST_PREFIX}; results appear under {RESULTS_PREFIX}.",
        )

        acknowledge_findings(self, bucket=bucket, worker=worker, worker_role=worker_role, state_machine=job.state_machine)

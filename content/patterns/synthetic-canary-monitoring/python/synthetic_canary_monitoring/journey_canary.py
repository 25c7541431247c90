"""The JourneyCanary: its artifacts bucket, its own narrow role, and the canary itself."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import ArnFormat, Duration, Names, RemovalPolicy, Size, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_synthetics as synthetics
from constructs import Construct

# The same JavaScript file as the TypeScript app's: the canary runtime runs JavaScript whatever
# language deploys it, so this folder carries its own copy and stands alone.
CANARY_CODE = Path(__file__).resolve().parent.parent / "canary"

# How often the journey runs: 8,640 runs a month, and a failure is seen within one period.
CANARY_RATE = Duration.minutes(5)
# Artifacts (HAR, logs, step report) are deleted after this many days, the same as failed-run history.
ARTIFACT_DAYS = 30


@dataclass
class JourneyCanary:
    canary: synthetics.Canary
    bucket: s3.Bucket
    role: iam.Role
    canary_name: str


def canary_name_for(stack: Stack) -> str:
    """A name for the canary that the role can name before the canary exists.

    CDK would otherwise generate one the role could only reach through a Ref, which would make the
    role depend on the canary that depends on the role. Derived from the stack's path: stable, and
    different per stack. 20 characters: Lambda function names (cwsyn-<name>-<uuid>) leave the
    canary at most 21.
    """
    return "api-journey-" + hashlib.sha256(Names.unique_id(stack).encode("utf-8")).hexdigest()[:8]


def journey_canary(scope: Construct, *, api_url: str) -> JourneyCanary:
    stack = Stack.of(scope)
    canary_name = canary_name_for(stack)

    bucket = s3.Bucket(
        scope,
        "CanaryArtifacts",
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        lifecycle_rules=[
            # The run retention periods below only trim the Synthetics console's history; the objects need their own rule.
            s3.LifecycleRule(id="ExpireRunArtifacts", expiration=Duration.days(ARTIFACT_DAYS)),
            s3.LifecycleRule(id="AbortIncompleteUploads", abort_incomplete_multipart_upload_after=Duration.days(1)),
        ],
        # Demo data: `cdk destroy` empties and deletes the bucket.
        removal_policy=RemovalPolicy.DESTROY,
        auto_delete_objects=True,
    )

    # Written out instead of CDK's default canary role, whose log statement reaches every canary's
    # log group (cwsyn-*). Inline, so the permissions exist before the canary's first run.
    role = iam.Role(
        scope,
        "JourneyCanaryRole",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description="JourneyCanary: write its artifacts, its metrics and its own logs; nothing else.",
        inline_policies={
            "canary": iam.PolicyDocument(
                statements=[
                    iam.PolicyStatement(actions=["s3:PutObject"], resources=[bucket.arn_for_objects("*")]),
                    iam.PolicyStatement(actions=["s3:GetBucketLocation"], resources=[bucket.bucket_arn]),
                    # Listed as required by Synthetics; S3 has no narrower resource for it.
                    iam.PolicyStatement(actions=["s3:ListAllMyBuckets"], resources=["*"]),
                    iam.PolicyStatement(
                        actions=["cloudwatch:PutMetricData"],
                        resources=["*"],
                        conditions={"StringEquals": {"cloudwatch:namespace": "CloudWatchSynthetics"}},
                    ),
                    iam.PolicyStatement(
                        actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                        resources=[
                            stack.format_arn(
                                service="logs",
                                resource="log-group",
                                resource_name=f"/aws/lambda/cwsyn-{canary_name}-*",
                                arn_format=ArnFormat.COLON_RESOURCE_NAME,
                            )
                        ],
                    ),
                ]
            )
        },
    )

    canary = synthetics.Canary(
        scope,
        "JourneyCanary",
        canary_name=canary_name,
        runtime=synthetics.Runtime.SYNTHETICS_NODEJS_PUPPETEER_13_0,
        test=synthetics.Test.custom(code=synthetics.Code.from_asset(str(CANARY_CODE)), handler="api-journey.handler"),
        schedule=synthetics.Schedule.rate(CANARY_RATE),
        timeout=Duration.minutes(1),
        memory=Size.mebibytes(1024),
        environment_variables={"API_URL": api_url},
        role=role,
        artifacts_bucket_location=synthetics.ArtifactsBucketLocation(bucket=bucket),
        artifact_s3_encryption_mode=synthetics.ArtifactsEncryptionMode.S3_MANAGED,
        success_retention_period=Duration.days(7),
        failure_retention_period=Duration.days(ARTIFACT_DAYS),
        # On delete, Synthetics also removes the Lambda function and layer it made for the canary.
        provisioned_resource_cleanup=True,
    )

    return JourneyCanary(canary=canary, bucket=bucket, role=role, canary_name=canary_name)

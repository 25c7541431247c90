"""The lake's storage zones: raw and curated buckets, and the bucket their access logs go to."""

from typing import Any

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_s3 as s3
from constructs import Construct

from functions.transform import QUARANTINE_PREFIX

# Settings every bucket of the lake shares: private, encrypted at rest, reachable only over TLS 1.2+.
PRIVATE_BUCKET: dict[str, Any] = {
    "block_public_access": s3.BlockPublicAccess.BLOCK_ALL,
    "object_ownership": s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    # SSE-S3: free, and it needs no key policy; see the page for when SSE-KMS is worth its cost.
    "encryption": s3.BucketEncryption.S3_MANAGED,
    "enforce_ssl": True,
    "minimum_tls_version": 1.2,
    # Demo data: `cdk destroy` empties and removes the buckets.
    "removal_policy": RemovalPolicy.DESTROY,
    "auto_delete_objects": True,
}


class LakeZones(Construct):
    """Raw and curated zones in separate buckets, so that who may write raw data and who may read
    curated data are decided by separate policies, plus the bucket their access logs go to."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)

        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            # SSE-S3 is also the only default encryption S3 server access logging can deliver into.
            **PRIVATE_BUCKET,
            lifecycle_rules=[s3.LifecycleRule(id="expire-access-logs", expiration=Duration.days(90))],
        )

        self.raw = s3.Bucket(
            self,
            "RawBucket",
            **PRIVATE_BUCKET,
            # Raw data is the source of truth every curated file is rebuilt from: an overwrite or a
            # delete can be undone for 30 days.
            versioned=True,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="raw/",
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="raw-to-infrequent-access",
                    # Read once on arrival, then only for a replay.
                    transitions=[s3.Transition(storage_class=s3.StorageClass.INFREQUENT_ACCESS, transition_after=Duration.days(90))],
                ),
                s3.LifecycleRule(
                    id="expire-old-versions",
                    noncurrent_version_expiration=Duration.days(30),
                    expired_object_delete_marker=True,
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                ),
            ],
        )

        self.curated = s3.Bucket(
            self,
            "CuratedBucket",
            **PRIVATE_BUCKET,
            # Not versioned: every curated object can be rebuilt from raw, and a re-run overwrites its
            # own keys on purpose; versions would only keep stale copies.
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="curated/",
            lifecycle_rules=[
                s3.LifecycleRule(id="expire-quarantine", prefix=QUARANTINE_PREFIX, expiration=Duration.days(90)),
                s3.LifecycleRule(id="abort-incomplete-uploads", abort_incomplete_multipart_upload_after=Duration.days(1)),
            ],
        )

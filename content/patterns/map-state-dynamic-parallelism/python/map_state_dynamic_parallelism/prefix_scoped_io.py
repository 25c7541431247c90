"""The Distributed Map's reader and result writer, each scoped to its own key prefix.

CDK's ItemReader and ResultWriter helpers grant the state machine role their S3 actions on
`<bucket>/*`, so a workflow that only needs to read manifests could also read (and, through the
writer, overwrite) every other object in the bucket. Both classes keep CDK's rendering of the ASL
and replace only the policy statements.
"""

from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_stepfunctions as sfn


class PrefixScopedJsonReader(sfn.S3JsonItemReader):
    """Reads a JSON array from one object under `key_prefix`; may read nothing else."""

    def __init__(self, bucket: s3.IBucket, key_prefix: str, key: str) -> None:
        super().__init__(bucket=bucket, key=key)
        self._scoped_bucket = bucket
        self._key_prefix = key_prefix

    def provide_policy_statements(self) -> list[iam.PolicyStatement]:
        return [iam.PolicyStatement(actions=["s3:GetObject"], resources=[self._scoped_bucket.arn_for_objects(f"{self._key_prefix}*")])]


class PrefixScopedResultWriter(sfn.ResultWriterV2):
    """Writes Map Run results under `key_prefix`; may write nowhere else."""

    def __init__(self, bucket: s3.IBucket, key_prefix: str, writer_config: sfn.WriterConfig) -> None:
        # Step Functions adds the "/" itself: results land at <prefix>/<Map Run id>/...
        super().__init__(bucket=bucket, prefix=key_prefix.rstrip("/"), writer_config=writer_config)
        self._scoped_bucket = bucket
        self._key_prefix = key_prefix

    def provide_policy_statements(self) -> list[iam.PolicyStatement]:
        return [
            iam.PolicyStatement(
                # The four actions CDK grants for a ResultWriter: multipart upload of the result files, and reading them back.
                actions=["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"],
                resources=[self._scoped_bucket.arn_for_objects(f"{self._key_prefix}*")],
            )
        ]

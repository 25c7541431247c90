"""The Distributed Map's reader and result writer, each allowed to touch only its own prefix of the bucket."""

from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_stepfunctions as sfn


class PrefixScopedCsvReader(sfn.S3CsvItemReader):
    """CDK's own reader grants s3:GetObject on the whole bucket; this one narrows it to `prefix`."""

    def __init__(self, bucket: s3.IBucket, prefix: str, key: str) -> None:
        super().__init__(bucket=bucket, key=key, csv_headers=sfn.CsvHeaders.use_first_row())
        self._read_bucket = bucket
        self._prefix = prefix

    def provide_policy_statements(self) -> list[iam.PolicyStatement]:
        return [iam.PolicyStatement(actions=["s3:GetObject"], resources=[self._read_bucket.arn_for_objects(f"{self._prefix}*")])]


class PrefixScopedResultWriter(sfn.ResultWriterV2):
    """CDK's own writer grants its four actions on the whole bucket; this one narrows them to `prefix`."""

    def __init__(self, bucket: s3.IBucket, prefix: str, writer_config: sfn.WriterConfig) -> None:
        super().__init__(bucket=bucket, prefix=prefix.rstrip("/"), writer_config=writer_config)
        self._write_bucket = bucket
        self._write_prefix = prefix

    def provide_policy_statements(self) -> list[iam.PolicyStatement]:
        return [
            iam.PolicyStatement(
                actions=["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"],
                resources=[self._write_bucket.arn_for_objects(f"{self._write_prefix}*")],
            )
        ]

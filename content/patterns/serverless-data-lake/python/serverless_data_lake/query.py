"""The Athena workgroup analysts query the lake through, and the bucket its results go to."""

from aws_cdk import Duration, Stack
from aws_cdk import aws_athena as athena
from aws_cdk import aws_s3 as s3
from constructs import Construct

from serverless_data_lake.zones import PRIVATE_BUCKET

# Athena stops any query in the workgroup once it has scanned this much: at most $0.05 a query.
BYTES_SCANNED_CUTOFF = 10 * 1024**3


class LakeQuery(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)

        self.results = s3.Bucket(
            self,
            "QueryResults",
            **PRIVATE_BUCKET,
            # Result files are copies of data already in the lake; the console keeps the query history.
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-query-results",
                    expiration=Duration.days(7),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
        )

        self.work_group_name = f"{Stack.of(self).stack_name}-lake"
        athena.CfnWorkGroup(
            self,
            "LakeWorkGroup",
            name=self.work_group_name,
            description="Queries over the curated zone: encrypted results, a scan cutoff per query.",
            state="ENABLED",
            # Lets `cdk destroy` remove the workgroup even after someone saved queries in it.
            recursive_delete_option=True,
            work_group_configuration=athena.CfnWorkGroup.WorkGroupConfigurationProperty(
                # Clients cannot override the result location, its encryption or the cutoff.
                enforce_work_group_configuration=True,
                publish_cloud_watch_metrics_enabled=True,
                bytes_scanned_cutoff_per_query=BYTES_SCANNED_CUTOFF,
                engine_version=athena.CfnWorkGroup.EngineVersionProperty(selected_engine_version="Athena engine version 3"),
                result_configuration=athena.CfnWorkGroup.ResultConfigurationProperty(
                    output_location=f"s3://{self.results.bucket_name}/athena/",
                    encryption_configuration=athena.CfnWorkGroup.EncryptionConfigurationProperty(encryption_option="SSE_S3"),
                    expected_bucket_owner=Stack.of(self).account,
                ),
            ),
        )

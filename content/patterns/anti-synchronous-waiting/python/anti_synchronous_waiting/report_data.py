"""The data, table and workgroup the report reads, identical in the anti-pattern and in the fix."""

from __future__ import annotations

import re

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_athena as athena
from aws_cdk import aws_glue as glue
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

# Athena cancels any query of the workgroup once it has scanned this much: at most half a cent a query.
BYTES_SCANNED_CUTOFF = 1024**3

# Where the orders live in the data bucket, and where Athena writes result files in the results bucket.
ORDERS_PREFIX = "orders/"
RESULTS_PREFIX = "athena/"

# The report both stacks run. It is fixed: no caller input ever reaches the SQL, so there is
# nothing to inject into.
REPORT_SQL = " ".join(
    [
        "SELECT day, currency, count(*) AS orders, round(sum(total), 2) AS revenue",
        "FROM orders",
        "GROUP BY day, currency",
        "ORDER BY day DESC, currency",
        "LIMIT 100",
    ]
)


def _private_bucket(scope: Construct, construct_id: str, **extra: object) -> s3.Bucket:
    return s3.Bucket(
        scope,
        construct_id,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        minimum_tls_version=1.2,
        # Demo data: `cdk destroy` empties and removes the buckets.
        removal_policy=RemovalPolicy.DESTROY,
        auto_delete_objects=True,
        **extra,  # type: ignore[arg-type]
    )


class ReportData(Construct):
    """A bucket of JSON-lines orders, the Glue table over them, and an Athena workgroup that caps every query.

    Only how the caller waits for the report differs between the two stacks.
    """

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)

        self.orders = _private_bucket(self, "OrdersBucket")
        self.results = _private_bucket(
            self,
            "QueryResults",
            # Result files are copies of report rows; Athena's query history keeps the SQL and statistics.
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-query-results",
                    expiration=Duration.days(7),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
        )
        for bucket in (self.orders, self.results):
            Validations.of(bucket).acknowledge(
                Acknowledgment(
                    id="AwsSolutions-S1",
                    reason="Demo report data read only through Athena, whose query history and CloudTrail record who ran which query; access logs would add a third bucket.",
                )
            )

        # Glue and Athena names are account-wide in a Region; deriving them from the stack name keeps
        # the two stacks (and two copies of either) apart.
        self.database_name = re.sub(r"[^a-z0-9]+", "_", stack.stack_name.lower()) + "_reports"
        database = glue.CfnDatabase(
            self,
            "ReportDatabase",
            catalog_id=stack.account,
            database_input=glue.CfnDatabase.DatabaseInputProperty(
                name=self.database_name, description="Orders the daily revenue report reads."
            ),
        )
        location = f"s3://{self.orders.bucket_name}/{ORDERS_PREFIX}"
        glue.CfnTable(
            self,
            "OrdersTable",
            catalog_id=stack.account,
            # Ref of a Glue database is its name; it also orders the table after the database.
            database_name=database.ref,
            table_input=glue.CfnTable.TableInputProperty(
                name="orders",
                description="One JSON object per line: order_id, day (yyyy-MM-dd), total, currency.",
                table_type="EXTERNAL_TABLE",
                parameters={"classification": "json"},
                storage_descriptor=glue.CfnTable.StorageDescriptorProperty(
                    location=location,
                    columns=[
                        glue.CfnTable.ColumnProperty(name="order_id", type="string"),
                        glue.CfnTable.ColumnProperty(name="day", type="string", comment="yyyy-MM-dd"),
                        glue.CfnTable.ColumnProperty(name="total", type="double"),
                        glue.CfnTable.ColumnProperty(name="currency", type="string", comment="ISO 4217 code"),
                    ],
                    input_format="org.apache.hadoop.mapred.TextInputFormat",
                    output_format="org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                    serde_info=glue.CfnTable.SerdeInfoProperty(serialization_library="org.apache.hive.hcatalog.data.JsonSerDe"),
                ),
            ),
        )

        self.work_group_name = f"{stack.stack_name}-reports"
        athena.CfnWorkGroup(
            self,
            "ReportWorkGroup",
            name=self.work_group_name,
            description="Runs the daily revenue report: SSE-S3 results in the QueryResults bucket, 1 GiB scan cutoff per query.",
            state="ENABLED",
            # Lets `cdk destroy` remove the workgroup even after someone saved queries in it.
            recursive_delete_option=True,
            work_group_configuration=athena.CfnWorkGroup.WorkGroupConfigurationProperty(
                # Callers cannot override the result location, its encryption or the cutoff.
                enforce_work_group_configuration=True,
                publish_cloud_watch_metrics_enabled=True,
                bytes_scanned_cutoff_per_query=BYTES_SCANNED_CUTOFF,
                engine_version=athena.CfnWorkGroup.EngineVersionProperty(selected_engine_version="Athena engine version 3"),
                result_configuration=athena.CfnWorkGroup.ResultConfigurationProperty(
                    output_location=f"s3://{self.results.bucket_name}/{RESULTS_PREFIX}",
                    encryption_configuration=athena.CfnWorkGroup.EncryptionConfigurationProperty(encryption_option="SSE_S3"),
                    expected_bucket_owner=stack.account,
                ),
            ),
        )

    def grant_run_report(self, grantee: iam.IGrantable) -> None:
        """Start the report in this workgroup, read its status and rows, the table and the orders, and the result files."""
        stack = Stack.of(self)

        def add(statement: iam.PolicyStatement) -> None:
            grantee.grant_principal.add_to_principal_policy(statement)

        add(
            iam.PolicyStatement(
                actions=["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults"],
                resources=[stack.format_arn(service="athena", resource="workgroup", resource_name=self.work_group_name)],
            )
        )
        add(
            iam.PolicyStatement(
                actions=["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"],
                resources=[
                    stack.format_arn(service="glue", resource="catalog"),
                    stack.format_arn(service="glue", resource="database", resource_name=self.database_name),
                    stack.format_arn(service="glue", resource="table", resource_name=f"{self.database_name}/orders"),
                ],
            )
        )
        add(
            iam.PolicyStatement(
                actions=["s3:GetBucketLocation", "s3:ListBucket"], resources=[self.orders.bucket_arn, self.results.bucket_arn]
            )
        )
        add(iam.PolicyStatement(actions=["s3:GetObject"], resources=[self.orders.arn_for_objects(f"{ORDERS_PREFIX}*")]))
        add(
            iam.PolicyStatement(
                actions=["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                resources=[self.results.arn_for_objects(f"{RESULTS_PREFIX}*")],
            )
        )
        add(iam.PolicyStatement(actions=["s3:ListBucketMultipartUploads"], resources=[self.results.bucket_arn]))


def acknowledge_object_wildcards(role: Construct, reports: ReportData) -> None:
    """The two object-level grants of the report, on a role that holds them: objects under orders/ and under athena/."""
    stack = Stack.of(role)
    for bucket, prefix in ((reports.orders, ORDERS_PREFIX), (reports.results, RESULTS_PREFIX)):
        logical_id = stack.get_logical_id(bucket.node.default_child)  # type: ignore[arg-type]
        Validations.of(role).acknowledge(
            Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::<{logical_id}.Arn>/{prefix}*]",
                reason=f"Object keys under {prefix} are not known in advance; the grant is limited to that prefix of one bucket.",
            )
        )

"""The Glue Data Catalog entries Athena reads: a database and the curated `orders` table."""

import re

from aws_cdk import Stack
from aws_cdk import aws_glue as glue
from aws_cdk import aws_s3 as s3
from constructs import Construct

from functions.transform import CURATED_PREFIX, EARLIEST_DATE, TABLE_NAME

# The curated table's columns, in the order the transform writes them.
ORDER_COLUMNS = [
    glue.CfnTable.ColumnProperty(name="order_id", type="string", comment="orderId of the raw record"),
    glue.CfnTable.ColumnProperty(name="customer_id", type="string"),
    glue.CfnTable.ColumnProperty(name="placed_at", type="timestamp", comment="Event time in UTC; dt is its date"),
    glue.CfnTable.ColumnProperty(name="total", type="double"),
    glue.CfnTable.ColumnProperty(name="currency", type="string", comment="ISO 4217 code, upper case"),
    glue.CfnTable.ColumnProperty(name="source_key", type="string", comment="Raw object the row came from"),
    glue.CfnTable.ColumnProperty(name="source_line", type="int", comment="Line number in that object"),
]


class LakeCatalog(Construct):
    """Partitions are projected from the table's properties, so no crawler runs and no partition is
    ever added: a new `dt=` folder is queryable the moment its first object lands."""

    table_name = TABLE_NAME

    def __init__(self, scope: Construct, construct_id: str, *, curated: s3.IBucket) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        # Athena wants lower-case letters, digits and underscores; derived from the stack name so two
        # stacks in one account cannot collide.
        self.database_name = re.sub(r"[^a-z0-9]+", "_", stack.stack_name.lower()) + "_lake"

        database = glue.CfnDatabase(
            self,
            "LakeDatabase",
            catalog_id=stack.account,
            database_input=glue.CfnDatabase.DatabaseInputProperty(
                name=self.database_name, description="Curated zone of the serverless data lake."
            ),
        )

        location = f"s3://{curated.bucket_name}/{CURATED_PREFIX}"
        glue.CfnTable(
            self,
            "OrdersTable",
            catalog_id=stack.account,
            # Ref of a Glue database is its name; it also orders the table after the database.
            database_name=database.ref,
            table_input=glue.CfnTable.TableInputProperty(
                name=TABLE_NAME,
                description="Validated orders, one gzip JSON-lines object per raw file and event day.",
                table_type="EXTERNAL_TABLE",
                partition_keys=[glue.CfnTable.ColumnProperty(name="dt", type="string", comment="UTC date of placed_at, yyyy-MM-dd")],
                parameters={
                    "classification": "json",
                    "compressionType": "gzip",
                    "projection.enabled": "true",
                    "projection.dt.type": "date",
                    "projection.dt.format": "yyyy-MM-dd",
                    # Must start where the transform starts accepting records (EARLIEST_DATE).
                    "projection.dt.range": f"{EARLIEST_DATE},NOW",
                    "projection.dt.interval": "1",
                    "projection.dt.interval.unit": "DAYS",
                    "storage.location.template": location + "dt=${dt}/",
                },
                storage_descriptor=glue.CfnTable.StorageDescriptorProperty(
                    location=location,
                    columns=ORDER_COLUMNS,
                    compressed=True,
                    input_format="org.apache.hadoop.mapred.TextInputFormat",
                    output_format="org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                    serde_info=glue.CfnTable.SerdeInfoProperty(serialization_library="org.apache.hive.hcatalog.data.JsonSerDe"),
                ),
            ),
        )

"""The data both Regions share: one DynamoDB global table, created in the primary Region with a
replica in the secondary. Each Region's function talks only to the replica next to it."""

from typing import Any

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from multi_region_active_passive.operations import Operations
from multi_region_active_passive.settings import Settings


class PrimaryStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, settings: Settings, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        self.table = dynamodb.TableV2(
            self,
            "Items",
            # A fixed name: the standby stack finds its replica by name instead of a cross-Region reference.
            table_name=settings.table_name,
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            # Demo items expire a week after their last write, so a public demo cannot grow the table for ever.
            time_to_live_attribute="expiresAt",
            replicas=[dynamodb.ReplicaTableProps(region=settings.secondary_region)],
            # A demo stack should leave nothing behind on `cdk destroy`; this deletes both replicas.
            removal_policy=RemovalPolicy.DESTROY,
        )

        operations = Operations(self, "Multi-Region active-passive data alarms")
        # Replication is asynchronous: this latency is the data a failover would lose. DynamoDB
        # publishes it in the sending Region, per receiving Region.
        operations.alarm(
            "ReplicationLatencyAlarm",
            metric=cloudwatch.Metric(
                namespace="AWS/DynamoDB",
                metric_name="ReplicationLatency",
                dimensions_map={"TableName": self.table.table_name, "ReceivingRegion": settings.secondary_region},
                statistic="Average",
                period=Duration.minutes(5),
            ),
            threshold=30_000,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            # No writes means no replication and no data points: quiet, not failing.
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                f"Writes in {settings.primary_region} took 30 seconds or more on average to reach {settings.secondary_region}; "
                "a failover now would lose that much. Check the AWS Health Dashboard for DynamoDB in both Regions."
            ),
        )

        CfnOutput(self, "AlarmTopicArn", value=operations.topic.topic_arn)
        CfnOutput(self, "TableName", value=self.table.table_name)

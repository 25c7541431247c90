"""The shop's two tables, identical in both stacks: the anti-pattern is in the compute, not the data."""

from dataclasses import dataclass

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct


@dataclass(frozen=True)
class ShopTables:
    customers: dynamodb.TableV2
    orders: dynamodb.TableV2


def shop_tables(scope: Construct) -> ShopTables:
    def table(construct_id: str, key: str) -> dynamodb.TableV2:
        return dynamodb.TableV2(
            scope,
            construct_id,
            partition_key=dynamodb.Attribute(name=key, type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            # Demo data: `cdk destroy` leaves nothing behind. Retain the tables for anything real.
            removal_policy=RemovalPolicy.DESTROY,
        )

    return ShopTables(customers=table("Customers", "customerId"), orders=table("Orders", "orderId"))

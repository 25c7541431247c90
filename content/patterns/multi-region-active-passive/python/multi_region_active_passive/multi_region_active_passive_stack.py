"""The three stacks of the pattern, as `cdk deploy --all` deploys them."""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk

from multi_region_active_passive.primary_stack import PrimaryStack
from multi_region_active_passive.regional_api_stack import RegionalApiStack
from multi_region_active_passive.settings import read_settings


@dataclass(frozen=True)
class ActivePassiveStacks:
    data: PrimaryStack
    primary: RegionalApiStack
    secondary: RegionalApiStack


def add_active_passive_stacks(app: cdk.App) -> ActivePassiveStacks:
    """The data stack goes first: both API stacks use its replicas by name, and CloudFormation
    cannot wait across Regions by itself."""
    settings = read_settings(app.node)
    data = PrimaryStack(
        app,
        "PrimaryStack",
        env=cdk.Environment(region=settings.primary_region),
        description="Multi-Region active-passive (data): a DynamoDB global table with a replica in the standby Region.",
        settings=settings,
    )
    primary = RegionalApiStack(
        app,
        "ApiPrimaryStack",
        env=cdk.Environment(region=settings.primary_region),
        description="Multi-Region active-passive (primary Region): the API on the shared domain, its health check and the PRIMARY failover record.",
        settings=settings,
        role="Primary",
    )
    secondary = RegionalApiStack(
        app,
        "ApiSecondaryStack",
        env=cdk.Environment(region=settings.secondary_region),
        description="Multi-Region active-passive (standby Region): the API on the shared domain and the SECONDARY failover record.",
        settings=settings,
        role="Secondary",
    )
    primary.add_stack_dependency(data, "uses the table replica in its Region by name")
    secondary.add_stack_dependency(data, "uses the table replica in its Region by name")
    # Both certificates are validated through the same DNS record in the one hosted zone: creating
    # them one after the other means the second finds the record in place instead of racing for it.
    secondary.add_stack_dependency(primary, "validates its certificate through the record the primary created")
    return ActivePassiveStacks(data=data, primary=primary, secondary=secondary)

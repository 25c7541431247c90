"""What the three stacks share, read once from context.

Stacks in different Regions cannot pass references to each other without CDK's cross-Region
machinery (custom resources writing SSM parameters), so everything both Regions need is a fixed
value the reader chooses up front.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

# Route 53 publishes health-check metrics only here, so the health check's alarm must live here.
ROUTE53_METRICS_REGION = "us-east-1"

# Placeholders that synthesize; deploy with your own hosted zone and a name inside it.
DEFAULTS = {
    "primaryRegion": "us-east-1",
    "secondaryRegion": "us-west-2",
    "domainName": "api.example.com",
    "hostedZoneName": "example.com",
    "hostedZoneId": "Z0EXAMPLE0000000000",
    # Fixed, so the standby Region can address its replica without a cross-Region reference.
    "tableName": "multi-region-active-passive-items",
}


@dataclass(frozen=True)
class Settings:
    primary_region: str
    secondary_region: str
    # The one name clients call; it resolves to whichever Region Route 53 considers in charge.
    domain_name: str
    hosted_zone_name: str
    hosted_zone_id: str
    table_name: str


class _Context(Protocol):
    def try_get_context(self, key: str) -> Any: ...


def _read(node: _Context, key: str) -> str:
    value = node.try_get_context(key)
    if value is None or value == "":
        return DEFAULTS[key]
    if not isinstance(value, str):
        raise ValueError(f"Context value {key} must be a string, got {type(value).__name__}.")
    return value.strip()


def _dns_name(name: str) -> str:
    """DNS names compare without case or the trailing dot Route 53 prints."""
    return name.lower().removesuffix(".")


_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")


def read_settings(node: _Context) -> Settings:
    """Reads and checks the context; each mistake caught here would otherwise surface mid-deploy."""
    settings = Settings(
        primary_region=_read(node, "primaryRegion"),
        secondary_region=_read(node, "secondaryRegion"),
        domain_name=_dns_name(_read(node, "domainName")),
        hosted_zone_name=_dns_name(_read(node, "hostedZoneName")),
        hosted_zone_id=_read(node, "hostedZoneId"),
        table_name=_read(node, "tableName"),
    )
    for key, value in (("primaryRegion", settings.primary_region), ("secondaryRegion", settings.secondary_region)):
        if not _REGION.match(value):
            raise ValueError(f'Context value {key} must be a Region code such as us-west-2, got "{value}".')
    if settings.primary_region == settings.secondary_region:
        raise ValueError("primaryRegion and secondaryRegion are the same Region; failover needs two.")
    if settings.primary_region != ROUTE53_METRICS_REGION:
        raise ValueError(
            f"primaryRegion must be {ROUTE53_METRICS_REGION}: the primary stack owns the Route 53 health check and the alarm on it, "
            f"and Route 53 publishes health-check metrics only in {ROUTE53_METRICS_REGION}, so an alarm anywhere else would never fire."
        )
    if settings.domain_name != settings.hosted_zone_name and not settings.domain_name.endswith(f".{settings.hosted_zone_name}"):
        raise ValueError(f"domainName {settings.domain_name} is not inside the hosted zone {settings.hosted_zone_name}.")
    if not re.match(r"^Z[0-9A-Z]{1,31}$", settings.hosted_zone_id):
        raise ValueError(
            f'Context value hostedZoneId must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ, got "{settings.hosted_zone_id}".'
        )
    if not re.match(r"^[A-Za-z0-9_.-]{3,255}$", settings.table_name):
        raise ValueError(f'Context value tableName must be 3 to 255 letters, digits, _ . or -, got "{settings.table_name}".')
    return settings

from typing import Any

import pytest

from multi_region_active_passive.settings import DEFAULTS, Settings, read_settings


class Node:
    def __init__(self, **context: Any) -> None:
        self._context = context

    def try_get_context(self, key: str) -> Any:
        return self._context.get(key)


def test_falls_back_to_placeholders_that_synthesize() -> None:
    assert read_settings(Node()) == Settings(
        primary_region=DEFAULTS["primaryRegion"],
        secondary_region=DEFAULTS["secondaryRegion"],
        domain_name=DEFAULTS["domainName"],
        hosted_zone_name=DEFAULTS["hostedZoneName"],
        hosted_zone_id=DEFAULTS["hostedZoneId"],
        table_name=DEFAULTS["tableName"],
    )


def test_takes_a_zone_and_name_from_context_ignoring_case_and_the_trailing_dot() -> None:
    settings = read_settings(Node(domainName="API.Shop.Example.net.", hostedZoneName="shop.example.net.", hostedZoneId="Z0123456789ABCDEFGHIJ"))
    assert settings.domain_name == "api.shop.example.net"
    assert settings.hosted_zone_name == "shop.example.net"


def test_refuses_a_primary_region_other_than_us_east_1_where_route_53_publishes_health_check_metrics() -> None:
    with pytest.raises(ValueError, match="primaryRegion must be us-east-1"):
        read_settings(Node(primaryRegion="eu-west-1", secondaryRegion="eu-central-1"))


def test_refuses_the_same_region_twice_and_a_malformed_region() -> None:
    with pytest.raises(ValueError, match="same Region"):
        read_settings(Node(secondaryRegion="us-east-1"))
    with pytest.raises(ValueError, match="Region code"):
        read_settings(Node(secondaryRegion="oregon"))


def test_refuses_a_name_outside_the_hosted_zone_and_a_malformed_zone_id() -> None:
    with pytest.raises(ValueError, match="not inside the hosted zone"):
        read_settings(Node(domainName="api.example.org"))
    with pytest.raises(ValueError, match="hosted zone id"):
        read_settings(Node(hostedZoneId="example.com"))

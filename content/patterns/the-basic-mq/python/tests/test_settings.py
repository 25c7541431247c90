import pytest

from the_basic_mq.settings import PLACEHOLDER_ZONE, BrokerSettings, resolve_settings


def test_falls_back_to_a_cheap_single_broker_under_a_placeholder_name() -> None:
    assert resolve_settings({}) == BrokerSettings(
        zone_name=PLACEHOLDER_ZONE["zone_name"],
        hosted_zone_id=PLACEHOLDER_ZONE["hosted_zone_id"],
        domain_name="mq.example.com",
        deployment_mode="SINGLE_INSTANCE",
        instance_type="mq.t3.micro",
        broker_count=1,
        placeholder=True,
    )


def test_uses_a_real_zone_normalising_case_and_the_trailing_dot() -> None:
    settings = resolve_settings({"zoneName": "Example.ORG.", "hostedZoneId": " Z123ABC ", "recordName": "Broker"})
    assert settings.zone_name == "example.org"
    assert settings.hosted_zone_id == "Z123ABC"
    assert settings.domain_name == "broker.example.org"
    assert settings.placeholder is False


def test_sizes_an_active_standby_pair_with_two_broker_ips() -> None:
    settings = resolve_settings({"deploymentMode": "active_standby_multi_az"})
    assert settings.deployment_mode == "ACTIVE_STANDBY_MULTI_AZ"
    assert settings.instance_type == "mq.m5.large"
    assert settings.broker_count == 2


@pytest.mark.parametrize(
    ("context", "message"),
    [
        ({"zoneName": "example.org"}, "together"),
        ({"hostedZoneId": "Z123"}, "together"),
        ({"zoneName": "bad_zone.org", "hostedZoneId": "Z123"}, "not a valid zone name"),
        ({"zoneName": "example.org", "hostedZoneId": "abc"}, "not a hosted zone id"),
        ({"recordName": "a.b"}, "single DNS label"),
        ({"recordName": "-mq"}, "single DNS label"),
        ({"recordName": "mq-"}, "single DNS label"),
        ({"deploymentMode": "CLUSTER_MULTI_AZ"}, "deploymentMode"),
        ({"recordName": 7}, "must be a string"),
    ],
)
def test_refuses_half_a_zone_bad_names_and_unknown_modes(context: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        resolve_settings(context)

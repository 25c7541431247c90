"""Turns optional CDK context into complete broker settings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

DeploymentMode = Literal["SINGLE_INSTANCE", "ACTIVE_STANDBY_MULTI_AZ"]

PLACEHOLDER_ZONE = {"zone_name": "example.com", "hosted_zone_id": "Z0000000000000000EXMP"}

# The TLS ports the load balancer exposes, each forwarded to the same port on the broker.
BROKER_PORTS: dict[str, int] = {"Console": 8162, "OpenWire": 61617, "Amqp": 5671, "Stomp": 61614}

_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_HOSTED_ZONE_ID = re.compile(r"Z[A-Z0-9]{1,31}")


@dataclass(frozen=True)
class BrokerSettings:
    # Public hosted zone that holds the record and the certificate's validation record.
    zone_name: str
    hosted_zone_id: str
    # The stable name clients use, e.g. mq.example.com.
    domain_name: str
    deployment_mode: DeploymentMode
    instance_type: str
    # How many broker IPs the load balancer targets: one per broker instance.
    broker_count: int
    # True while the example.com defaults are in place; deploying then makes no sense.
    placeholder: bool


def _is_label(label: str) -> bool:
    return _LABEL.fullmatch(label) is not None


def _is_domain_name(name: str) -> bool:
    return len(name) <= 253 and all(_is_label(label) for label in name.split("."))


def resolve_settings(context: dict[str, Any]) -> BrokerSettings:
    """Without any context the stack still synthesizes, against a placeholder zone that a deploy will refuse."""

    def text(key: str) -> str | None:
        value = context.get(key)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise ValueError(f'Context "{key}" must be a string')
        value = value.strip().lower()
        return value[:-1] if value.endswith(".") else value

    zone_name = text("zoneName")
    raw_zone_id = context.get("hostedZoneId")
    hosted_zone_id = None if raw_zone_id is None else str(raw_zone_id).strip()
    if (zone_name is None) != (hosted_zone_id is None):
        raise ValueError("Pass zoneName and hostedZoneId together, or neither")
    placeholder = not (zone_name and hosted_zone_id)
    if placeholder:
        zone_name, hosted_zone_id = PLACEHOLDER_ZONE["zone_name"], PLACEHOLDER_ZONE["hosted_zone_id"]
    assert zone_name is not None and hosted_zone_id is not None
    if not _is_domain_name(zone_name):
        raise ValueError(f'"{zone_name}" is not a valid zone name')
    if not _HOSTED_ZONE_ID.fullmatch(hosted_zone_id):
        raise ValueError(f'"{hosted_zone_id}" is not a hosted zone id')

    record_name = text("recordName") or "mq"
    if not _is_label(record_name):
        raise ValueError(f'"{record_name}" must be a single DNS label such as "mq"')

    mode = (text("deploymentMode") or "single_instance").upper()
    if mode not in ("SINGLE_INSTANCE", "ACTIVE_STANDBY_MULTI_AZ"):
        raise ValueError("deploymentMode must be SINGLE_INSTANCE or ACTIVE_STANDBY_MULTI_AZ")
    active_standby = mode == "ACTIVE_STANDBY_MULTI_AZ"

    return BrokerSettings(
        zone_name=zone_name,
        hosted_zone_id=hosted_zone_id,
        domain_name=f"{record_name}.{zone_name}",
        deployment_mode=mode,  # type: ignore[arg-type]
        # mq.t3.micro is the cheapest ActiveMQ broker but runs single-instance only.
        instance_type="mq.m5.large" if active_standby else "mq.t3.micro",
        broker_count=2 if active_standby else 1,
        placeholder=placeholder,
    )

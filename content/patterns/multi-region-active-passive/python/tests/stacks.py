"""The three stacks as app.py builds them, and small helpers over their templates."""

from __future__ import annotations

from typing import Any

from aws_cdk.assertions import Template

from multi_region_active_passive.multi_region_active_passive_stack import ActivePassiveStacks, add_active_passive_stacks
from tests.cdk_app import app_from_cdk_json

# A reader's own zone, so the tests see context flow into every name.
OWN_ZONE = {"domainName": "orders.shop.example.net", "hostedZoneName": "shop.example.net", "hostedZoneId": "Z0123456789ABCDEFGHIJ"}


def build_stacks(**context: Any) -> ActivePassiveStacks:
    return add_active_passive_stacks(app_from_cdk_json(**context))


def resources_of(template: Template) -> dict[str, Any]:
    return template.to_json()["Resources"]


def one(template: Template, type_: str, prefix: str = "") -> tuple[str, dict[str, Any]]:
    """The single resource of a type whose logical id starts with the prefix: (logical id, properties)."""
    found = [(i, r["Properties"]) for i, r in resources_of(template).items() if r["Type"] == type_ and i.startswith(prefix)]
    assert len(found) == 1, f"expected one {type_} named {prefix}*, found {len(found)}"
    return found[0]

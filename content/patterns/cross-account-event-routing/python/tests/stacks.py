"""Both stacks as app.py builds them, and small helpers over their templates."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk

from cross_account_event_routing.cross_account_event_routing_stack import ConsumerStack, ProducerStack
from cross_account_event_routing.routing import read_routing
from tests.cdk_app import app_from_cdk_json


def build_stacks(**context: Any) -> tuple[ProducerStack, ConsumerStack]:
    app = app_from_cdk_json(**context)
    routing = read_routing(app.node)
    consumer = ConsumerStack(
        app, "ConsumerStack", env=cdk.Environment(account=routing.consumer_account, region=routing.region), routing=routing
    )
    producer = ProducerStack(
        app, "ProducerStack", env=cdk.Environment(account=routing.producer_account, region=routing.region), routing=routing
    )
    return producer, consumer


def role_statements(resources: dict[str, Any], role_id: str) -> list[dict[str, Any]]:
    """Every statement of every identity policy attached to the role with this logical id."""
    return [
        s
        for r in resources.values()
        if r["Type"] == "AWS::IAM::Policy" and f'"{role_id}"' in json.dumps(r["Properties"]["Roles"])
        for s in r["Properties"]["PolicyDocument"]["Statement"]
    ]


def logical_id(resources: dict[str, Any], type_: str, prefix: str) -> str:
    ids = [i for i, r in resources.items() if r["Type"] == type_ and i.startswith(prefix)]
    assert len(ids) == 1, f"expected one {type_} named {prefix}*, found {len(ids)}"
    return ids[0]


def actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return sorted([action] if isinstance(action, str) else action)

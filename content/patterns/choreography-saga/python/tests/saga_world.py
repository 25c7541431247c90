"""The three services with the real handler code, each over its own fake table and publishing to a fake
bus, wired together only by the synthesized template's rules: every published event goes to the
functions whose rule pattern matches it, as EventBridge would deliver it."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from aws_cdk.assertions import Template

from contract import ORDER_STATES, PAYMENT_STATES, SOURCES, STOCK_STATES
from inventory import create_inventory_handler
from orders import create_orders_handler
from payments import create_payments_handler
from publisher import event_bridge_publisher
from saga_table import SagaTable
from tests.event_pattern import matches
from tests.fakes import FakeDynamo, FakeEventBridge

SERVICES = ("orders", "payments", "inventory")
NOW = datetime(2026, 12, 5, 9, 0, 0, tzinfo=timezone.utc)


def rules_of(template: Template) -> list[dict[str, Any]]:
    """The stack's rules as deployed: pattern and the logical ids of their targets."""
    return [
        {"id": rule_id, "pattern": rule["Properties"]["EventPattern"], "targets": [t["Arn"]["Fn::GetAtt"][0] for t in rule["Properties"]["Targets"]]}
        for rule_id, rule in template.find_resources("AWS::Events::Rule").items()
    ]


def service_of(function_id: str) -> str:
    """Which service a function's logical id belongs to (OrdersServiceAB12CD34 is orders)."""
    match = re.fullmatch(r"(Orders|Payments|Inventory)Service[0-9A-F]{8}", function_id)
    if not match:
        raise ValueError(f"{function_id} is not one of the saga's service functions")
    return match.group(1).lower()


def submitted(order: dict[str, Any]) -> dict[str, Any]:
    return {"source": SOURCES["checkout"], "detail-type": "OrderSubmitted", "detail": order}


class SagaWorld:
    def __init__(self, template: Template, duplicate: bool = False) -> None:
        self.duplicate = duplicate
        self.tables = {name: FakeDynamo() for name in SERVICES}
        self.buses = {name: FakeEventBridge() for name in SERVICES}
        machines = {"orders": ORDER_STATES, "payments": PAYMENT_STATES, "inventory": STOCK_STATES}
        factories = {"orders": create_orders_handler, "payments": create_payments_handler, "inventory": create_inventory_handler}
        self.handlers = {
            name: factories[name](
                SagaTable(self.tables[name], f"{name}-table", machines[name]),
                event_bridge_publisher(self.buses[name], "ShopEvents", SOURCES[name]),
                lambda: NOW,
            )
            for name in SERVICES
        }
        self.rules = rules_of(template)
        self.deliveries: list[dict[str, Any]] = []
        self.published: list[dict[str, Any]] = []
        self._cursors = {name: 0 for name in SERVICES}

    def put(self, event: dict[str, Any]) -> None:
        """Puts one event on the bus and delivers it, and everything it causes, until the saga goes quiet."""
        queue = [event]
        while queue:
            current = queue.pop(0)
            for rule in (r for r in self.rules if matches(r["pattern"], current)):
                for target in rule["targets"]:
                    service = service_of(target)
                    # At-least-once delivery, at its worst: every event reaches its target twice.
                    for _ in range(2 if self.duplicate else 1):
                        outcome = self.handlers[service](current)
                        self.deliveries.append({"rule": rule["id"], "service": service, "event": current, "outcome": outcome})
            for name in SERVICES:
                fresh = self.buses[name].events()[self._cursors[name] :]
                self._cursors[name] += len(fresh)
                self.published.extend(fresh)
                queue.extend(fresh)

    def status_of(self, order_id: str) -> dict[str, Any]:
        """Every table's status for an order: the saga's state, read the way the page reads it."""
        return {
            "order": (self.tables["orders"].get(order_id) or {}).get("status"),
            "payment": (self.tables["payments"].get(order_id) or {}).get("status"),
            "stock": (self.tables["inventory"].get(order_id) or {}).get("status"),
        }

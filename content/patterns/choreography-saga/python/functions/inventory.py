"""Inventory is the last step: a reservation is RESERVED or FAILED, and nothing after it can fail."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from contract import SOLD_OUT_PREFIX, SOURCES, STOCK_STATES, expect_from, order_of
from publisher import Publish, event_bridge_publisher
from saga_step import SagaStep, utc_now
from saga_table import Item, SagaTable


def announce(item: Item) -> tuple[str, dict[str, Any]]:
    if item["status"] == "RESERVED":
        return "StockReserved", {"orderId": item["orderId"], "sku": item["sku"], "quantity": item["quantity"]}
    return "StockFailed", {"orderId": item["orderId"], "sku": item["sku"], "quantity": item["quantity"], "reason": item.get("failReason")}


def create_inventory_handler(table: SagaTable, publish: Publish, now: Callable[[], Any] = utc_now) -> Callable[[dict[str, Any]], dict[str, Any]]:
    step = SagaStep("inventory", table, publish, announce, now)

    def handle(event: dict[str, Any]) -> dict[str, Any]:
        detail_type = expect_from(event, ["PaymentCompleted"])
        order = order_of(event.get("detail"))
        sold_out = order.sku.startswith(SOLD_OUT_PREFIX)
        item: Item = {
            "orderId": order.order_id,
            "sku": order.sku,
            "quantity": order.quantity,
            "status": "FAILED" if sold_out else "RESERVED",
            **({"failReason": "OUT_OF_STOCK"} if sold_out else {}),
            "createdAt": step.now(),
        }
        return step.start(detail_type, item, ("RESERVED", "FAILED"))

    return handle


_handle: Callable[[dict[str, Any]], dict[str, Any]] | None = None


def handler(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
    global _handle
    if _handle is None:
        import boto3

        _handle = create_inventory_handler(
            SagaTable(boto3.client("dynamodb"), os.environ["TABLE_NAME"], STOCK_STATES),
            event_bridge_publisher(boto3.client("events"), os.environ["EVENT_BUS_NAME"], SOURCES["inventory"]),
        )
    return _handle(event)

"""Orders owns the order: PENDING until Inventory reserves stock (CONFIRMED) or a failure comes back (CANCELLED)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from contract import ORDER_STATES, SOURCES, expect_from, order_id_of, order_of
from publisher import Publish, event_bridge_publisher
from saga_step import SagaStep, utc_now
from saga_table import Item, SagaTable

# Why an order was cancelled, from the event that cancelled it.
CANCEL_REASONS = {"PaymentFailed": "PAYMENT_DECLINED", "PaymentRefunded": "OUT_OF_STOCK"}


def announce(item: Item) -> tuple[str, dict[str, Any]]:
    if item["status"] == "PENDING":
        return "OrderPlaced", {"orderId": item["orderId"], "amountCents": item["amountCents"], "sku": item["sku"], "quantity": item["quantity"]}
    if item["status"] == "CONFIRMED":
        return "OrderConfirmed", {"orderId": item["orderId"]}
    return "OrderCancelled", {"orderId": item["orderId"], "reason": item.get("cancelReason")}


def create_orders_handler(table: SagaTable, publish: Publish, now: Callable[[], Any] = utc_now) -> Callable[[dict[str, Any]], dict[str, Any]]:
    step = SagaStep("orders", table, publish, announce, now)

    def handle(event: dict[str, Any]) -> dict[str, Any]:
        detail_type = expect_from(event, ["OrderSubmitted", "StockReserved", "PaymentFailed", "PaymentRefunded"])
        at = step.now()
        if detail_type == "OrderSubmitted":
            # The caller chose the order id, so a resubmitted order lands on the same item.
            order = order_of(event.get("detail"))
            return step.start(detail_type, {**order.fields(), "status": "PENDING", "createdAt": at, "updatedAt": at}, ("PENDING",))
        if detail_type == "StockReserved":
            return step.advance(detail_type, order_id_of(event.get("detail")), "PENDING", "CONFIRMED", {"updatedAt": at})
        # Compensation: the payment was declined, or it was refunded because there was no stock.
        return step.advance(
            detail_type,
            order_id_of(event.get("detail")),
            "PENDING",
            "CANCELLED",
            {"updatedAt": at, "cancelReason": CANCEL_REASONS[detail_type]},
        )

    return handle


_handle: Callable[[dict[str, Any]], dict[str, Any]] | None = None


def handler(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
    # Clients are created once per execution environment, so warm invocations reuse their connections.
    global _handle
    if _handle is None:
        import boto3

        _handle = create_orders_handler(
            SagaTable(boto3.client("dynamodb"), os.environ["TABLE_NAME"], ORDER_STATES),
            event_bridge_publisher(boto3.client("events"), os.environ["EVENT_BUS_NAME"], SOURCES["orders"]),
        )
    return _handle(event)

"""Payments: CHARGED, or DECLINED over the card limit; a charge is REFUNDED when Inventory reports no stock."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from typing import Any

from contract import PAYMENT_LIMIT_CENTS, PAYMENT_STATES, SOURCES, expect_from, order_id_of, order_of
from publisher import Publish, event_bridge_publisher
from saga_step import SagaStep, utc_now
from saga_table import Item, SagaTable


def payment_id_for(order_id: str) -> str:
    """Derived from the order id, not random, so a redelivered charge names the same payment."""
    return "pay-" + hashlib.sha256(order_id.encode()).hexdigest()[:16]


def announce(item: Item) -> tuple[str, dict[str, Any]]:
    if item["status"] == "CHARGED":
        return "PaymentCompleted", {
            "orderId": item["orderId"],
            "paymentId": item["paymentId"],
            "amountCents": item["amountCents"],
            "sku": item["sku"],
            "quantity": item["quantity"],
        }
    if item["status"] == "DECLINED":
        return "PaymentFailed", {"orderId": item["orderId"], "reason": item.get("declineReason")}
    return "PaymentRefunded", {"orderId": item["orderId"], "paymentId": item["paymentId"], "amountCents": item["amountCents"]}


def create_payments_handler(table: SagaTable, publish: Publish, now: Callable[[], Any] = utc_now) -> Callable[[dict[str, Any]], dict[str, Any]]:
    step = SagaStep("payments", table, publish, announce, now)

    def handle(event: dict[str, Any]) -> dict[str, Any]:
        detail_type = expect_from(event, ["OrderPlaced", "StockFailed"])
        at = step.now()
        if detail_type == "OrderPlaced":
            order = order_of(event.get("detail"))
            declined = order.amount_cents > PAYMENT_LIMIT_CENTS
            item: Item = {
                **order.fields(),
                "paymentId": payment_id_for(order.order_id),
                "status": "DECLINED" if declined else "CHARGED",
                **({"declineReason": "CARD_LIMIT_EXCEEDED"} if declined else {}),
                "createdAt": at,
                "updatedAt": at,
            }
            return step.start(detail_type, item, ("CHARGED", "DECLINED"))
        # Compensation: Inventory could not reserve the stock, so the charge is given back.
        return step.advance(detail_type, order_id_of(event.get("detail")), "CHARGED", "REFUNDED", {"updatedAt": at, "refundedAt": at})

    return handle


_handle: Callable[[dict[str, Any]], dict[str, Any]] | None = None


def handler(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
    global _handle
    if _handle is None:
        import boto3

        _handle = create_payments_handler(
            SagaTable(boto3.client("dynamodb"), os.environ["TABLE_NAME"], PAYMENT_STATES),
            event_bridge_publisher(boto3.client("events"), os.environ["EVENT_BUS_NAME"], SOURCES["payments"]),
        )
    return _handle(event)

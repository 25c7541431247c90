"""The saga's event contract: who publishes what, with which fields.

The stack builds its rules and IAM conditions from these constants and the handlers validate against
them, so the two cannot drift.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Each service publishes under its own source; IAM lets a service put events only with its own.
SOURCES = {
    "checkout": "shop.checkout",
    "orders": "shop.orders",
    "payments": "shop.payments",
    "inventory": "shop.inventory",
}

# Every event type on the bus, with the source that may publish it.
EVENT_TYPES = {
    "OrderSubmitted": SOURCES["checkout"],
    "OrderPlaced": SOURCES["orders"],
    "OrderConfirmed": SOURCES["orders"],
    "OrderCancelled": SOURCES["orders"],
    "PaymentCompleted": SOURCES["payments"],
    "PaymentFailed": SOURCES["payments"],
    "PaymentRefunded": SOURCES["payments"],
    "StockReserved": SOURCES["inventory"],
    "StockFailed": SOURCES["inventory"],
}


def published_by(source: str) -> list[str]:
    """The detail types a service publishes; the IAM condition on its PutEvents lists exactly these."""
    return [detail_type for detail_type, publisher in EVENT_TYPES.items() if publisher == source]


# Each service's explicit state machine, as stored in the `status` attribute of its item.
# A transition is a conditional write from one of these states to one it lists.
ORDER_STATES: dict[str, tuple[str, ...]] = {"PENDING": ("CONFIRMED", "CANCELLED"), "CONFIRMED": (), "CANCELLED": ()}
PAYMENT_STATES: dict[str, tuple[str, ...]] = {"CHARGED": ("REFUNDED",), "DECLINED": (), "REFUNDED": ()}
STOCK_STATES: dict[str, tuple[str, ...]] = {"RESERVED": (), "FAILED": ()}

# Demo card limit: Payments declines any order above it, which is how you force the first failure path.
PAYMENT_LIMIT_CENTS = 50_000
# Demo stock rule: Inventory has none of any SKU that starts with this, which forces the second failure path.
SOLD_OUT_PREFIX = "SOLDOUT-"

ORDER_ID_PATTERN = "^[A-Za-z0-9-]{1,64}$"
SKU_PATTERN = "^[A-Z0-9-]{1,32}$"
MAX_AMOUNT_CENTS = 10_000_000
MAX_QUANTITY = 100


class InvalidEvent(Exception):
    """A detail that breaks the contract: raised, so Lambda retries it and then parks it in the service's DLQ."""


class UnknownOrder(Exception):
    """An event about an order this service has no record of: nothing to move, so a person should look."""


@dataclass(frozen=True)
class Order:
    """The order as every forward event carries it, so the next service needs no call back."""

    order_id: str
    amount_cents: int
    sku: str
    quantity: int

    def fields(self) -> dict[str, Any]:
        return {"orderId": self.order_id, "amountCents": self.amount_cents, "sku": self.sku, "quantity": self.quantity}


def _record(detail: Any) -> dict[str, Any]:
    if not isinstance(detail, dict):
        raise InvalidEvent("detail must be a JSON object")
    return detail


def order_id_of(detail: Any) -> str:
    order_id = _record(detail).get("orderId")
    if not isinstance(order_id, str) or not re.fullmatch(ORDER_ID_PATTERN, order_id):
        raise InvalidEvent(f"orderId must match {ORDER_ID_PATTERN}")
    return order_id


def _whole_number(value: Any, name: str, maximum: int) -> int:
    # bool is an int in Python; JSON true is not a quantity.
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
        raise InvalidEvent(f"{name} must be a whole number from 1 to {maximum}")
    return value


def order_of(detail: Any) -> Order:
    """The four order fields, checked: any event that starts or continues the forward path carries them."""
    fields = _record(detail)
    order_id = order_id_of(fields)
    amount_cents = _whole_number(fields.get("amountCents"), "amountCents", MAX_AMOUNT_CENTS)
    quantity = _whole_number(fields.get("quantity"), "quantity", MAX_QUANTITY)
    sku = fields.get("sku")
    if not isinstance(sku, str) or not re.fullmatch(SKU_PATTERN, sku):
        raise InvalidEvent(f"sku must match {SKU_PATTERN}")
    return Order(order_id, amount_cents, sku, quantity)


def expect_from(event: dict[str, Any], accepted: list[str]) -> str:
    """The rule already filters on source; checking again means a mis-edited rule fails loudly, not silently."""
    detail_type = event.get("detail-type")
    if detail_type not in accepted or EVENT_TYPES.get(detail_type) != event.get("source"):
        raise InvalidEvent(f"this service does not handle {event.get('source')} / {detail_type}")
    return detail_type

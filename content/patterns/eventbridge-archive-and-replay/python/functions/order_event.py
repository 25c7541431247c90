"""What an order event is, shared by the stack (its rule and archive patterns) and both consumers.

The orders service owns this contract; everything downstream checks it again, because any
principal allowed to call PutEvents on the bus can put an event that merely looks like one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Optional

# The `source` of every event the orders service puts on the bus.
EVENT_SOURCE = "com.example.orders"
# The `detail-type` of a new order: the one event the ledger and the notifier act on.
ORDER_PLACED = "OrderPlaced"
# Every lifecycle event of the orders service starts with this (OrderPlaced, OrderCancelled...).
ORDER_EVENT_PREFIX = "Order"
# In-store orders: the till prints a receipt, so no confirmation e-mail is sent.
IN_STORE_CHANNEL = "pos"

CHANNELS = ("web", "app", IN_STORE_CHANNEL)
# One million in the currency's major unit: a bigger order is a bug, not a sale.
MAX_TOTAL_CENTS = 100_000_000

_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
_CURRENCY = re.compile(r"[A-Z]{3}")
_UTC_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z")
_FIELDS = ("orderId", "customerId", "channel", "totalCents", "currency", "placedAt")


class InvalidOrderEvent(ValueError):
    """An event that can never succeed, however often it is retried."""


@dataclass(frozen=True)
class OrderPlaced:
    """The detail of an OrderPlaced event. `order_id` is the business key every effect is keyed on."""

    order_id: str
    customer_id: str
    channel: str
    total_cents: int
    currency: str
    placed_at: str


def _is_id(value: Any) -> bool:
    # fullmatch, not search: in Python `$` also matches before a trailing newline.
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def _is_utc_timestamp(value: Any) -> bool:
    if not isinstance(value, str) or _UTC_TIMESTAMP.fullmatch(value) is None:
        return False
    try:
        # Python 3.11 reads the trailing Z; the check also rejects impossible dates such as month 13.
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def parse_order_placed(detail: Any) -> OrderPlaced:
    """Checks an OrderPlaced detail field by field and returns only the known fields."""
    if not isinstance(detail, dict):
        raise InvalidOrderEvent("detail is not an object")
    unknown = [key for key in detail if key not in _FIELDS]
    if unknown:
        raise InvalidOrderEvent(f"unknown fields: {', '.join(unknown)}")
    if not _is_id(detail.get("orderId")):
        raise InvalidOrderEvent("orderId is missing or malformed")
    if not _is_id(detail.get("customerId")):
        raise InvalidOrderEvent("customerId is missing or malformed")
    if detail.get("channel") not in CHANNELS:
        raise InvalidOrderEvent(f"channel must be one of {', '.join(CHANNELS)}")
    total = detail.get("totalCents")
    # bool is an int in Python; JSON true is not an amount.
    if not isinstance(total, int) or isinstance(total, bool) or not 0 <= total <= MAX_TOTAL_CENTS:
        raise InvalidOrderEvent(f"totalCents must be a whole number from 0 to {MAX_TOTAL_CENTS}")
    currency = detail.get("currency")
    if not isinstance(currency, str) or _CURRENCY.fullmatch(currency) is None:
        raise InvalidOrderEvent("currency must be three capital letters")
    if not _is_utc_timestamp(detail.get("placedAt")):
        raise InvalidOrderEvent("placedAt must be a UTC timestamp such as 2026-12-05T09:15:00Z")
    return OrderPlaced(
        order_id=detail["orderId"],
        customer_id=detail["customerId"],
        channel=detail["channel"],
        total_cents=total,
        currency=currency,
        placed_at=detail["placedAt"],
    )


def parse_envelope(event: Any) -> dict[str, Any]:
    """Checks the envelope's source and type (the rules already did; a hand-put event may not match)."""
    if not isinstance(event, dict):
        raise InvalidOrderEvent("event is not an object")
    if event.get("source") != EVENT_SOURCE or event.get("detail-type") != ORDER_PLACED:
        raise InvalidOrderEvent(f"unexpected event {event.get('source')} / {event.get('detail-type')}")
    replay_name: Optional[Any] = event.get("replay-name")
    if replay_name is not None and not isinstance(replay_name, str):
        raise InvalidOrderEvent("replay-name is not a string")
    return event

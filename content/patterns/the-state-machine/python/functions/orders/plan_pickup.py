"""Times a pickup order and issues its pickup code."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from .order import ValidOrder, kitchen_minutes, minutes_from, utc_now


def pickup_code(order_id: str) -> str:
    """Derived from the order id so a retried invocation hands out the same code."""
    return hashlib.sha256(order_id.encode()).hexdigest()[:4].upper()


def plan_pickup(order: ValidOrder, now: datetime) -> dict[str, Any]:
    if order["fulfilment"] != "pickup":
        raise ValueError(f"order {order['orderId']} is not a pickup order")
    return {
        "orderId": order["orderId"],
        "status": "ACCEPTED",
        "fulfilment": "pickup",
        "pickupCode": pickup_code(order["orderId"]),
        "totalCents": order["subtotalCents"],
        "readyAt": minutes_from(now, kitchen_minutes(order["bakedItems"])),
    }


def handler(event: ValidOrder, _context: Any = None) -> dict[str, Any]:
    return plan_pickup(event, utc_now())

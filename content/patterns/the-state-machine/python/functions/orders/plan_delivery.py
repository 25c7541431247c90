"""Prices a delivery order and promises an arrival time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .order import ValidOrder, kitchen_minutes, minutes_from, utc_now

FREE_DELIVERY_FROM_CENTS = 3000
DELIVERY_FEE_CENTS = 299
RIDE_MINUTES = 25


def plan_delivery(order: ValidOrder, now: datetime) -> dict[str, Any]:
    # The Choice only routes delivery orders here; anything else means the wiring is wrong.
    if order["fulfilment"] != "delivery" or not order.get("address"):
        raise ValueError(f"order {order['orderId']} is not a delivery order with an address")
    delivery_fee_cents = 0 if order["subtotalCents"] >= FREE_DELIVERY_FROM_CENTS else DELIVERY_FEE_CENTS
    return {
        "orderId": order["orderId"],
        "status": "ACCEPTED",
        "fulfilment": "delivery",
        "address": order["address"],
        "deliveryFeeCents": delivery_fee_cents,
        "totalCents": order["subtotalCents"] + delivery_fee_cents,
        "readyAt": minutes_from(now, kitchen_minutes(order["bakedItems"]) + RIDE_MINUTES),
    }


def handler(event: ValidOrder, _context: Any = None) -> dict[str, Any]:
    return plan_delivery(event, utc_now())

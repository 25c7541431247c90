"""Checks an order against the menu and the delivery rules."""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Optional

from .order import MENU, OrderLine

logger = logging.getLogger()
logger.setLevel(logging.INFO)

MAX_LINES = 10
MAX_QUANTITY = 20
# Below this subtotal a courier trip costs more than the order earns.
DELIVERY_MINIMUM_CENTS = 1500

_ORDER_ID = re.compile(r"[A-Za-z0-9-]{1,40}")


def _whole_number(value: Any) -> Optional[int]:
    """JSON has one number type: 2 and 2.0 are the same whole number; a bool or a string is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def validate_order(raw_input: Any) -> dict[str, Any]:
    """Checks an order as the caller sent it.

    Never raises on bad input: a rejected order is a normal business outcome, which the state
    machine's Choice turns into its Fail state.
    """
    reasons: list[str] = []
    raw: dict[str, Any] = raw_input if isinstance(raw_input, dict) else {}

    order_id = raw.get("orderId")
    if not (isinstance(order_id, str) and _ORDER_ID.fullmatch(order_id)):
        order_id = None
        reasons.append("orderId must be 1 to 40 letters, digits or dashes")

    fulfilment = raw.get("fulfilment")
    if fulfilment not in ("delivery", "pickup"):
        fulfilment = None
        reasons.append('fulfilment must be "delivery" or "pickup"')

    lines: list[OrderLine] = []
    baked_items = 0
    items = raw.get("items")
    if not isinstance(items, list) or not items or len(items) > MAX_LINES:
        reasons.append(f"items must list 1 to {MAX_LINES} menu items")
    else:
        for index, item in enumerate(items):
            fields = item if isinstance(item, dict) else {}
            sku = fields.get("sku")
            menu_item = MENU.get(sku) if isinstance(sku, str) else None
            if menu_item is None:
                reasons.append(f"items[{index}]: {json.dumps(sku)} is not on the menu")
                continue
            count = _whole_number(fields.get("quantity"))
            if count is None or count < 1 or count > MAX_QUANTITY:
                reasons.append(f"items[{index}]: quantity must be a whole number from 1 to {MAX_QUANTITY}")
                continue
            lines.append({"sku": sku, "name": menu_item.name, "quantity": count, "lineTotalCents": count * menu_item.price_cents})
            if menu_item.baked:
                baked_items += count
    subtotal_cents = sum(line["lineTotalCents"] for line in lines)

    address: Optional[str] = None
    if fulfilment == "delivery":
        address = raw["address"].strip() if isinstance(raw.get("address"), str) else ""
        if not address or len(address) > 200:
            reasons.append("delivery needs an address of at most 200 characters")
        if not reasons and subtotal_cents < DELIVERY_MINIMUM_CENTS:
            reasons.append(f"delivery needs a subtotal of at least {DELIVERY_MINIMUM_CENTS} cents")

    if reasons or order_id is None or fulfilment is None:
        return {"valid": False, **({"orderId": order_id} if order_id else {}), "reasons": reasons}
    order: dict[str, Any] = {"orderId": order_id, "fulfilment": fulfilment}
    if address:
        order["address"] = address
    order.update({"lines": lines, "bakedItems": baked_items, "subtotalCents": subtotal_cents})
    return {"valid": True, "order": order}


def handler(event: Any, _context: Any = None) -> dict[str, Any]:
    result = validate_order(event)
    if result["valid"]:
        logger.info("order checked", extra={"valid": True})
    else:
        logger.info("order checked", extra={"valid": False, "reasons": result["reasons"]})
    return result

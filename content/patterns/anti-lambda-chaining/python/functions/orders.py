"""Order pricing shared by the chained PlaceOrder (before) and the workflow's PriceOrder step (after).

The business rules are the same in both stacks; only the way the steps are joined differs.
"""

from __future__ import annotations

import re
from typing import Any

# Prices in cents. The client sends SKUs and quantities, never prices.
PRICE_LIST_CENTS: dict[str, int] = {"BOOK-1": 1250, "MUG-2": 900, "TEE-3": 1800}
MAX_LINES = 20
MAX_QUANTITY = 10

_ORDER_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
_CARD_TOKEN = re.compile(r"^tok_[A-Za-z0-9_]{1,60}$")


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def price_order(raw: Any) -> dict[str, Any]:
    """Checks and prices an order as the caller sent it. Never raises: a bad order is an answer, not a fault."""
    data = raw if isinstance(raw, dict) else {}
    reasons: list[str] = []
    order_id = data.get("orderId")
    if not (isinstance(order_id, str) and _ORDER_ID.match(order_id)):
        order_id = None
        reasons.append("orderId must be 1 to 64 letters, digits or dashes")
    card_token = data.get("cardToken")
    if not (isinstance(card_token, str) and _CARD_TOKEN.match(card_token)):
        card_token = None
        reasons.append("cardToken must be a payment token starting with tok_")

    items: list[dict[str, Any]] = []
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not 1 <= len(raw_items) <= MAX_LINES:
        reasons.append(f"items must list 1 to {MAX_LINES} lines")
    else:
        for index, item in enumerate(raw_items):
            line = item if isinstance(item, dict) else {}
            sku, quantity = line.get("sku"), line.get("quantity")
            price = PRICE_LIST_CENTS.get(sku) if isinstance(sku, str) else None
            if price is None:
                reasons.append(f"items[{index}].sku is not for sale")
            elif not _is_whole(quantity) or not 1 <= quantity <= MAX_QUANTITY:
                reasons.append(f"items[{index}].quantity must be a whole number from 1 to {MAX_QUANTITY}")
            else:
                items.append({"sku": sku, "quantity": quantity, "unitPriceCents": price})
    if reasons or order_id is None or card_token is None:
        return {"valid": False, "reasons": reasons}
    total = sum(line["unitPriceCents"] * line["quantity"] for line in items)
    return {"valid": True, "order": {"orderId": order_id, "items": items, "totalCents": total, "cardToken": card_token}}

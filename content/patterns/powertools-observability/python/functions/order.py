"""What an order request must look like, its total, and the payment stand-in. Pure functions."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from typing import Any, Optional, Union

MAX_ITEMS = 20
MAX_QUANTITY = 100
# 10,000.00 per unit: a typo in a price should be a 400, not a very large order.
MAX_UNIT_PRICE_CENTS = 1_000_000
# Bigger bodies are refused before json.loads sees them.
MAX_BODY_BYTES = 16 * 1024

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_SKU = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


@dataclass(frozen=True)
class OrderItem:
    sku: str
    quantity: int
    unit_price_cents: int


@dataclass(frozen=True)
class OrderRequest:
    customer_id: str
    items: list[OrderItem]
    payment_token: str


def _is_int_in(value: Any, low: int, high: int) -> bool:
    # bool is an int in Python; true/false are not quantities.
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _matches(pattern: re.Pattern[str], value: Any) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def parse_order(body: Optional[str], is_base64_encoded: bool = False) -> Union[OrderRequest, list[str]]:
    """Parses and checks a request body; returns the order, or every problem so the caller can fix them in one go."""
    text = base64.b64decode(body).decode("utf-8") if is_base64_encoded and body else body
    if not text:
        return ["the body must be a JSON order"]
    if len(text.encode("utf-8")) > MAX_BODY_BYTES:
        return [f"the body must be at most {MAX_BODY_BYTES} bytes"]
    try:
        parsed = json.loads(text)
    except ValueError:
        return ["the body is not valid JSON"]
    if not isinstance(parsed, dict):
        return ["the body must be a JSON object"]

    errors: list[str] = []
    customer_id, items, payment_token = parsed.get("customerId"), parsed.get("items"), parsed.get("paymentToken")
    if not _matches(_ID, customer_id):
        errors.append("customerId must be 1-64 letters, digits, - or _")
    if not _matches(_ID, payment_token):
        errors.append("paymentToken must be 1-64 letters, digits, - or _")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_ITEMS:
        errors.append(f"items must be a list of 1 to {MAX_ITEMS} items")
    else:
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                errors.append(f"items[{i}] must be an object")
                continue
            if not _matches(_SKU, item.get("sku")):
                errors.append(f"items[{i}].sku must be 1-32 letters, digits, - or _")
            if not _is_int_in(item.get("quantity"), 1, MAX_QUANTITY):
                errors.append(f"items[{i}].quantity must be a whole number from 1 to {MAX_QUANTITY}")
            if not _is_int_in(item.get("unitPriceCents"), 1, MAX_UNIT_PRICE_CENTS):
                errors.append(f"items[{i}].unitPriceCents must be a whole number of cents from 1 to {MAX_UNIT_PRICE_CENTS}")
    if errors:
        return errors
    # Copy only the known fields: nothing else from the request reaches the table.
    return OrderRequest(
        customer_id=customer_id,
        payment_token=payment_token,
        items=[OrderItem(sku=i["sku"], quantity=i["quantity"], unit_price_cents=i["unitPriceCents"]) for i in items],
    )


def total_cents(items: list[OrderItem]) -> int:
    """Integer cents, so no floating-point rounding ever reaches a stored total."""
    return sum(item.quantity * item.unit_price_cents for item in items)


# Stand-in for a payment provider's authorization call, so the demo can produce declines on demand.
# The two test tokens below are declined; any other token is approved. Replace authorize_payment
# with your provider's SDK call: the handler only needs its approved/declined answer.
DECLINING_TOKENS: dict[str, str] = {
    "tok_declined": "card_declined",
    "tok_insufficient_funds": "insufficient_funds",
}


@dataclass(frozen=True)
class PaymentResult:
    approved: bool
    reason: Optional[str] = None


def authorize_payment(payment_token: str) -> PaymentResult:
    reason = DECLINING_TOKENS.get(payment_token)
    return PaymentResult(approved=False, reason=reason) if reason else PaymentResult(approved=True)

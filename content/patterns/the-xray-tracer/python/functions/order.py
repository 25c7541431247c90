"""The event every consumer receives: validated once by the publisher."""

from __future__ import annotations

import json
import math
import re
from typing import Any, TypedDict, Union


class Order(TypedDict):
    orderId: str
    customerId: str
    total: float
    currency: str


# Orders at or above this total also go to the high-value screen (an SNS filter policy).
HIGH_VALUE_THRESHOLD = 1000
MAX_TOTAL = 1_000_000
# The currency the business reports in; other currencies are converted to it.
REPORTING_CURRENCY = "EUR"

_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
_CURRENCY = re.compile(r"[A-Z]{3}")

# Either the order, or every problem with the input.
Parsed = Union[Order, list[str]]


def _round_cents(value: float) -> float:
    rounded = math.floor(value * 100 + 0.5) / 100
    return int(rounded) if rounded.is_integer() else rounded


def parse_order(text: str | None) -> Parsed:
    """Returns the order, or the list of every problem with it."""
    try:
        data: Any = json.loads(text or "")
    except ValueError:
        return ["body must be JSON"]
    if not isinstance(data, dict):
        return ["body must be a JSON object"]
    errors: list[str] = []
    order_id, customer_id, total, currency = data.get("orderId"), data.get("customerId"), data.get("total"), data.get("currency")
    if not isinstance(order_id, str) or not _ID.fullmatch(order_id):
        errors.append("orderId must be 1-64 letters, digits or hyphens")
    if not isinstance(customer_id, str) or not _ID.fullmatch(customer_id):
        errors.append("customerId must be 1-64 letters, digits or hyphens")
    if isinstance(total, bool) or not isinstance(total, (int, float)) or not math.isfinite(total) or not 0 < total <= MAX_TOTAL:
        errors.append(f"total must be a number above 0 and at most {MAX_TOTAL}")
    if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency):
        errors.append("currency must be a three-letter code such as EUR")
    if errors:
        return errors
    return {"orderId": order_id, "customerId": customer_id, "total": _round_cents(total), "currency": currency}


def order_from_message(message: str) -> Order:
    """For consumers: a message that fails validation here was not sent by the publisher."""
    parsed = parse_order(message)
    if isinstance(parsed, list):
        raise ValueError(f"Not an order event: {'; '.join(parsed)}")
    return parsed

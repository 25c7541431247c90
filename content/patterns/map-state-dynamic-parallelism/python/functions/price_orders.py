"""Prices orders for the PricingJob state machine.

The inline Map sends one order per call, the Distributed Map a batch of orders per child execution;
both get one result per order. An order that fails validation is a result (REJECTED), not an error:
raised errors are kept for real failures, which the state machine retries and then records, and
which alarm.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

logger = logging.getLogger()
logger.setLevel(logging.INFO)

MAX_LINES = 100
MAX_QUANTITY = 10_000
# One million in the order's currency; with MAX_LINES and MAX_QUANTITY a total stays a safe integer.
MAX_UNIT_PRICE_CENTS = 100_000_000
# At most this many problems per result, so hundreds of results still fit in one state's 256 KiB output.
MAX_REASONS = 3

ORDER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
CURRENCY = re.compile(r"[A-Z]{3}")
SKU = re.compile(r"[A-Za-z0-9._-]{1,64}")

OrderResult = dict[str, Any]


def _whole_number(value: Any, low: int, high: int) -> int | None:
    """The value as an int when it is a whole number in range. JSON 2.0 counts as 2, as it does in JavaScript."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and low <= value <= high:
        return value
    return None


def _matches(pattern: re.Pattern[str], value: Any) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def _rejected(index: int, order_id: str | None, problems: list[str]) -> OrderResult:
    return {"index": index, "orderId": order_id, "status": "REJECTED", "reasons": problems[:MAX_REASONS], "problemCount": len(problems)}


def price_order(item: dict[str, Any]) -> OrderResult:
    """Checks one order and prices it in whole cents, listing every problem instead of stopping at the first."""
    index = item["index"]
    order = item.get("order")
    if not isinstance(order, dict):
        return _rejected(index, None, ["the order must be a JSON object"])
    order_id = order.get("orderId") if _matches(ORDER_ID, order.get("orderId")) else None
    problems: list[str] = []
    if order_id is None:
        problems.append("orderId must be 1 to 64 letters, digits, - or _")
    if not _matches(CURRENCY, order.get("currency")):
        problems.append("currency must be a three-letter code such as EUR")
    lines = order.get("lines")
    priced_lines: list[tuple[int, int]] = []
    if not isinstance(lines, list) or not 1 <= len(lines) <= MAX_LINES:
        problems.append(f"lines must be a list of 1 to {MAX_LINES} lines")
    else:
        for n, line in enumerate(lines, start=1):
            if not isinstance(line, dict):
                problems.append(f"line {n} must be an object")
                continue
            if not _matches(SKU, line.get("sku")):
                problems.append(f"line {n}: sku is missing or malformed")
            quantity = _whole_number(line.get("quantity"), 1, MAX_QUANTITY)
            if quantity is None:
                problems.append(f"line {n}: quantity must be a whole number from 1 to {MAX_QUANTITY}")
            unit_price = _whole_number(line.get("unitPriceCents"), 0, MAX_UNIT_PRICE_CENTS)
            if unit_price is None:
                problems.append(f"line {n}: unitPriceCents must be a whole number from 0 to {MAX_UNIT_PRICE_CENTS}")
            if quantity is not None and unit_price is not None:
                priced_lines.append((quantity, unit_price))
    if problems:
        return _rejected(index, order_id, problems)
    return {
        "index": index,
        "orderId": order_id,
        "status": "PRICED",
        "currency": order["currency"],
        "lineCount": len(priced_lines),
        "units": sum(quantity for quantity, _ in priced_lines),
        # Integer cents throughout: no floating-point money.
        "totalCents": sum(quantity * unit_price for quantity, unit_price in priced_lines),
    }


def _is_batch(event: Any) -> bool:
    return isinstance(event, dict) and isinstance(event.get("Items"), list)


def _is_item(event: Any) -> bool:
    return isinstance(event, dict) and isinstance(event.get("index"), int) and not isinstance(event.get("index"), bool) and "order" in event


def price_orders(event: Any) -> OrderResult | list[OrderResult]:
    """One order from the inline Map, or a batch from a Distributed Map child.

    A batch answers with one result per order, so one bad order never fails the other orders of its batch.
    """
    if _is_batch(event):
        return [price_order(item) for item in event["Items"]]
    if _is_item(event):
        return price_order(event)
    # Neither shape: the state machine and the function disagree, which is a bug worth an alarm.
    raise ValueError('Expected {"index", "order"} or {"Items": [...]} from the PricingJob state machine')


def handler(event: Any, _context: Any = None) -> OrderResult | list[OrderResult]:
    results = price_orders(event)
    every = results if isinstance(results, list) else [results]
    summary: dict[str, Any] = {
        "message": "orders priced",
        "mode": "batch" if isinstance(results, list) else "single",
        "priced": sum(1 for r in every if r["status"] == "PRICED"),
        "rejected": sum(1 for r in every if r["status"] == "REJECTED"),
    }
    if _is_batch(event) and isinstance(event.get("BatchInput"), dict) and "manifestKey" in event["BatchInput"]:
        summary["manifestKey"] = event["BatchInput"]["manifestKey"]
    logger.info(json.dumps(summary))
    return results

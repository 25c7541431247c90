"""Validates one extracted row and publishes it as RowTransformed or RowRejected."""

from __future__ import annotations

import datetime
import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pipeline_events import ROW_REJECTED, ROW_TRANSFORMED, TRANSFORM_SOURCE, Order

# The one EventBridge call the handler makes, so tests can stand in for the client.
Publish = Callable[[dict[str, str]], None]

# [0-9] rather than \d: Python's \d also matches digits of other scripts.
_AMOUNT = re.compile(r"([0-9]{1,12})(?:\.([0-9]{1,2}))?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ORDER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class TransformResult:
    order: Order | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.order is not None


def parse_amount_cents(raw: str | None) -> int | None:
    """"12", "12.5" and "12.50" are all 1250 cents; integer maths avoids floating-point drift."""
    match = _AMOUNT.fullmatch((raw or "").strip())
    if not match:
        return None
    return int(match.group(1)) * 100 + int((match.group(2) or "").ljust(2, "0"))


def is_iso_date(value: str) -> bool:
    if not _ISO_DATE.fullmatch(value):
        return False
    try:
        # Rejects dates that do not exist, such as 2026-02-30.
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def transform_row(fields: Mapping[str, str]) -> TransformResult:
    """Validates one CSV row and turns it into a typed order, or lists everything wrong with it."""
    errors: list[str] = []
    order_id = (fields.get("order_id") or "").strip()
    if not _ORDER_ID.fullmatch(order_id):
        errors.append('order_id must be 1 to 64 letters, digits, "-" or "_"')
    customer = " ".join((fields.get("customer") or "").split())
    if not 0 < len(customer) <= 200:
        errors.append("customer must be 1 to 200 characters")
    amount_cents = parse_amount_cents(fields.get("amount"))
    if amount_cents is None:
        errors.append("amount must be a non-negative number with at most two decimals")
    currency = (fields.get("currency") or "").strip().upper()
    if not _CURRENCY.fullmatch(currency):
        errors.append("currency must be a three-letter code such as EUR")
    order_date = (fields.get("order_date") or "").strip()
    if not is_iso_date(order_date):
        errors.append("order_date must be a real date written YYYY-MM-DD")

    if errors or amount_cents is None:
        return TransformResult(errors=errors)
    return TransformResult(
        order={"orderId": order_id, "customer": customer, "amountCents": amount_cents, "currency": currency, "orderDate": order_date}
    )


def eventbridge_publish(client: Any) -> Publish:
    def publish(entry: dict[str, str]) -> None:
        result = client.put_events(Entries=[entry])
        # PutEvents reports per-entry failures in a 200 response; raising lets Lambda retry the row.
        if result.get("FailedEntryCount", 0) > 0:
            first = (result.get("Entries") or [{}])[0]
            raise RuntimeError(f"PutEvents refused the entry: {first.get('ErrorCode')} {first.get('ErrorMessage')}")

    return publish


def create_handler(publish: Publish, event_bus_name: str) -> Callable[[dict[str, Any], Any], None]:
    def handle(event: dict[str, Any], _context: Any = None) -> None:
        detail = event["detail"]
        origin = {"bucket": detail["bucket"], "key": detail["key"], "row": detail["row"]}
        result = transform_row(detail.get("fields") or {})
        out = {**origin, "order": result.order} if result.ok else {**origin, "errors": result.errors}
        publish(
            {
                "EventBusName": event_bus_name,
                "Source": TRANSFORM_SOURCE,
                "DetailType": ROW_TRANSFORMED if result.ok else ROW_REJECTED,
                "Detail": json.dumps(out),
            }
        )

    return handle


_handler: Callable[[dict[str, Any], Any], None] | None = None


def handler(event: dict[str, Any], context: Any) -> None:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _handler
    if _handler is None:
        import boto3

        _handler = create_handler(eventbridge_publish(boto3.client("events")), os.environ.get("EVENT_BUS_NAME", ""))
    _handler(event, context)

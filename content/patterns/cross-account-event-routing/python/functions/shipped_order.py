"""The contract between the two accounts: which events cross, and what an OrderShipped detail holds.

Both stacks and the consumer's handler read it from here, so a rename cannot leave one side behind.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, TypedDict

EVENT_SOURCE = "com.example.orders"
DETAIL_TYPE = "OrderShipped"
MAX_CARRIER_LENGTH = 40

ORDER_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
TRACKING_NUMBER = re.compile(r"[A-Za-z0-9]{6,40}")
TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})")


class Shipment(TypedDict):
    orderId: str
    carrier: str
    trackingNumber: str
    shippedAt: str


class InvalidShipment(ValueError):
    """The event is not a shipment this consumer can record; retrying will not change that."""


def _is_timestamp(value: str) -> bool:
    """A real calendar date and time, such as 2026-12-05T10:14:58Z."""
    if not TIMESTAMP.fullmatch(value):
        return False
    try:
        date.fromisoformat(value[:10])
        # fromisoformat reads "Z" from Python 3.11 on; the seconds' fraction is cut to what it accepts.
        datetime.fromisoformat(re.sub(r"\.([0-9]{1,6})[0-9]*", r".\1", value).replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _field(detail: dict[str, Any], name: str) -> str:
    value = detail.get(name)
    if not isinstance(value, str):
        raise InvalidShipment(f"{name} must be a string")
    return value


def parse_shipment(detail: Any) -> Shipment:
    """Checks an OrderShipped detail field by field.

    Fields it does not know are ignored rather than refused, so the producer can add one
    without breaking this consumer first.
    """
    if not isinstance(detail, dict):
        raise InvalidShipment("detail must be an object")
    order_id = _field(detail, "orderId")
    if not ORDER_ID.fullmatch(order_id):
        raise InvalidShipment("orderId must be 1-64 letters, digits or dashes")
    carrier = _field(detail, "carrier").strip()
    if not carrier or len(carrier) > MAX_CARRIER_LENGTH:
        raise InvalidShipment(f"carrier must be 1-{MAX_CARRIER_LENGTH} characters")
    tracking_number = _field(detail, "trackingNumber")
    if not TRACKING_NUMBER.fullmatch(tracking_number):
        raise InvalidShipment("trackingNumber must be 6-40 letters or digits")
    shipped_at = _field(detail, "shippedAt")
    if not _is_timestamp(shipped_at):
        raise InvalidShipment("shippedAt must be an ISO 8601 timestamp")
    return {"orderId": order_id, "carrier": carrier, "trackingNumber": tracking_number, "shippedAt": shipped_at}

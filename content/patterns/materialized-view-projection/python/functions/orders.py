"""The order read model: the events an order can have, the view a reader wants, and `evolve`, the one
pure function that turns a view and the next event into the next view. The projector and the rebuild
both fold through `evolve`, so a view depends only on the events, never on who applied them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Optional

STATUSES = ("PLACED", "PAID", "SHIPPED", "CANCELLED")
EVENT_TYPES = ("OrderPlaced", "ItemAdded", "ItemRemoved", "OrderPaid", "OrderShipped", "OrderCancelled")

# An event: {"aggregateId", "version", "occurredAt", "type", "data"}; a view: one item of the view table
# with "lastVersion", the version of the last event folded into it, which the write condition rests on.
Event = dict[str, Any]
View = dict[str, Any]

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class ProjectionError(Exception):
    """An event the fold cannot apply. Retrying will not help: the event or the fold has to change."""


def _integer(value: Any) -> Optional[int]:
    """DynamoDB numbers arrive as Decimal from boto3 and as int from tests; both must be whole."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return None


def _text(data: Mapping[str, Any], name: str, where: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise ProjectionError(f"{where}: {name} must be a non-empty string")
    return value


def _whole(data: Mapping[str, Any], name: str, where: str, minimum: int) -> int:
    value = _integer(data.get(name))
    if value is None or value < minimum:
        raise ProjectionError(f"{where}: {name} must be an integer of at least {minimum}")
    return value


def _is_time(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
        return True
    except ValueError:
        return False


def version_of(item: Mapping[str, Any]) -> int:
    """The version stored with an event item; a positive integer or the item is not an event."""
    version = _integer(item.get("version"))
    if version is None or version < 1:
        raise ProjectionError(f"event item has no positive integer version: {item.get('version')!r}")
    return version


def parse_event(item: Mapping[str, Any]) -> Event:
    """Checks one stored event item (already deserialized) and returns it normalised; raises ProjectionError otherwise."""
    aggregate_id = item.get("aggregateId")
    if not isinstance(aggregate_id, str) or not _ID.match(aggregate_id):
        raise ProjectionError(f"event item has no valid aggregateId: {aggregate_id!r}")
    version = version_of(item)
    where = f"{aggregate_id} v{version}"
    occurred_at = item.get("occurredAt")
    if not _is_time(occurred_at):
        raise ProjectionError(f"{where}: occurredAt must be an ISO 8601 time")
    raw = item.get("data") if item.get("data") is not None else {}
    if not isinstance(raw, Mapping):
        raise ProjectionError(f"{where}: data must be a map")
    kind = item.get("type")
    envelope = {"aggregateId": aggregate_id, "version": version, "occurredAt": occurred_at, "type": kind}
    if kind == "OrderPlaced":
        customer_id = _text(raw, "customerId", where)
        if not _ID.match(customer_id):
            raise ProjectionError(f"{where}: customerId must be 1-64 letters, digits, - or _")
        return {**envelope, "data": {"customerId": customer_id}}
    if kind == "ItemAdded":
        return {
            **envelope,
            "data": {
                "sku": _text(raw, "sku", where),
                "quantity": _whole(raw, "quantity", where, 1),
                "unitPriceCents": _whole(raw, "unitPriceCents", where, 0),
            },
        }
    if kind == "ItemRemoved":
        return {**envelope, "data": {"sku": _text(raw, "sku", where)}}
    if kind == "OrderPaid":
        return {**envelope, "data": {}}
    if kind == "OrderShipped":
        return {**envelope, "data": {"trackingNumber": _text(raw, "trackingNumber", where)}}
    if kind == "OrderCancelled":
        return {**envelope, "data": {"reason": _text(raw, "reason", where)}}
    raise ProjectionError(f'{where}: unknown event type "{kind}"' if isinstance(kind, str) else f"{where}: unknown event type {kind!r}")


def _totals(lines: list[dict[str, Any]]) -> dict[str, int]:
    return {
        "itemCount": sum(line["quantity"] for line in lines),
        "totalCents": sum(line["quantity"] * line["unitPriceCents"] for line in lines),
    }


def _with_status(view: View, status: str, at: str) -> View:
    return {**view, "status": status, "statusAt": f"{status}#{at}"}


def evolve(view: Optional[View], event: Event) -> View:
    """The next view after one event. Pure: it never mutates `view`, reads no clock and calls nothing.
    It insists on the very next version, so a duplicate (an old version) or a gap (a later one) is refused
    here as well as by the write condition. It does not second-guess the business rules: an event in the
    log is a fact the write side accepted, so shipping a cancelled order is applied."""
    expected = (view["lastVersion"] if view else 0) + 1
    aggregate_id, version, kind, at, data = event["aggregateId"], event["version"], event["type"], event["occurredAt"], event["data"]
    if version != expected:
        raise ProjectionError(f"{aggregate_id}: expected version {expected}, got {version}")
    if view is None:
        if kind != "OrderPlaced":
            raise ProjectionError(f"{aggregate_id}: the first event must be OrderPlaced, got {kind}")
        return {
            "orderId": aggregate_id,
            "customerId": data["customerId"],
            "status": "PLACED",
            "statusAt": f"PLACED#{at}",
            "lines": [],
            "itemCount": 0,
            "totalCents": 0,
            "placedAt": at,
            "updatedAt": at,
            "lastVersion": version,
        }
    if aggregate_id != view["orderId"]:
        raise ProjectionError(f"event of {aggregate_id} folded into {view['orderId']}")
    following: View = {**view, "updatedAt": at, "lastVersion": version}
    if kind == "OrderPlaced":
        raise ProjectionError(f"{aggregate_id}: OrderPlaced at version {version}, after the order exists")
    if kind == "ItemAdded":
        existing = next((line for line in view["lines"] if line["sku"] == data["sku"]), None)
        line = {"sku": data["sku"], "quantity": (existing["quantity"] if existing else 0) + data["quantity"], "unitPriceCents": data["unitPriceCents"]}
        # Sorted by SKU so the same events always produce the same item, whatever path wrote it.
        lines = sorted([*(dict(l) for l in view["lines"] if l["sku"] != data["sku"]), line], key=lambda l: l["sku"])
        return _with_status({**following, "lines": lines, **_totals(lines)}, view["status"], at)
    if kind == "ItemRemoved":
        lines = [dict(l) for l in view["lines"] if l["sku"] != data["sku"]]
        return _with_status({**following, "lines": lines, **_totals(lines)}, view["status"], at)
    if kind == "OrderPaid":
        return _with_status(following, "PAID", at)
    if kind == "OrderShipped":
        return _with_status({**following, "trackingNumber": data["trackingNumber"]}, "SHIPPED", at)
    if kind == "OrderCancelled":
        return _with_status({**following, "cancelReason": data["reason"]}, "CANCELLED", at)
    raise ProjectionError(f"{aggregate_id}: unknown event type {kind}")


def replay(events: Iterable[Event]) -> Optional[View]:
    """The view after a whole history, in version order: what a rebuild from nothing produces."""
    view: Optional[View] = None
    for event in sorted(events, key=lambda e: e["version"]):
        view = evolve(view, event)
    return view

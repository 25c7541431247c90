"""Test data: order histories, the stream records Lambda would deliver for them, and drivers for both paths."""

from __future__ import annotations

import copy
import json
import random as _random
from datetime import datetime, timezone
from typing import Any, Callable, Optional

from projection import DynamoEventLog, DynamoViews, to_item
from projector import create_projector
from rebuild import create_rebuild

from tests.fake_dynamodb import FakeDynamo

EVENTS = "events-table"
VIEW = "view-table"


def at(minute: int) -> str:
    return datetime(2026, 1, 1, 9, minute, tzinfo=timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def event(aggregate_id: str, version: Any, kind: str, data: Optional[dict[str, Any]] = None, minute: Optional[int] = None) -> dict[str, Any]:
    return {"aggregateId": aggregate_id, "version": version, "type": kind, "occurredAt": at(minute if minute is not None else int(version)), "data": data or {}}


def histories(seed: int, orders: int) -> list[dict[str, Any]]:
    """Random but valid histories: every order is placed, then gets items, payments, shipments or a cancel."""
    rng = _random.Random(seed)
    result: list[dict[str, Any]] = []
    for o in range(1, orders + 1):
        order_id = f"o-{seed}-{o}"
        result.append(event(order_id, 1, "OrderPlaced", {"customerId": f"c-{o % 3}"}))
        for version in range(2, 2 + rng.randrange(8)):
            roll = rng.random()
            sku = f"sku-{rng.randrange(4)}"
            if roll < 0.45:
                result.append(event(order_id, version, "ItemAdded", {"sku": sku, "quantity": 1 + rng.randrange(3), "unitPriceCents": 100 * (1 + rng.randrange(20))}))
            elif roll < 0.6:
                result.append(event(order_id, version, "ItemRemoved", {"sku": sku}))
            elif roll < 0.75:
                result.append(event(order_id, version, "OrderPaid"))
            elif roll < 0.9:
                result.append(event(order_id, version, "OrderShipped", {"trackingNumber": f"T{version}"}))
            else:
                result.append(event(order_id, version, "OrderCancelled", {"reason": "changed mind"}))
    return result


def account(events: Optional[list[dict[str, Any]]] = None) -> FakeDynamo:
    """A fake account holding the event table (with the given events appended) and an empty view table."""
    fake = FakeDynamo().create_table(EVENTS, ("aggregateId", "version")).create_table(
        VIEW, ("orderId", None), {"ByCustomerStatus": ("customerId", "statusAt")}
    )
    for item in events or []:
        fake.tables[EVENTS]["items"][json.dumps([item["aggregateId"], float(item["version"])])] = to_item(item)
    return fake


def insert_record(item: dict[str, Any], sequence: int) -> dict[str, Any]:
    """The INSERT record the events table's stream carries for one stored event."""
    return {
        "eventName": "INSERT",
        "dynamodb": {
            "Keys": to_item({"aggregateId": item["aggregateId"], "version": item["version"]}),
            "NewImage": to_item(item),
            "SequenceNumber": str(sequence).zfill(21),
            "StreamViewType": "NEW_IMAGE",
        },
    }


def batch(records: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Records": records}


def silent(_line: dict[str, Any]) -> None:
    return None


def projector_for(fake: FakeDynamo, log: Callable[[dict[str, Any]], None] = silent) -> Callable[..., Any]:
    return create_projector(DynamoViews(fake, VIEW), DynamoEventLog(fake, EVENTS), log)


def rebuild_for(fake: FakeDynamo) -> Callable[..., Any]:
    return create_rebuild(DynamoViews(fake, VIEW), DynamoEventLog(fake, EVENTS))


def deliver(fake: FakeDynamo, records: list[dict[str, Any]], rng: _random.Random) -> int:
    """Delivers records the way a Lambda stream mapping may: in batches, redelivering from the reported
    record when a batch comes back with a failure. Returns how many batches reported a failure."""
    projector = projector_for(fake)
    failures = 0
    rest = list(records)
    while rest:
        size = 1 + rng.randrange(10)
        chunk, rest = rest[:size], rest[size:]
        for _attempt in range(6):
            if not chunk:
                break
            result = projector(batch(chunk))
            if not result["batchItemFailures"]:
                break
            failures += 1
            failed = result["batchItemFailures"][0]["itemIdentifier"]
            chunk = chunk[next(n for n, r in enumerate(chunk) if r["dynamodb"].get("SequenceNumber") == failed) :]
    return failures


def rebuild_all(fake: FakeDynamo, total_segments: int) -> tuple[int, list[Any]]:
    """Runs every segment of a rebuild to the end, one page per invocation, the way an operator resumes it."""
    rebuild = rebuild_for(fake)
    invocations = 0
    failed: list[Any] = []
    for segment in range(total_segments):
        request: Optional[dict[str, Any]] = {"segment": segment, "totalSegments": total_segments}
        while request:
            # Pretend the clock is always nearly out, so each invocation handles one page and hands back a cursor.
            report = rebuild(json.loads(json.dumps(request)), lambda: 1_000)
            invocations += 1
            failed.extend(report["failed"])
            request = report["next"]
    return invocations, failed


def clone(value: Any) -> Any:
    return copy.deepcopy(value)

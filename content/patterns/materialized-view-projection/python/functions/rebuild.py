"""Replays the event table into the order view through the same `advance` the projector uses."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Mapping
from typing import Any, Optional

from orders import version_of
from projection import DynamoEventLog, DynamoViews, EventLog, StuckAt, Views, advance

logger = logging.getLogger()
logger.setLevel(logging.INFO)

MAX_SEGMENTS = 64
# Stop starting new pages with less than this left, so one page always finishes inside the timeout.
RESERVE_MS = 60_000

Report = dict[str, Any]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_request(payload: Any) -> dict[str, Any]:
    """What the operator passes to `aws lambda invoke`: every field is optional. `totalSegments` splits the
    event table into scan segments (one invocation per segment); `startKey` is where an earlier run stopped."""
    request = {} if payload is None else payload
    if not isinstance(request, Mapping):
        raise ValueError("the payload must be a JSON object")
    unknown = [k for k in request if k not in ("segment", "totalSegments", "startKey")]
    if unknown:
        raise ValueError(f"unknown fields: {', '.join(unknown)}")
    total_segments = request.get("totalSegments", 1)
    segment = request.get("segment", 0)
    if not _is_int(total_segments) or not 1 <= total_segments <= MAX_SEGMENTS:
        raise ValueError(f"totalSegments must be an integer from 1 to {MAX_SEGMENTS}")
    if not _is_int(segment) or not 0 <= segment < total_segments:
        raise ValueError("segment must be an integer from 0 to totalSegments - 1")
    start_key = request.get("startKey")
    if start_key is not None and (
        not isinstance(start_key, Mapping)
        or sorted(start_key) != ["aggregateId", "version"]
        or not isinstance(start_key["aggregateId"], str)
        or not _is_int(start_key["version"])
    ):
        raise ValueError("startKey must be the { aggregateId, version } an earlier run returned")
    return {"segment": segment, "totalSegments": total_segments, "startKey": dict(start_key) if start_key else None}


def create_rebuild(views: Views, log: EventLog) -> Callable[[Any, Callable[[], int]], Report]:
    """Each scan page is treated like a stream batch. Safe to run while the projector runs, in parallel
    segments, and again."""

    def rebuild(payload: Any, remaining_ms: Callable[[], int]) -> Report:
        request = parse_request(payload)
        segment, total_segments = request["segment"], request["totalSegments"]
        report: Report = {
            "segment": segment,
            "totalSegments": total_segments,
            "pages": 0,
            "eventsRead": 0,
            "ordersAdvanced": 0,
            "ordersUpToDate": 0,
            "failed": [],
            "next": None,
        }
        key: Optional[dict[str, Any]] = request["startKey"]
        while True:
            items, key = log.page(segment, total_segments, key)
            report["pages"] += 1
            report["eventsRead"] += len(items)
            orders: dict[str, list[dict[str, Any]]] = {}
            for item in items:
                order_id = str(item.get("aggregateId"))
                try:
                    version_of(item)
                    orders.setdefault(order_id, []).append(item)
                except Exception as error:  # noqa: BLE001 - reported, the run carries on
                    report["failed"].append({"orderId": order_id, "error": str(error)})
            for order_id, known in orders.items():
                try:
                    result = advance(views, log, order_id, known)
                    report["ordersAdvanced" if result.to_version > result.from_version else "ordersUpToDate"] += 1
                except Exception as error:  # noqa: BLE001 - reported, the run carries on
                    failure: dict[str, Any] = {"orderId": order_id, "error": str(error)}
                    if isinstance(error, StuckAt):
                        failure["stuckAt"] = error.version
                    report["failed"].append(failure)
            if not key or remaining_ms() <= RESERVE_MS:
                break
        report["next"] = {"segment": segment, "totalSegments": total_segments, "startKey": key} if key else None
        return report

    return rebuild


_rebuild: Optional[Callable[[Any, Callable[[], int]], Report]] = None


def handler(event: Any, context: Any) -> Report:
    global _rebuild
    if _rebuild is None:
        import boto3

        client = boto3.client("dynamodb")
        _rebuild = create_rebuild(DynamoViews(client, os.environ["VIEW_TABLE_NAME"]), DynamoEventLog(client, os.environ["EVENT_TABLE_NAME"]))
    report = _rebuild(event, context.get_remaining_time_in_millis)
    logger.log(logging.WARNING if report["failed"] else logging.INFO, json.dumps({"message": "rebuild run", **report}, default=str))
    return report

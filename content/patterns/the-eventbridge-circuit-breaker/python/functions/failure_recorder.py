"""Stores each ServiceCallFailed event as a failure item with a TTL."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import Any, Optional

from breaker_events import ServiceCallFailedDetail, epoch_ms_of, iso

# The one DynamoDB call the handler makes, so tests can stand in for the client.
PutFailure = Callable[[dict[str, Any]], None]


def failure_item(event_id: str, detail: ServiceCallFailedDetail, window_ms: int) -> dict[str, Any]:
    """One item per failure.

    The event id in the sort key makes a redelivered event overwrite its own item instead of
    counting twice; the TTL lets DynamoDB delete the item once it has left the window.
    """
    try:
        failed_at_ms = epoch_ms_of(detail["failedAt"])
    except (TypeError, ValueError):
        raise ValueError(f"failedAt is not a timestamp: {detail.get('failedAt')}") from None
    item: dict[str, Any] = {
        "service": {"S": detail["service"]},
        "failedAt": {"S": f"{iso(failed_at_ms)}#{event_id}"},
        "expiresAt": {"N": str(math.ceil((failed_at_ms + window_ms) / 1000))},
        "reason": {"S": detail["reason"]},
        "durationMs": {"N": str(detail["durationMs"])},
        "message": {"S": detail["message"][:500]},
        "requestId": {"S": detail["requestId"]},
    }
    if detail.get("statusCode") is not None:
        item["statusCode"] = {"N": str(detail["statusCode"])}
    return item


def dynamo_put(client: Any, table_name: str) -> PutFailure:
    def put(item: dict[str, Any]) -> None:
        client.put_item(TableName=table_name, Item=item)

    return put


def create_handler(put: PutFailure, window_ms: int) -> Callable[[dict[str, Any], Any], None]:
    def handle(event: dict[str, Any], _context: Any = None) -> None:
        put(failure_item(event["id"], event["detail"], window_ms))

    return handle


_handler: Optional[Callable[[dict[str, Any], Any], None]] = None


def handler(event: dict[str, Any], context: Any) -> None:
    global _handler
    if _handler is None:
        import boto3

        window_seconds = int(os.environ.get("WINDOW_SECONDS", "60"))
        _handler = create_handler(dynamo_put(boto3.client("dynamodb"), os.environ.get("FAILURES_TABLE_NAME", "")), window_seconds * 1000)
    _handler(event, context)

"""Folds INSERT records of the event table's stream into the order view."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Mapping
from typing import Any, Optional

from orders import version_of
from projection import DynamoEventLog, DynamoViews, EventLog, StuckAt, Views, advance, from_item

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# Where the projector writes its log lines: one dict per call.
Log = Callable[[dict[str, Any]], None]
Handler = Callable[[Mapping[str, Any], Any], dict[str, list[dict[str, str]]]]


def create_projector(views: Views, log: EventLog, write: Log) -> Handler:
    """Records are grouped per order; each order is advanced once. When an order cannot be advanced, the
    earliest record of that order not yet reflected in its view is reported, so Lambda retries from there;
    records after it that were applied come again and are refused as duplicates by their versions."""

    def handle(event: Mapping[str, Any], _context: Any = None) -> dict[str, list[dict[str, str]]]:
        records = list(event.get("Records", []))
        orders: dict[str, list[tuple[int, int, dict[str, Any]]]] = {}
        failed: list[int] = []

        for position, record in enumerate(records):
            stream = record.get("dynamodb") or {}
            try:
                image = stream.get("NewImage")
                if not image:
                    raise ValueError("record has no new image")
                item = from_item(image)
                order_id = item.get("aggregateId")
                if not isinstance(order_id, str) or not order_id:
                    raise ValueError("record has no aggregateId")
                orders.setdefault(order_id, []).append((position, version_of(item), item))
            except Exception as error:  # noqa: BLE001 - an unreadable record fails on its own
                write({"level": "ERROR", "message": "unreadable event record", "sequenceNumber": stream.get("SequenceNumber"), "error": str(error)})
                failed.append(position)

        for order_id, delivered in orders.items():
            try:
                result = advance(views, log, order_id, [item for _, _, item in delivered])
                message = "view advanced" if result.to_version > result.from_version else "duplicate events skipped"
                write({"level": "INFO", "message": message, "orderId": order_id, "from": result.from_version, "to": result.to_version})
            except Exception as error:  # noqa: BLE001 - the order is retried from its first unapplied record
                # Everything below the stuck version is in the view; retry from the first record at or above it.
                stuck_at = error.version if isinstance(error, StuckAt) else 0
                failed.append(min(position for position, version, _ in delivered if version >= stuck_at))
                line = {"level": "ERROR", "message": "view not advanced", "orderId": order_id, "error": str(error)}
                write({**line, "stuckAt": stuck_at} if stuck_at else line)

        if not failed:
            return {"batchItemFailures": []}
        first = records[min(failed)].get("dynamodb") or {}
        return {"batchItemFailures": [{"itemIdentifier": first.get("SequenceNumber", "")}]}

    return handle


def _log(line: dict[str, Any]) -> None:
    fields = dict(line)
    level = logging.ERROR if fields.pop("level", "INFO") == "ERROR" else logging.INFO
    logger.log(level, json.dumps({"message": fields.pop("message", ""), **fields}, default=str))


_handler: Optional[Handler] = None


def handler(event: Mapping[str, Any], context: Any) -> dict[str, list[dict[str, str]]]:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _handler
    if _handler is None:
        import boto3

        client = boto3.client("dynamodb")
        _handler = create_projector(DynamoViews(client, os.environ["VIEW_TABLE_NAME"]), DynamoEventLog(client, os.environ["EVENT_TABLE_NAME"]), _log)
    return _handler(event, context)

"""Publishes each new outbox item, read from the outbox table's stream, to the order event bus."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Optional

from boto3.dynamodb.types import TypeDeserializer

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# PutEvents accepts at most ten entries per call.
PUT_EVENTS_LIMIT = 10

_deserializer = TypeDeserializer()

Log = Callable[[dict[str, Any]], None]


def to_entry(record: Mapping[str, Any], bus_name: str) -> dict[str, Any]:
    """Turns one stream record (an outbox INSERT) into a PutEvents entry; raises on anything else."""
    stream = record.get("dynamodb") or {}
    seq = stream.get("SequenceNumber")
    image = stream.get("NewImage")
    if record.get("eventName") != "INSERT" or not image:
        raise ValueError(f"record {seq} is not an outbox insert")
    item = {name: _deserializer.deserialize(value) for name, value in image.items()}
    if not all(item.get(k) for k in ("eventId", "source", "eventType", "occurredAt")) or not isinstance(item.get("detail"), str):
        raise ValueError(f"record {seq} is not a complete outbox item")
    return {
        "EventBusName": bus_name,
        "Source": item["source"],
        "DetailType": item["eventType"],
        # Published exactly as the writer stored it; detail.eventId is the outbox item's id.
        "Detail": item["detail"],
        "Time": datetime.fromisoformat(str(item["occurredAt"]).replace("Z", "+00:00")),
    }


def _sequence(record: Optional[Mapping[str, Any]]) -> str:
    return str(((record or {}).get("dynamodb") or {}).get("SequenceNumber") or "")


def create_handler(client: Any, bus_name: str, log: Log = lambda _line: None) -> Callable[[Mapping[str, Any], Any], dict[str, list[dict[str, str]]]]:
    def handle(event: Mapping[str, Any], _context: Any = None) -> dict[str, list[dict[str, str]]]:
        records: Sequence[Mapping[str, Any]] = event.get("Records") or []
        published = 0
        # Stream order is kept by publishing in chunks, one after the other, and stopping at the
        # first record that did not make it: Lambda retries the shard from that record onwards.
        for start in range(0, len(records), PUT_EVENTS_LIMIT):
            chunk = records[start : start + PUT_EVENTS_LIMIT]
            entries: list[dict[str, Any]] = []
            for record in chunk:
                try:
                    entries.append(to_entry(record, bus_name))
                except Exception as error:  # noqa: BLE001 - an unreadable record stops the chunk here
                    log({"level": "ERROR", "message": "unreadable outbox record", "error": str(error)})
                    break
            # entries[i] belongs to chunk[i]; a record that could not be read cuts the chunk short.
            failed_at: Optional[int] = len(entries) if len(entries) < len(chunk) else None
            if entries:
                try:
                    result = client.put_events(Entries=entries)
                    if (result.get("FailedEntryCount") or 0) > 0:
                        results = result.get("Entries") or []
                        rejected = [e.get("ErrorCode") for e in results if e.get("ErrorCode")]
                        log({"level": "WARN", "message": "PutEvents rejected entries", "failedEntryCount": result["FailedEntryCount"], "errorCodes": rejected})
                        # A count without a marked entry is treated as the whole chunk failing.
                        first = next((i for i, e in enumerate(results) if e.get("ErrorCode")), 0)
                        failed_at = first if failed_at is None else min(first, failed_at)
                except Exception as error:  # noqa: BLE001 - throttling, network: retry the chunk
                    log({"level": "WARN", "message": "PutEvents call failed", "error": str(error)})
                    failed_at = 0
            if failed_at is not None:
                published += failed_at
                retry_from = _sequence(chunk[failed_at])
                log({"level": "INFO", "message": "outbox batch relayed in part", "published": published, "retryFrom": retry_from})
                return {"batchItemFailures": [{"itemIdentifier": retry_from}]}
            published += len(chunk)
        log({"level": "INFO", "message": "outbox batch relayed", "published": published})
        return {"batchItemFailures": []}

    return handle


def _log_to_lambda(line: dict[str, Any]) -> None:
    fields = dict(line)
    level = {"ERROR": logging.ERROR, "WARN": logging.WARNING}.get(fields.pop("level", "INFO"), logging.INFO)
    logger.log(level, fields.pop("message", ""), extra=fields)


_handler: Optional[Callable[[Mapping[str, Any], Any], dict[str, list[dict[str, str]]]]] = None


def handler(event: Mapping[str, Any], context: Any) -> dict[str, list[dict[str, str]]]:
    """Creates the EventBridge client once per execution environment, on the first batch."""
    global _handler
    if _handler is None:
        import boto3

        _handler = create_handler(boto3.client("events"), os.environ["EVENT_BUS_NAME"], log=_log_to_lambda)
    return _handler(event, context)

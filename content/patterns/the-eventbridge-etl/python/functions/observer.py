"""Logs every event on the ETL bus as one JSON line."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def describe_event(event: dict[str, Any]) -> dict[str, Any]:
    """One JSON log line per pipeline event.

    The file and row come first so a Logs Insights query can follow a single row from extract to load.
    """
    detail = event.get("detail") or {}
    bucket, key, row = detail.get("bucket"), detail.get("key"), detail.get("row")
    line: dict[str, Any] = {"message": "pipeline event"}
    if isinstance(bucket, str) and isinstance(key, str):
        line["file"] = f"s3://{bucket}/{key}"
    # Any JSON number, as in the TypeScript app; bool is an int in Python but never a row number.
    if isinstance(row, (int, float)) and not isinstance(row, bool):
        line["row"] = row
    line.update(
        {
            "source": event.get("source"),
            "detailType": event.get("detail-type"),
            "eventId": event.get("id"),
            "time": event.get("time"),
            "detail": detail,
        }
    )
    return line


def create_handler(write: Callable[[str], None]) -> Callable[[dict[str, Any], Any], None]:
    def handle(event: dict[str, Any], _context: Any = None) -> None:
        write(json.dumps(describe_event(event)))

    return handle


handler = create_handler(logger.info)

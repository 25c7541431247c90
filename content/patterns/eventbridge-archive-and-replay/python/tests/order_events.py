"""The PutEvents entries of the page's Try it, and the envelopes EventBridge delivers them in."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any, Optional

EVENTS = Path(__file__).resolve().parent.parent / "events"


def entries(file: str) -> list[dict[str, Any]]:
    """The PutEvents entries the page's Try it sends, read from the same files."""
    return json.loads((EVENTS / file).read_text())


def delivered(entry: dict[str, Any], event_id: Optional[str] = None, replay_name: Optional[str] = None) -> dict[str, Any]:
    """An entry as a rule's target receives it.

    A replayed copy also carries `replay-name`; whether its `id` matches the original's is not something
    the consumers rely on, so tests give replays a fresh id unless told otherwise.
    """
    event: dict[str, Any] = {
        "version": "0",
        "id": event_id or str(uuid.uuid4()),
        "detail-type": entry["DetailType"],
        "source": entry["Source"],
        "account": "111122223333",
        "time": "2026-12-05T09:15:02Z",
        "region": "us-east-1",
        "resources": [],
        "detail": json.loads(entry["Detail"]),
    }
    if replay_name is not None:
        event["replay-name"] = replay_name
    return event


def with_detail(event: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """An order event with detail fields changed (None removes one), for cases the Try it files do not cover."""
    detail = {**event["detail"], **changes}
    return {**event, "detail": {k: v for k, v in detail.items() if v is not None}}

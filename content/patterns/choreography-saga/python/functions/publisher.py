"""Puts one event on the saga bus under the service's own source."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

Publish = Callable[[str, dict[str, Any]], None]


def event_bridge_publisher(client: Any, event_bus_name: str, source: str) -> Publish:
    def publish(detail_type: str, detail: dict[str, Any]) -> None:
        result = client.put_events(
            Entries=[{"EventBusName": event_bus_name, "Source": source, "DetailType": detail_type, "Detail": json.dumps(detail)}]
        )
        # PutEvents answers 200 even when it refuses an entry. Raising makes Lambda retry the whole
        # invocation, and the retry finds the state already written and publishes from it again.
        if result.get("FailedEntryCount", 0) > 0:
            entry = (result.get("Entries") or [{}])[0]
            raise RuntimeError(f"PutEvents refused {detail_type}: {entry.get('ErrorCode', 'unknown')} {entry.get('ErrorMessage', '')}".strip())

    return publish

from datetime import datetime, timezone
from typing import Any

import pytest

from breaker_events import ServiceCallFailedDetail
from failure_recorder import create_handler, failure_item

DETAIL: ServiceCallFailedDetail = {
    "service": "unreliable-service",
    "failedAt": "2026-11-22T10:00:00.250Z",
    "reason": "status",
    "statusCode": 503,
    "durationMs": 41,
    "message": "HTTP 503",
    "requestId": "req-1",
}


def test_sorts_failures_by_time_within_a_service_and_expires_them_after_the_window() -> None:
    # 60 s after the failure, rounded up to a whole second as TTL requires.
    expires = int(datetime(2026, 11, 22, 10, 1, 1, tzinfo=timezone.utc).timestamp())
    assert failure_item("evt-1", DETAIL, 60_000) == {
        "service": {"S": "unreliable-service"},
        "failedAt": {"S": "2026-11-22T10:00:00.250Z#evt-1"},
        "expiresAt": {"N": str(expires)},
        "reason": {"S": "status"},
        "durationMs": {"N": "41"},
        "message": {"S": "HTTP 503"},
        "requestId": {"S": "req-1"},
        "statusCode": {"N": "503"},
    }


def test_leaves_out_the_status_code_of_a_timeout_and_trims_long_messages() -> None:
    detail: Any = {k: v for k, v in DETAIL.items() if k != "statusCode"}
    item = failure_item("evt-2", {**detail, "reason": "timeout", "message": "x" * 2000}, 60_000)
    assert "statusCode" not in item
    assert len(item["message"]["S"]) == 500


def test_refuses_an_event_without_a_usable_timestamp() -> None:
    with pytest.raises(ValueError, match="not a timestamp"):
        failure_item("evt-3", {**DETAIL, "failedAt": "yesterday"}, 60_000)


def test_writes_the_same_item_when_eventbridge_delivers_an_event_twice() -> None:
    items: list[dict[str, Any]] = []
    handler = create_handler(items.append, 60_000)
    event = {"id": "evt-1", "detail": DETAIL}
    handler(event)
    handler(event)
    assert items[0] == items[1]

"""The one event of this pattern, shared by the stack (rule pattern), the Caller and the recorder."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal, NotRequired, TypedDict

CALLER_SOURCE = "circuit-breaker.caller"
SERVICE_CALL_FAILED = "ServiceCallFailed"

FailureReason = Literal["timeout", "network", "status"]


class ServiceCallFailedDetail(TypedDict):
    # Which dependency failed; the partition key of the failures table.
    service: str
    # When the call failed, ISO 8601 with milliseconds; the sort key, so failures sort by time.
    failedAt: str
    reason: FailureReason
    statusCode: NotRequired[int]
    durationMs: int
    message: str
    requestId: str


def iso(epoch_ms: int) -> str:
    """2026-11-22T10:00:00.000Z: UTC with milliseconds, so the strings sort the way the times do."""
    return datetime.fromtimestamp(epoch_ms / 1000, tz=timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def epoch_ms_of(timestamp: str) -> int:
    """Milliseconds since the epoch of an ISO 8601 timestamp; one without a zone is taken as UTC."""
    parsed = datetime.fromisoformat(timestamp)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return round(parsed.timestamp() * 1000)

"""Records one heartbeat per scheduled run in DynamoDB, once, however often the run is delivered."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any, Literal, Optional

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# Heartbeat items expire this long after their scheduled time; DynamoDB TTL deletes them for free.
KEEP_DAYS = 7

WriteResult = Literal["written", "duplicate"]


@dataclass(frozen=True)
class ScheduleInput:
    """What the schedule sends: EventBridge Scheduler fills in these context attributes on every run."""

    scheduled_time: str
    execution_id: str
    attempt_number: int
    schedule_arn: str


@dataclass(frozen=True)
class Beat:
    """One run as it is stored."""

    scheduled_time: str
    started_at: str
    lag_ms: int
    execution_id: str
    attempt_number: int
    request_id: str
    expires_at: int


# The one DynamoDB call the handler makes, so tests can stand in for the client.
WriteBeat = Callable[[Beat], WriteResult]


class InvalidInput(ValueError):
    """The run's input cannot be recorded, however often it is retried."""


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parse_time(value: Any) -> Optional[datetime]:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    # Scheduler always sends UTC; a time without an offset is read as UTC too.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def parse_input(event: Any) -> ScheduleInput:
    fields = event if isinstance(event, Mapping) else {}
    scheduled = _parse_time(fields.get("scheduledTime"))
    if scheduled is None:
        raise InvalidInput("scheduledTime must be an ISO 8601 timestamp")
    try:
        attempt = int(str(fields.get("attemptNumber", 1)))
    except ValueError:
        attempt = 0
    if attempt < 1:
        raise InvalidInput("attemptNumber must be a positive integer")
    execution_id, schedule_arn = fields.get("executionId"), fields.get("scheduleArn")
    return ScheduleInput(
        # Normalised, so the same run always produces the same key.
        scheduled_time=_iso(scheduled),
        execution_id=execution_id if isinstance(execution_id, str) else "unknown",
        attempt_number=attempt,
        schedule_arn=schedule_arn if isinstance(schedule_arn, str) else "unknown",
    )


def to_beat(schedule_input: ScheduleInput, now: datetime, request_id: str) -> Beat:
    scheduled = _parse_time(schedule_input.scheduled_time)
    assert scheduled is not None  # parse_input produced it
    lag_ms = round((now - scheduled).total_seconds() * 1000)
    return Beat(
        scheduled_time=schedule_input.scheduled_time,
        started_at=_iso(now),
        lag_ms=max(0, lag_ms),
        execution_id=schedule_input.execution_id,
        attempt_number=schedule_input.attempt_number,
        request_id=request_id,
        expires_at=int(scheduled.timestamp()) + KEEP_DAYS * 24 * 3600,
    )


def transaction(table_name: str, beat: Beat) -> dict[str, Any]:
    """One transaction: the heartbeat row for this scheduled time, written only if it does not exist
    yet, and the summary row that counts runs. A repeated delivery of the same run changes neither."""
    return {
        "TransactItems": [
            {
                "Put": {
                    "TableName": table_name,
                    "Item": {
                        "pk": {"S": "heartbeat"},
                        "sk": {"S": beat.scheduled_time},
                        "startedAt": {"S": beat.started_at},
                        "lagMs": {"N": str(beat.lag_ms)},
                        "executionId": {"S": beat.execution_id},
                        "attemptNumber": {"N": str(beat.attempt_number)},
                        "requestId": {"S": beat.request_id},
                        "expiresAt": {"N": str(beat.expires_at)},
                    },
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            {
                "Update": {
                    "TableName": table_name,
                    "Key": {"pk": {"S": "summary"}, "sk": {"S": "latest"}},
                    "UpdateExpression": "ADD runs :one SET lastScheduledTime = :t, lastStartedAt = :s, lastLagMs = :lag",
                    "ExpressionAttributeValues": {
                        ":one": {"N": "1"},
                        ":t": {"S": beat.scheduled_time},
                        ":s": {"S": beat.started_at},
                        ":lag": {"N": str(beat.lag_ms)},
                    },
                }
            },
        ]
    }


def dynamo_writer(client: Any, table_name: str) -> WriteBeat:
    def write(beat: Beat) -> WriteResult:
        try:
            client.transact_write_items(**transaction(table_name, beat))
        except Exception as error:
            response = getattr(error, "response", None) or {}
            reasons = response.get("CancellationReasons") or [{}]
            # Only the first item carries a condition; its failure means this run was already recorded.
            if response.get("Error", {}).get("Code") == "TransactionCanceledException" and reasons[0].get("Code") == "ConditionalCheckFailed":
                return "duplicate"
            raise
        return "written"

    return write


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def create_handler(write: WriteBeat, now: Callable[[], datetime] = _utc_now) -> Callable[[Any, Any], dict[str, Any]]:
    def handle(event: Any, context: Any) -> dict[str, Any]:
        beat = to_beat(parse_input(event), now(), context.aws_request_id)
        # Any error propagates: Lambda retries the run, then sends it to the MissedRuns queue.
        result = write(beat)
        fields = asdict(beat)
        # The JSON log format writes the invocation's own requestId; this one is the same value.
        fields.pop("request_id")
        logger.info(f"heartbeat {result}", extra=fields)
        return {"result": result, "scheduledTime": beat.scheduled_time, "lagMs": beat.lag_ms}

    return handle


_handler: Optional[Callable[[Any, Any], dict[str, Any]]] = None


def handler(event: Any, context: Any) -> dict[str, Any]:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _handler
    if _handler is None:
        import boto3

        _handler = create_handler(dynamo_writer(boto3.client("dynamodb"), os.environ["TABLE_NAME"]))
    return _handler(event, context)

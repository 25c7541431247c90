"""Sums readings per device and event-time minute over each tumbling window and adds them to WindowTotals."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Callable

from reading import InvalidReading, parse_reading

Log = Callable[[dict[str, Any]], None]
MINUTE_MS = 60_000
_client: Any = None


def minute_of(read_at_ms: int) -> str:
    """The event-time minute a reading belongs to, formatted as JavaScript's toISOString does."""
    start = datetime.fromtimestamp((read_at_ms // MINUTE_MS) * MINUTE_MS / 1000, tz=timezone.utc)
    return start.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _iso_ms(value: str) -> int:
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)


def empty_state() -> dict[str, Any]:
    return {"buckets": {}, "skipped": 0}


def fold(previous: dict[str, Any] | None, records: list[dict[str, Any]], shard_id: str, window_start_ms: int, log: Log) -> dict[str, Any]:
    """Folds a batch into the window's state (at most 1 MB per shard). Buckets are keyed by the
    minute each reading was taken (event time), not by the window it arrived in (processing time).
    A reading whose minute had already ended when this window opened is counted as late, and still
    lands in its own minute. `segment` names this run of the window: shard and first sequence number."""
    if previous and "buckets" in previous:
        state = {**previous, "buckets": dict(previous["buckets"])}
    else:
        state = empty_state()
    for record in records:
        kinesis = record["kinesis"]
        try:
            reading = parse_reading(kinesis["data"])
        except InvalidReading as error:
            # The ReadingProcessor reports unreadable records; stalling the totals on them helps nobody.
            state["skipped"] += 1
            log({"level": "WARN", "message": "reading skipped by the aggregate", "sequenceNumber": kinesis["sequenceNumber"], "error": str(error)})
            continue
        state.setdefault("segment", f"{shard_id}:{kinesis['sequenceNumber']}")
        minute = minute_of(reading.read_at_ms)
        key = f"{reading.device_id}|{minute}"
        bucket = state["buckets"].get(key, {"readings": 0, "milliDegrees": 0, "late": 0})
        state["buckets"][key] = {
            "readings": bucket["readings"] + 1,
            # Integer milli-degrees keep the sums exact across invocations.
            "milliDegrees": bucket["milliDegrees"] + round(reading.temperature * 1000),
            "late": bucket["late"] + (1 if _iso_ms(minute) + MINUTE_MS <= window_start_ms else 0),
        }
    return state


def flush(client: Any, table_name: str, state: dict[str, Any], now: str) -> dict[str, int]:
    """Adds each bucket to its row. The segment id goes into a string set on the row in the same
    update, and the condition refuses a segment that is already there: a final invocation retried
    after some rows were written adds nothing twice, while the continuation of a window Lambda cut
    short (state over 1 MB) has a new segment id and adds its own share."""
    added = 0
    already_added = 0
    segment = state.get("segment")
    if not segment:
        return {"added": added, "alreadyAdded": already_added}
    for key, bucket in state["buckets"].items():
        device_id, minute = key.split("|", 1)
        try:
            client.update_item(
                TableName=table_name,
                Key={"deviceId": {"S": device_id}, "minute": {"S": minute}},
                UpdateExpression="ADD readings :readings, temperatureSum :sum, lateReadings :late, segments :segments SET lastAddedAt = :now",
                ConditionExpression="attribute_not_exists(segments) OR NOT contains(segments, :segment)",
                ExpressionAttributeValues={
                    ":readings": {"N": str(bucket["readings"])},
                    ":sum": {"N": _degrees(bucket["milliDegrees"])},
                    ":late": {"N": str(bucket["late"])},
                    ":segments": {"SS": [segment]},
                    ":segment": {"S": segment},
                    ":now": {"S": now},
                },
            )
            added += 1
        except Exception as error:  # botocore's ClientError, matched by code
            if _error_code(error) != "ConditionalCheckFailedException":
                raise
            already_added += 1
    return {"added": added, "alreadyAdded": already_added}


def make_handler(
    client_factory: Callable[[], Any],
    table_name: str,
    log: Log,
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
        records = event.get("Records") or []
        shard_id = event.get("shardId") or (records[0]["eventID"].split(":")[0] if records else "unknown-shard")
        state = fold(event.get("state"), records, shard_id, _iso_ms(event["window"]["start"]), log)
        # A window Lambda cut short is written like a closed one: the next invocation starts a fresh state.
        if not event.get("isFinalInvokeForWindow") and not event.get("isWindowTerminatedEarly"):
            return {"state": state}
        moment = now()
        stamp = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
        result = flush(client_factory(), table_name, state, stamp)
        log(
            {
                "level": "INFO",
                "message": "window written",
                "window": event["window"],
                "terminatedEarly": bool(event.get("isWindowTerminatedEarly")),
                "rows": len(state["buckets"]),
                **result,
                "skipped": state["skipped"],
            }
        )
        # The window is over; Lambda drops this state and opens the next window empty.
        return {"state": empty_state()}

    return handler


def _degrees(milli: int) -> str:
    # Same text as JavaScript's String(milli / 1000) for these values: 9 rather than 9.000.
    return format(Decimal(milli) / Decimal(1000), "f").rstrip("0").rstrip(".") if milli % 1000 else str(milli // 1000)


def _error_code(error: Exception) -> str:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return type(error).__name__


def _dynamodb() -> Any:
    global _client
    if _client is None:
        import boto3

        _client = boto3.client("dynamodb")
    return _client


handler = make_handler(_dynamodb, os.environ.get("WINDOW_TOTALS_TABLE", ""), lambda line: print(json.dumps(line)))

"""Reacts to the statuses table's stream: logs each real status change and a per-batch metrics line."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal, Optional

# The runtime's boto3 carries DynamoDB's wire-format decoder; no AWS call or credentials are involved.
from boto3.dynamodb.types import TypeDeserializer

logger = logging.getLogger()
logger.setLevel(logging.INFO)

Kind = Literal["created", "changed", "unchanged", "removed"]
KINDS: tuple[Kind, ...] = ("created", "changed", "unchanged", "removed")

_deserializer = TypeDeserializer()


@dataclass(frozen=True)
class StatusChange:
    """What one stream record means for the status board."""

    service: str
    kind: Kind
    sequence_number: str
    from_status: Optional[str] = None
    to_status: Optional[str] = None
    note: Optional[str] = None  # the free-text message that came with the report, if any
    by_ttl: Optional[bool] = None  # set when DynamoDB itself deleted the item, which only happens through TTL

    def fields(self) -> dict[str, Any]:
        """The change as log fields, in the names the TypeScript watcher uses, without empty ones."""
        names = {"sequence_number": "sequenceNumber", "from_status": "from", "to_status": "to", "by_ttl": "byTtl"}
        return {names.get(k, k): v for k, v in asdict(self).items() if v is not None}


# Where the watcher sends its output: one JSON object per call.
Emit = Callable[[dict[str, Any]], None]


def _image(raw: Optional[Mapping[str, Any]]) -> Optional[dict[str, Any]]:
    return {name: _deserializer.deserialize(value) for name, value in raw.items()} if raw else None


def _text(image: Optional[Mapping[str, Any]], name: str) -> Optional[str]:
    value = image.get(name) if image else None
    return value if isinstance(value, str) else None


def to_status_change(record: Mapping[str, Any]) -> StatusChange:
    """Turns a raw stream record into a status change; raises on a record it cannot make sense of."""
    stream = record.get("dynamodb") or {}
    sequence_number = stream.get("SequenceNumber")
    if not sequence_number:
        raise ValueError("stream record without a sequence number")
    service = _text(_image(stream.get("Keys")), "service")
    if not service:
        raise ValueError(f"record {sequence_number} has no service key")

    before = _image(stream.get("OldImage"))
    after = _image(stream.get("NewImage"))
    from_status = _text(before, "status")
    to_status = _text(after, "status")

    event_name = record.get("eventName")
    if event_name == "INSERT":
        if not to_status:
            raise ValueError(f"record {sequence_number} inserted {service} without a status")
        return StatusChange(service, "created", sequence_number, to_status=to_status, note=_text(after, "message"))
    if event_name == "MODIFY":
        if not to_status:
            raise ValueError(f"record {sequence_number} changed {service} to no status")
        kind: Kind = "unchanged" if from_status == to_status else "changed"
        return StatusChange(service, kind, sequence_number, from_status=from_status, to_status=to_status, note=_text(after, "message"))
    if event_name == "REMOVE":
        principal = (record.get("userIdentity") or {}).get("principalId")
        return StatusChange(service, "removed", sequence_number, from_status=from_status, by_ttl=principal == "dynamodb.amazonaws.com")
    raise ValueError(f"record {sequence_number} has unknown event {event_name}")


def summarise(changes: Sequence[StatusChange]) -> dict[str, int]:
    """Counts per kind of change, for one batch; kinds that did not occur count 0."""
    counts = {kind: 0 for kind in KINDS}
    for change in changes:
        counts[change.kind] += 1
    return counts


def metrics_line(counts: Mapping[str, int], timestamp: int) -> dict[str, Any]:
    """A CloudWatch embedded-metric-format line: Lambda ships it with the other logs and CloudWatch
    turns it into metrics, so no PutMetricData permission or call is needed."""
    return {
        "_aws": {
            "Timestamp": timestamp,
            "CloudWatchMetrics": [
                {"Namespace": "StatusBoard", "Dimensions": [[]], "Metrics": [{"Name": name, "Unit": "Count"} for name in counts]}
            ],
        },
        "message": "status batch summary",
        **counts,
    }


def _now_ms() -> int:
    return int(time.time() * 1000)


def create_handler(emit: Emit, now: Callable[[], int] = _now_ms) -> Callable[[Mapping[str, Any], Any], dict[str, list[dict[str, str]]]]:
    def handle(event: Mapping[str, Any], _context: Any = None) -> dict[str, list[dict[str, str]]]:
        changes: list[StatusChange] = []
        for record in event.get("Records", []):
            try:
                change = to_status_change(record)
            except Exception as error:  # noqa: BLE001 - any unreadable record stops the batch here
                emit({"level": "ERROR", "message": "unreadable status record", "error": str(error)})
                # Records of one item must stay in order, so stop here: Lambda retries from this
                # record, and bisect-on-error narrows a bad batch down to the record itself.
                failed = (record.get("dynamodb") or {}).get("SequenceNumber") or ""
                if changes:
                    emit(metrics_line(summarise(changes), now()))
                return {"batchItemFailures": [{"itemIdentifier": failed}]}
            changes.append(change)
            if change.kind != "unchanged":
                emit({"level": "INFO", "message": "status change", **change.fields()})
        if changes:
            emit(metrics_line(summarise(changes), now()))
        return {"batchItemFailures": []}

    return handle


def emit_to_lambda_logs(line: dict[str, Any]) -> None:
    """The metrics line goes to stdout as-is, where CloudWatch finds the embedded-metric object;
    through `logging`, the JSON log format would nest it inside "message". Everything else goes
    through `logging`, whose JSON format adds the request id and timestamp."""
    if "_aws" in line:
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()
        return
    fields = dict(line)
    level = logging.ERROR if fields.pop("level", "INFO") == "ERROR" else logging.INFO
    logger.log(level, fields.pop("message", ""), extra=fields)


handler = create_handler(emit_to_lambda_logs)

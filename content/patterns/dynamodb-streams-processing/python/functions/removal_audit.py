"""Writes one audit line for every deletion the removal filter lets through."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Literal, Optional

from boto3.dynamodb.types import TypeDeserializer

Emit = Callable[[dict[str, Any]], None]

_deserializer = TypeDeserializer()


@dataclass(frozen=True)
class Removal:
    """One audit line: what was removed, when, and whether a caller or TTL removed it."""

    pk: str
    sk: str
    entity_type: Optional[str]
    removed_by: Literal["ttl", "caller"]
    removed_at: Optional[str]  # when DynamoDB wrote the change to the stream, to the second
    item: dict[str, Any]  # the item as it was just before it went
    sequence_number: str

    def fields(self) -> dict[str, Any]:
        """The removal as log fields, in the names the TypeScript audit uses, without empty ones."""
        out = {
            "pk": self.pk,
            "sk": self.sk,
            "entityType": self.entity_type,
            "removedBy": self.removed_by,
            "removedAt": self.removed_at,
            "item": self.item,
            "sequenceNumber": self.sequence_number,
        }
        return {k: v for k, v in out.items() if v is not None}


def _image(raw: Optional[Mapping[str, Any]]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in raw.items()} if raw else {}


def to_removal(record: Mapping[str, Any]) -> Optional[Removal]:
    """Reads a REMOVE record; None for any other event, which the filter should not let through."""
    stream = record.get("dynamodb") or {}
    seq = stream.get("SequenceNumber")
    if not seq:
        raise ValueError("stream record without a sequence number")
    if record.get("eventName") != "REMOVE":
        return None
    keys = _image(stream.get("Keys"))
    if not isinstance(keys.get("pk"), str) or not isinstance(keys.get("sk"), str):
        raise ValueError(f"record {seq} has no pk and sk")
    item = _image(stream.get("OldImage"))
    seconds = stream.get("ApproximateCreationDateTime")
    removed_at = (
        datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        if isinstance(seconds, (int, float))
        else None
    )
    entity_type = item.get("entityType")
    return Removal(
        pk=keys["pk"],
        sk=keys["sk"],
        entity_type=entity_type if isinstance(entity_type, str) else None,
        # Only the TTL process deletes as the DynamoDB service principal.
        removed_by="ttl" if (record.get("userIdentity") or {}).get("principalId") == "dynamodb.amazonaws.com" else "caller",
        removed_at=removed_at,
        item=item,
        sequence_number=seq,
    )


def create_handler(emit: Emit) -> Callable[[Mapping[str, Any], Any], dict[str, list[dict[str, str]]]]:
    def handle(event: Mapping[str, Any], _context: Any = None) -> dict[str, list[dict[str, str]]]:
        for record in event.get("Records", []):
            seq = (record.get("dynamodb") or {}).get("SequenceNumber")
            try:
                removal = to_removal(record)
            except Exception as error:  # noqa: BLE001 - an unreadable record stops the batch here
                emit({"level": "ERROR", "message": "unreadable removal record", "error": str(error)})
                # Report the first unreadable record; Lambda retries the batch from there.
                return {"batchItemFailures": [{"itemIdentifier": seq or ""}]}
            if removal:
                emit({"level": "INFO", "message": "item removed", **removal.fields()})
            else:
                emit({"level": "WARN", "message": "not a removal, ignored", "sequenceNumber": seq})
        return {"batchItemFailures": []}

    return handle


def _json_value(value: Any) -> Any:
    # The deserializer gives numbers as Decimal, sets as set and binaries as Binary.
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    return str(value)


def _write_line(line: dict[str, Any]) -> None:
    # One JSON object per line on stdout: the audit log group keeps it as written.
    sys.stdout.write(json.dumps(line, default=_json_value) + "\n")
    sys.stdout.flush()


handler = create_handler(_write_line)

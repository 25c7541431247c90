"""Validates raw JSON-lines orders and writes them to the curated zone, partitioned by event day."""

from __future__ import annotations

import calendar
import gzip
import hashlib
import json
import logging
import os
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol
from urllib.parse import unquote_plus

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# Where things live in the lake. The stack imports these, so a prefix cannot drift between the two.
RAW_PREFIX = "incoming/"
CURATED_PREFIX = "orders/"
QUARANTINE_PREFIX = "quarantine/"
TABLE_NAME = "orders"
# First day partition projection lets Athena query. Older records are quarantined instead of
# being written to a folder no query would ever read.
EARLIEST_DATE = "2020-01-01"

# Largest raw object read into memory; bigger ones are quarantined untouched (a Glue job's work).
MAX_OBJECT_BYTES = 32 * 1024 * 1024
# Largest text a gzip object may expand to, so a small bomb cannot exhaust the function's memory.
MAX_TEXT_BYTES = 128 * 1024 * 1024
# How far ahead of the function's clock an event may be: a little producer clock skew, no more.
MAX_CLOCK_SKEW_MS = 5 * 60 * 1000

_ID = re.compile(r"[A-Za-z0-9_-]{1,64}", re.ASCII)
_CURRENCY = re.compile(r"[A-Za-z]{3}")
_MAX_TOTAL = 1_000_000
# ISO 8601 with a mandatory offset: a time without one means a different instant per producer.
_DATE_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(?:Z|([+-])(\d{2}):(\d{2}))", re.ASCII)
_FORMAT_ERROR = "placedAt must be an ISO 8601 date-time with a time zone, such as 2026-12-05T09:30:00Z"
_BEFORE_ERROR = f"placedAt is before {EARLIEST_DATE}, the first day the table can query"


@dataclass
class Transformed:
    partitions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    quarantined: list[dict[str, Any]] = field(default_factory=list)


def parse_event_time(value: Any) -> datetime | str:
    """The UTC instant a placedAt value names, or why it names none."""
    if not isinstance(value, str):
        return _FORMAT_ERROR
    m = _DATE_TIME.fullmatch(value)
    if not m:
        return _FORMAT_ERROR
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    millis = int((m.group(7) or "0").ljust(3, "0"))
    sign = -1 if m.group(8) == "-" else 1
    offset_hours, offset_minutes = int(m.group(9) or 0), int(m.group(10) or 0)
    if year < int(EARLIEST_DATE[:4]):
        return _BEFORE_ERROR
    days_in_month = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
    if not 1 <= day <= days_in_month or hour > 23 or minute > 59 or second > 59 or offset_hours > 23 or offset_minutes > 59:
        return _FORMAT_ERROR
    local = datetime(year, month, day, hour, minute, second, millis * 1000, tzinfo=timezone.utc)
    return local - sign * timedelta(hours=offset_hours, minutes=offset_minutes)


def validate_order(value: Any, now_ms: int) -> tuple[str, dict[str, Any]] | list[str]:
    """Checks one parsed line against the curated schema: (dt, row without lineage) or the reasons it fails."""
    if not isinstance(value, dict):
        return ["not a JSON object"]
    errors: list[str] = []
    for name in ("orderId", "customerId"):
        if not isinstance(value.get(name), str) or not _ID.fullmatch(value[name]):
            errors.append(f"{name} must be a string of 1 to 64 letters, digits, '-' or '_'")
    placed = parse_event_time(value.get("placedAt"))
    dt = ""
    if isinstance(placed, str):
        errors.append(placed)
    else:
        dt = placed.strftime("%Y-%m-%d")
        if dt < EARLIEST_DATE:
            errors.append(_BEFORE_ERROR)
        elif placed.timestamp() * 1000 > now_ms + MAX_CLOCK_SKEW_MS:
            errors.append("placedAt is in the future")
    total = value.get("total")
    # bool is an int in Python; JSON true is not a total.
    if isinstance(total, bool) or not isinstance(total, (int, float)) or not 0 <= total <= _MAX_TOTAL:
        errors.append(f"total must be a number from 0 to {_MAX_TOTAL}")
    currency = value.get("currency")
    if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency):
        errors.append("currency must be a three-letter ISO 4217 code")
    if errors:
        return errors
    assert isinstance(placed, datetime)
    return dt, {
        "order_id": value["orderId"],
        "customer_id": value["customerId"],
        # The text form Athena's JSON SerDe reads as a timestamp, always in UTC.
        "placed_at": placed.strftime("%Y-%m-%d %H:%M:%S.") + f"{placed.microsecond // 1000:03d}",
        "total": total,
        "currency": currency.upper(),
    }


def _reject_constant(name: str) -> Any:
    # Python's json accepts NaN and Infinity; JSON does not.
    raise ValueError(f"{name} is not JSON")


def transform_lines(text: str, source_key: str, now_ms: int) -> Transformed:
    """Splits JSON-lines text into curated rows grouped by event day, and quarantined lines.
    Blank lines are skipped; every other line ends up in exactly one of the two."""
    result = Transformed()
    for index, raw in enumerate(text.split("\n")):
        line = raw[:-1] if raw.endswith("\r") else raw
        if line.strip() == "":
            continue
        source_line = index + 1
        try:
            parsed = json.loads(line, parse_constant=_reject_constant)
        except ValueError:
            result.quarantined.append({"source_key": source_key, "source_line": source_line, "errors": ["not valid JSON"], "line": line})
            continue
        checked = validate_order(parsed, now_ms)
        if isinstance(checked, list):
            result.quarantined.append({"source_key": source_key, "source_line": source_line, "errors": checked, "line": line})
            continue
        dt, row = checked
        result.partitions.setdefault(dt, []).append({**row, "source_key": source_key, "source_line": source_line})
    return result


def decode_object(body: bytes) -> str | tuple[str]:
    """Raw bytes to text, or (reason,): gunzips when the object starts with the gzip magic number, insists on UTF-8."""
    data = body
    if data[:2] == b"\x1f\x8b":
        try:
            inflater = zlib.decompressobj(wbits=31)
            data = inflater.decompress(body, MAX_TEXT_BYTES)
            if inflater.unconsumed_tail:
                return (f"expands to more than {MAX_TEXT_BYTES} bytes",)
            if not inflater.eof:
                return ("not a readable gzip file",)
        except zlib.error:
            return ("not a readable gzip file",)
    try:
        # utf-8-sig drops a byte-order mark, as a browser's TextDecoder does.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ("not UTF-8 text",)


def output_stem(source_key: str) -> str:
    """The same source object always maps to the same output name, so a re-run overwrites instead of duplicating."""
    return hashlib.sha256(source_key.encode("utf-8")).hexdigest()[:16]


def curated_key(dt: str, source_key: str) -> str:
    return f"{CURATED_PREFIX}dt={dt}/{output_stem(source_key)}.json.gz"


def quarantine_key(source_key: str) -> str:
    return f"{QUARANTINE_PREFIX}{output_stem(source_key)}.jsonl"


def decode_event_key(key: str) -> str:
    """S3 event keys are URL-encoded, with '+' for spaces."""
    return unquote_plus(key)


class ObjectStore(Protocol):
    """The two S3 calls the transform makes, so tests can stand in for the client."""

    def get(self, bucket: str, key: str, version_id: str | None) -> bytes: ...

    def put(self, bucket: str, key: str, body: bytes, content_type: str) -> None: ...


class S3Store:
    def __init__(self, client: Any) -> None:
        self._client = client

    def get(self, bucket: str, key: str, version_id: str | None) -> bytes:
        request: dict[str, Any] = {"Bucket": bucket, "Key": key}
        if version_id:
            request["VersionId"] = version_id
        return self._client.get_object(**request)["Body"].read()

    def put(self, bucket: str, key: str, body: bytes, content_type: str) -> None:
        self._client.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)


def _json_lines(rows: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, separators=(",", ":"), ensure_ascii=False) + "\n" for r in rows)


def _unreadable(source_key: str, reason: str) -> dict[str, Any]:
    return {"source_key": source_key, "source_line": None, "errors": [f"object {reason}"], "line": None}


def process_object(store: ObjectStore, source: dict[str, Any], curated_bucket: str, now_ms: int) -> dict[str, Any]:
    """Reads one raw object and writes its curated partitions and its quarantine file."""
    if source["size"] > MAX_OBJECT_BYTES:
        # Not read at all: retrying cannot make it smaller. The raw object stays where it is.
        result = Transformed(quarantined=[_unreadable(source["key"], f"larger than {MAX_OBJECT_BYTES} bytes")])
    else:
        decoded = decode_object(store.get(source["bucket"], source["key"], source.get("versionId")))
        if isinstance(decoded, tuple):
            result = Transformed(quarantined=[_unreadable(source["key"], decoded[0])])
        else:
            result = transform_lines(decoded, source["key"], now_ms)

    written: list[str] = []
    curated = 0
    for dt in sorted(result.partitions):
        rows = result.partitions[dt]
        key = curated_key(dt, source["key"])
        # mtime=0 keeps the gzip header fixed, so the same rows always give the same bytes.
        store.put(curated_bucket, key, gzip.compress(_json_lines(rows).encode("utf-8"), mtime=0), "application/gzip")
        written.append(key)
        curated += len(rows)
    if result.quarantined:
        key = quarantine_key(source["key"])
        store.put(curated_bucket, key, _json_lines(result.quarantined).encode("utf-8"), "application/x-ndjson")
        written.append(key)
    return {"sourceKey": source["key"], "curated": curated, "quarantined": len(result.quarantined), "written": written}


Handler = Callable[[dict[str, Any], Any], list[dict[str, Any]]]


def _now_ms() -> int:
    return int(datetime.now(timezone.utc).timestamp() * 1000)


def create_handler(store: ObjectStore, curated_bucket: str, clock: Callable[[], int] = _now_ms) -> Handler:
    def handle(event: dict[str, Any], _context: Any = None) -> list[dict[str, Any]]:
        summaries = []
        # Records are handled one after another; a failure fails the invocation and Lambda retries
        # it whole, which is safe because every write lands on a key derived from its source.
        for record in event.get("Records", []):
            obj = record["s3"]["object"]
            source = {
                "bucket": record["s3"]["bucket"]["name"],
                "key": decode_event_key(obj["key"]),
                "versionId": obj.get("versionId"),
                "size": obj["size"],
            }
            summary = process_object(store, source, curated_bucket, clock())
            logger.info(json.dumps({"message": "transformed", **summary}))
            summaries.append(summary)
        return summaries

    return handle


_handler: Handler | None = None


def handler(event: dict[str, Any], context: Any) -> list[dict[str, Any]]:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _handler
    if _handler is None:
        import boto3

        _handler = create_handler(S3Store(boto3.client("s3")), os.environ["CURATED_BUCKET_NAME"])
    return _handler(event, context)

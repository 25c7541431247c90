"""The guestbook: request parsing, the SQL it runs and the HTTP answers, with no driver in sight."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any, Generic, Protocol, TypeVar

logger = logging.getLogger()
logger.setLevel(logging.INFO)

NAME_MAX = 40
MESSAGE_MAX = 280
DEFAULT_LIMIT = 20
LIMIT_MAX = 50

CREATE_TABLE = f"""CREATE TABLE IF NOT EXISTS entries (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR({NAME_MAX}) NOT NULL,
  message VARCHAR({MESSAGE_MAX}) NOT NULL,
  created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
)"""
SELECT_ENTRIES = "SELECT id, name, message, created_at FROM entries"
INSERT_ENTRY = "INSERT INTO entries (name, message) VALUES (%s, %s)"

# One SQL round trip: a list of row dicts for a SELECT, {"insert_id": n} for an INSERT.
RunSql = Callable[[str, Sequence[Any]], Any]

T = TypeVar("T")


@dataclass(frozen=True)
class NewEntry:
    name: str
    message: str


@dataclass(frozen=True)
class Entry:
    id: int
    name: str
    message: str
    createdAt: str  # noqa: N815 - the JSON field name the API returns


@dataclass(frozen=True)
class Parsed(Generic[T]):
    ok: bool
    value: T | None = None
    error: str = ""


class Guestbook(Protocol):
    """Everything the handler needs from MySQL; tests hand in an in-memory version."""

    def add(self, entry: NewEntry) -> Entry: ...

    def latest(self, limit: int) -> list[Entry]: ...


def _iso(value: datetime | str) -> str:
    at = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    # The session runs in UTC, so a TIMESTAMP without a zone is UTC.
    at = at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def _to_entry(row: dict[str, Any]) -> Entry:
    return Entry(id=int(row["id"]), name=row["name"], message=row["message"], createdAt=_iso(row["created_at"]))


class SqlGuestbook:
    """The guestbook on top of any SQL runner.

    The table is created on first use in each execution environment; a failed attempt is
    forgotten so the next request retries it. Values always travel as placeholders, never
    spliced into the SQL text.
    """

    def __init__(self, run: RunSql) -> None:
        self._run = run
        self._schema_ready = False

    def _ensure_schema(self) -> None:
        if not self._schema_ready:
            self._run(CREATE_TABLE, ())
            self._schema_ready = True

    def add(self, entry: NewEntry) -> Entry:
        self._ensure_schema()
        header = self._run(INSERT_ENTRY, (entry.name, entry.message))
        rows = self._run(f"{SELECT_ENTRIES} WHERE id = %s", (header["insert_id"],))
        if len(rows) != 1:
            raise RuntimeError(f"entry {header['insert_id']} was not found after the insert")
        return _to_entry(rows[0])

    def latest(self, limit: int) -> list[Entry]:
        self._ensure_schema()
        return [_to_entry(row) for row in self._run(f"{SELECT_ENTRIES} ORDER BY id DESC LIMIT %s", (limit,))]


def parse_entry(body: str | None, is_base64_encoded: bool = False) -> Parsed[NewEntry]:
    if not body:
        return Parsed(ok=False, error='Send a JSON body with "name" and "message".')
    try:
        data = json.loads(base64.b64decode(body).decode("utf-8") if is_base64_encoded else body)
    except (ValueError, binascii.Error):
        return Parsed(ok=False, error="The body is not valid JSON.")
    fields = data if isinstance(data, dict) else {}
    name, message = fields.get("name"), fields.get("message")
    if not isinstance(name, str) or not isinstance(message, str):
        return Parsed(ok=False, error='"name" and "message" must both be strings.')
    entry = NewEntry(name=name.strip(), message=message.strip())
    if not 1 <= len(entry.name) <= NAME_MAX:
        return Parsed(ok=False, error=f'"name" must be 1 to {NAME_MAX} characters.')
    if not 1 <= len(entry.message) <= MESSAGE_MAX:
        return Parsed(ok=False, error=f'"message" must be 1 to {MESSAGE_MAX} characters.')
    return Parsed(ok=True, value=entry)


def parse_limit(raw: str | None) -> Parsed[int]:
    if raw is None or raw == "":
        return Parsed(ok=True, value=DEFAULT_LIMIT)
    limit = int(raw) if re.fullmatch(r"[0-9]+", raw) else 0
    if not 1 <= limit <= LIMIT_MAX:
        return Parsed(ok=False, error=f'"limit" must be a whole number from 1 to {LIMIT_MAX}.')
    return Parsed(ok=True, value=limit)


def _json(status: int, body: Any) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}


def create_handler(guestbook: Guestbook) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        route = event.get("routeKey")
        try:
            if route == "POST /entries":
                entry = parse_entry(event.get("body"), bool(event.get("isBase64Encoded")))
                if not entry.ok or entry.value is None:
                    return _json(400, {"message": entry.error})
                return _json(201, {"entry": asdict(guestbook.add(entry.value))})
            if route == "GET /entries":
                limit = parse_limit((event.get("queryStringParameters") or {}).get("limit"))
                if not limit.ok or limit.value is None:
                    return _json(400, {"message": limit.error})
                return _json(200, {"entries": [asdict(e) for e in guestbook.latest(limit.value)]})
            return _json(404, {"message": "Use GET or POST on /entries."})
        except Exception as error:  # noqa: BLE001 - any failure becomes a plain 503
            # Operators get the cause in the logs; callers never see host names or SQL errors.
            logger.error("guestbook request failed", extra={"route": route, "error": str(error)})
            return _json(503, {"message": "The guestbook is unavailable right now; try again shortly."})

    return handle

"""GET, POST and DELETE /messages on a message wall kept on EFS."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Generic, Protocol, TypeVar

from message_store import FileMessageStore, Listing, Message

logger = logging.getLogger()
logger.setLevel(logging.INFO)

TEXT_MAX = 500
DEFAULT_LIMIT = 20
LIMIT_MAX = 100

T = TypeVar("T")


@dataclass(frozen=True)
class Parsed(Generic[T]):
    ok: bool
    value: T | None = None
    error: str = ""


class MessageStore(Protocol):
    def append(self, text: str) -> Message: ...

    def list(self, limit: int) -> Listing: ...

    def clear(self) -> int: ...


def parse_text(body: str | None, is_base64_encoded: bool = False) -> Parsed[str]:
    if not body:
        return Parsed(ok=False, error='Send a JSON body such as {"text": "hello"}.')
    try:
        data = json.loads(base64.b64decode(body).decode("utf-8") if is_base64_encoded else body)
    except (ValueError, binascii.Error):
        return Parsed(ok=False, error="The body is not valid JSON.")
    text = data.get("text") if isinstance(data, dict) else None
    if not isinstance(text, str):
        return Parsed(ok=False, error='"text" must be a string.')
    trimmed = text.strip()
    if not 1 <= len(trimmed) <= TEXT_MAX:
        return Parsed(ok=False, error=f'"text" must be 1 to {TEXT_MAX} characters.')
    return Parsed(ok=True, value=trimmed)


def parse_limit(raw: str | None) -> Parsed[int]:
    if raw is None or raw == "":
        return Parsed(ok=True, value=DEFAULT_LIMIT)
    limit = int(raw) if re.fullmatch(r"[0-9]+", raw) else 0
    if not 1 <= limit <= LIMIT_MAX:
        return Parsed(ok=False, error=f'"limit" must be a whole number from 1 to {LIMIT_MAX}.')
    return Parsed(ok=True, value=limit)


def _json(status: int, body: Any) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}


def create_handler(store: MessageStore) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        route = event.get("routeKey")
        try:
            if route == "POST /messages":
                text = parse_text(event.get("body"), bool(event.get("isBase64Encoded")))
                if not text.ok or text.value is None:
                    return _json(400, {"message": text.error})
                return _json(201, {"message": asdict(store.append(text.value))})
            if route == "GET /messages":
                limit = parse_limit((event.get("queryStringParameters") or {}).get("limit"))
                if not limit.ok or limit.value is None:
                    return _json(400, {"message": limit.error})
                return _json(200, asdict(store.list(limit.value)))
            if route == "DELETE /messages":
                return _json(200, {"deleted": store.clear()})
            return _json(404, {"message": "Use GET, POST or DELETE on /messages."})
        except Exception as error:  # noqa: BLE001 - any failure becomes a plain 500
            # The cause (paths, errno codes) is for the logs, not for callers.
            logger.error("message wall request failed", extra={"route": route, "error": str(error)})
            return _json(500, {"message": "The message wall is unavailable right now."})

    return handle


# The access point's root directory, mounted by Lambda before the first invocation.
handler = create_handler(FileMessageStore(os.environ.get("MESSAGE_DIR", "/mnt/msg")))

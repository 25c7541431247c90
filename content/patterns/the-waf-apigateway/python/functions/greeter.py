"""Greets the caller by an optional `name` query value, and tells them the address WAF counts."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger()
logger.setLevel(logging.INFO)

MAX_NAME_LENGTH = 40


@dataclass(frozen=True)
class Greeting:
    ok: bool
    message: str = ""
    reason: str = ""


def _is_name(name: str) -> bool:
    """Letters (any script), spaces, hyphens and apostrophes; enough for real names, nothing for markup."""
    if not 1 <= len(name) <= MAX_NAME_LENGTH or not name[0].isalpha():
        return False
    return all(ch.isalpha() or ch in " '-" for ch in name)


def greeting_for(raw_name: str | None) -> Greeting:
    """Builds the greeting for an optional `name` query value."""
    name = " ".join((raw_name or "").split())
    if name == "":
        return Greeting(ok=True, message="Hello, world!")
    if not _is_name(name):
        return Greeting(ok=False, reason="name must be 1 to 40 letters, spaces, hyphens or apostrophes")
    return Greeting(ok=True, message=f"Hello, {name}!")


def _json(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}


def handler(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
    greeting = greeting_for((event.get("queryStringParameters") or {}).get("name"))
    # The caller's address is what the web ACL's rate-based rule counts requests by.
    your_ip = ((event.get("requestContext") or {}).get("identity") or {}).get("sourceIp")
    if not greeting.ok:
        # The rejected value stays out of the log as well as the answer.
        logger.info("rejected a name that is not 1 to 40 letters")
        return _json(400, {"message": greeting.reason})
    return _json(200, {"message": greeting.message, "yourIp": your_ip})

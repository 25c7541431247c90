"""Prices hotel stays. API Gateway has validated the request shape; this checks the rules a schema cannot."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# What each room sleeps and costs a night, in US dollars.
ROOMS: dict[str, dict[str, int]] = {
    "single": {"sleeps": 1, "nightlyRate": 90},
    "double": {"sleeps": 2, "nightlyRate": 130},
    "suite": {"sleeps": 4, "nightlyRate": 240},
}

# Longest stay that can be quoted.
MAX_NIGHTS = 14

_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_NIGHTS = re.compile(r"[0-9]{1,2}")


def _is_room_type(value: Any) -> bool:
    return isinstance(value, str) and value in ROOMS


def calendar_day(text: str) -> date | None:
    """The date for a real calendar day, or None for 2027-02-30 and friends."""
    match = _DATE.fullmatch(text)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def looks_like_quote_request(value: Any) -> bool:
    """Defence in depth: API Gateway has already checked the body against the model, but the function
    can be reached without it (a new method added without a validator, a test invoke, a direct
    Lambda call). This checks only the shape the code below relies on, not the whole schema."""
    if not isinstance(value, dict):
        return False
    guests = value.get("guests")
    return (
        isinstance(value.get("guestEmail"), str)
        and _is_room_type(value.get("roomType"))
        and isinstance(value.get("checkIn"), str)
        and isinstance(value.get("checkOut"), str)
        # JSON true is a bool, and bool is an int in Python: refuse it as JavaScript's Number.isInteger does.
        and isinstance(guests, int)
        and not isinstance(guests, bool)
        and (value.get("notes") is None or isinstance(value.get("notes"), str))
    )


def business_rule_problems(request: dict[str, Any], today: date) -> list[str]:
    """The business rules JSON Schema draft 4 cannot express: a date that only looks like a date,
    two fields compared with each other, arithmetic across fields, and anything that depends on today."""
    problems: list[str] = []
    check_in = calendar_day(request["checkIn"])
    check_out = calendar_day(request["checkOut"])
    if check_in is None:
        problems.append(f"checkIn {request['checkIn']} is not a calendar date.")
    if check_out is None:
        problems.append(f"checkOut {request['checkOut']} is not a calendar date.")
    if check_in is not None and check_out is not None:
        if check_in < today:
            problems.append("checkIn is in the past.")
        nights = (check_out - check_in).days
        if nights < 1:
            problems.append("checkOut must be at least one day after checkIn.")
        elif nights > MAX_NIGHTS:
            problems.append(f"A stay may last at most {MAX_NIGHTS} nights; this one lasts {nights}.")
    sleeps = ROOMS[request["roomType"]]["sleeps"]
    if request["guests"] > sleeps:
        problems.append(f"A {request['roomType']} room sleeps at most {sleeps} {'guest' if sleeps == 1 else 'guests'}.")
    return problems


def _json(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}


def _priced(room_type: str, nights: int) -> dict[str, Any]:
    rate = ROOMS[room_type]["nightlyRate"]
    return {"nightlyRate": rate, "total": rate * nights, "currency": "USD"}


def _post_quote(body: str | None, today: date) -> dict[str, Any]:
    try:
        parsed = json.loads(body or "")
    except ValueError:
        return _json(400, {"message": "The request body is not JSON."})
    if not looks_like_quote_request(parsed):
        return _json(400, {"message": "The request body does not match the QuoteRequest model."})
    problems = business_rule_problems(parsed, today)
    if problems:
        # Log what was wrong, never the guest's address.
        logger.warning(json.dumps({"message": "quote refused", "problems": problems}))
        return _json(422, {"message": "The request is well formed but cannot be quoted.", "problems": problems})
    nights = (calendar_day(parsed["checkOut"]) - calendar_day(parsed["checkIn"])).days  # type: ignore[operator]
    result = {key: parsed[key] for key in ("roomType", "checkIn", "checkOut")}
    return _json(200, {**result, "nights": nights, "guests": parsed["guests"], **_priced(parsed["roomType"], nights)})


def _get_rates(query: dict[str, str] | None) -> dict[str, Any]:
    # API Gateway made sure both parameters are present and not blank; their types are ours to check.
    room_type = (query or {}).get("roomType")
    nights_text = (query or {}).get("nights") or ""
    nights = int(nights_text) if _NIGHTS.fullmatch(nights_text) else 0
    problems: list[str] = []
    if not _is_room_type(room_type):
        problems.append(f"roomType must be one of {', '.join(ROOMS)}.")
    if not 1 <= nights <= MAX_NIGHTS:
        problems.append(f"nights must be a whole number from 1 to {MAX_NIGHTS}.")
    if problems:
        return _json(400, {"message": "The query string is not valid.", "problems": problems})
    return _json(200, {"roomType": room_type, "nights": nights, **_priced(str(room_type), nights)})


def create_handler(today: Callable[[], date]) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        route = f"{event.get('httpMethod')} {event.get('resource')}"
        if route == "POST /quotes":
            return _post_quote(event.get("body"), today())
        if route == "GET /rates":
            return _get_rates(event.get("queryStringParameters"))
        return _json(404, {"message": f"No route for {route}."})

    return handle


handler = create_handler(lambda: datetime.now(timezone.utc).date())

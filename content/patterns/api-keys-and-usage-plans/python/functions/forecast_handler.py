"""Serves made-up forecasts to callers API Gateway has already matched to an API key and usage plan."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

logger = logging.getLogger()
logger.setLevel(logging.INFO)

SUMMARIES = ("sunny", "cloudy", "showers", "windy", "fog")
_CITY = re.compile(r"[a-z][a-z-]{1,39}")
_DAYS = re.compile(r"[0-9]{1,2}")

# Longest history one call may ask for; the history route stands in for an expensive query.
MAX_HISTORY_DAYS = 30


def forecast_for(city: str, when: datetime) -> dict[str, Any]:
    """A repeatable made-up forecast, so the demo needs no data store and the tests need no mocks."""
    day = when.astimezone(timezone.utc).date().isoformat()
    seed = 0
    for ch in f"{city}:{day}":
        seed = (seed * 31 + ord(ch)) & 0xFFFFFFFF
    high = 5 + seed % 25
    return {"date": day, "highC": high, "lowC": high - 3 - seed % 7, "summary": SUMMARIES[seed % len(SUMMARIES)]}


def _json(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}


def create_handler(now: Callable[[], datetime]) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        # API Gateway has already matched the x-api-key header to a key in a usage plan. The key's id
        # identifies the caller in logs; the key value itself is a credential and is never logged or returned.
        api_key_id = ((event.get("requestContext") or {}).get("identity") or {}).get("apiKeyId") or "unknown"
        route = f"{event.get('httpMethod')} {event.get('resource')}"
        city = ((event.get("pathParameters") or {}).get("city") or "").lower()
        logger.info(json.dumps({"message": "request", "route": route, "apiKeyId": api_key_id}))
        if not _CITY.fullmatch(city):
            return _json(400, {"message": "city must be 2 to 40 letters or hyphens."})

        today = now()
        if route == "GET /forecasts/{city}":
            return _json(200, {"city": city, **forecast_for(city, today)})
        if route == "GET /forecasts/{city}/history":
            days_text = (event.get("queryStringParameters") or {}).get("days") or "7"
            days = int(days_text) if _DAYS.fullmatch(days_text) else 0
            if not 1 <= days <= MAX_HISTORY_DAYS:
                return _json(400, {"message": f"days must be a whole number from 1 to {MAX_HISTORY_DAYS}."})
            history = [forecast_for(city, today - timedelta(days=i + 1)) for i in range(days)]
            return _json(200, {"city": city, "days": history})
        return _json(404, {"message": f"No route for {route}."})

    return handle


handler = create_handler(lambda: datetime.now(timezone.utc))

"""EventBridge event-pattern matching for the forms these rules use, reproduced from the documented semantics.

Every field in the pattern must match; a list names the allowed values (any one matches, and a
list value in the event matches if any element does); a dict descends into the event; prefix,
anything-but and exists are supported; a field missing from the event matches only exists: false.
"""

import json
from typing import Any

_MISSING = object()


def as_delivered(entry: dict[str, Any]) -> dict[str, Any]:
    """An event as EventBridge hands it to rules, built from a PutEvents entry."""
    return {
        "version": "0",
        "id": "00000000-0000-0000-0000-000000000000",
        "detail-type": entry.get("DetailType"),
        "source": entry.get("Source"),
        "account": "111111111111",
        "time": "2026-12-05T10:00:00Z",
        "region": "us-east-1",
        "resources": entry.get("Resources", []),
        "detail": json.loads(entry.get("Detail") or "{}"),
    }


def matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    for key, rule in pattern.items():
        value = event.get(key, _MISSING)
        if isinstance(rule, list):
            if not _matches_any(rule, value):
                return False
        elif isinstance(rule, dict):
            if not isinstance(value, dict) or not matches(rule, value):
                return False
        else:
            raise ValueError(f"A pattern field must be a list or a dict, got {rule!r} for {key}")
    return True


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _matches_any(allowed: list[Any], value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    for rule in allowed:
        if isinstance(rule, dict):
            if "exists" in rule:
                if (value is not _MISSING) == bool(rule["exists"]):
                    return True
                continue
            if value is _MISSING:
                continue
            if "prefix" in rule and any(isinstance(v, str) and v.startswith(rule["prefix"]) for v in values):
                return True
            if "anything-but" in rule:
                but = rule["anything-but"] if isinstance(rule["anything-but"], list) else [rule["anything-but"]]
                if any(not any(_same(v, b) for b in but) for v in values):
                    return True
            continue
        if value is not _MISSING and any(_same(v, rule) for v in values):
            return True
    return False

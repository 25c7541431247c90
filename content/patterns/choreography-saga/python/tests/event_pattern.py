"""A small EventBridge event-pattern matcher, enough to evaluate this stack's rules against the events
its services publish.

It follows the documented semantics: every key of the pattern must match; a list holds alternatives;
a dict descends into the event; a field missing from the event matches only `exists: false`. An operator
it does not know raises, so a rule using one cannot pass the tests by accident.
"""

from __future__ import annotations

import operator
from typing import Any

_NUMERIC = {"<": operator.lt, "<=": operator.le, "=": operator.eq, ">": operator.gt, ">=": operator.ge}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _matches_numeric(value: Any, conditions: list[Any]) -> bool:
    if not _is_number(value):
        return False
    for i in range(0, len(conditions), 2):
        op, bound = conditions[i], conditions[i + 1]
        if op not in _NUMERIC:
            raise ValueError(f"unsupported numeric operator {op!r}")
        if not _NUMERIC[op](value, bound):
            return False
    return True


def _matches_value(value: Any, alternative: Any) -> bool:
    """One alternative of a pattern list against one present value."""
    if not isinstance(alternative, dict):
        if _is_number(value) and _is_number(alternative):
            return value == alternative
        return type(value) is type(alternative) and value == alternative
    op, arg = next(iter(alternative.items()), (None, None))
    if op == "prefix":
        return isinstance(value, str) and value.startswith(arg)
    if op == "suffix":
        return isinstance(value, str) and value.endswith(arg)
    if op == "equals-ignore-case":
        return isinstance(value, str) and value.lower() == arg.lower()
    if op == "anything-but":
        if isinstance(arg, dict):
            return not _matches_value(value, arg)
        return value not in (arg if isinstance(arg, list) else [arg])
    if op == "numeric":
        return _matches_numeric(value, arg)
    if op == "exists":
        return arg is True
    raise ValueError(f"unsupported pattern operator {op!r}")


def _matches_field(present: bool, value: Any, alternatives: list[Any]) -> bool:
    for alternative in alternatives:
        if isinstance(alternative, dict) and "exists" in alternative:
            if alternative["exists"] is present:
                return True
            continue
        if not present:
            continue
        values = value if isinstance(value, list) else [value]
        if any(_matches_value(v, alternative) for v in values):
            return True
    return False


def matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    for key, expected in pattern.items():
        if key == "$or":
            if not any(matches(p, event) for p in expected):
                return False
            continue
        present = key in event and event[key] is not None
        if isinstance(expected, list):
            if not _matches_field(present, event.get(key), expected):
                return False
        elif isinstance(expected, dict):
            if not (present and isinstance(event[key], dict) and matches(expected, event[key])):
                return False
        else:
            raise ValueError(f"pattern values must be lists or dicts, got {expected!r} at {key}")
    return True

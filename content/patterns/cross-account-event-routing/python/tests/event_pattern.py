"""A small EventBridge pattern matcher for the tests.

Exact values, prefix, suffix, equals-ignore-case, anything-but, exists and numeric, on nested fields,
with a field's value or any element of an array value matching any element of the pattern's list.
It is enough to run the rules this app synthesizes against sample events; it is not the full language.
"""

from __future__ import annotations

import operator
from typing import Any

_MISSING = object()
_NUMERIC = {"=": operator.eq, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def _numeric_matches(conditions: list[Any], value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    for op, bound in zip(conditions[::2], conditions[1::2]):
        if op not in _NUMERIC:
            raise ValueError(f"unknown numeric operator {op}")
        if not _NUMERIC[op](value, bound):
            return False
    return True


def _element_matches(element: Any, value: Any) -> bool:
    """Does one element of a pattern list accept one scalar value (_MISSING when the field is absent)?"""
    if not isinstance(element, dict):
        # JSON keeps true and 1 apart; Python's == would not.
        return value is not _MISSING and type(element) is type(value) and element == value
    ((name, operand),) = element.items()
    if name == "exists":
        return (value is not _MISSING) == operand
    if value is _MISSING:
        return False
    if name == "prefix":
        return isinstance(value, str) and value.startswith(str(operand))
    if name == "suffix":
        return isinstance(value, str) and value.endswith(str(operand))
    if name == "equals-ignore-case":
        return isinstance(value, str) and value.lower() == str(operand).lower()
    if name == "numeric":
        return _numeric_matches(operand, value)
    if name == "anything-but":
        if isinstance(operand, dict):
            return not _element_matches(operand, value)
        return not any(_element_matches(o, value) for o in (operand if isinstance(operand, list) else [operand]))
    raise ValueError(f"the test matcher does not know the {name} operator")


def _field_matches(options: list[Any], value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    # An empty array in the event matches nothing except an "exists" check.
    if not values:
        return any(_element_matches(e, _MISSING) for e in options)
    return any(_element_matches(e, v) for e in options for v in values)


def matches(pattern: dict[str, Any], event: Any) -> bool:
    """True when the event matches the pattern: every field the pattern names must match."""
    if not isinstance(pattern, dict) or not pattern:
        raise ValueError("an event pattern must be a non-empty object")
    for key, expected in pattern.items():
        value = event.get(key, _MISSING) if isinstance(event, dict) else _MISSING
        if isinstance(expected, list):
            if not expected:
                raise ValueError(f"the list for {key} is empty, which EventBridge refuses")
            if not _field_matches(expected, value):
                return False
        # A nested pattern needs a nested object; a missing one still satisfies only exists:false inside.
        elif not matches(expected, value if isinstance(value, dict) else {}):
            return False
    return True


def sample_event(**overrides: Any) -> dict[str, Any]:
    """An event as EventBridge delivers it, with what a test cares about filled in. Use detail_type for detail-type."""
    if "detail_type" in overrides:
        overrides["detail-type"] = overrides.pop("detail_type")
    return {
        "version": "0",
        "id": "6f1c2b9e-8d4a-4f0b-9a51-1d2e3f4a5b6c",
        "detail-type": "OrderShipped",
        "source": "com.example.orders",
        "account": "111111111111",
        "time": "2026-12-05T10:15:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": {"orderId": "ORD-1001", "carrier": "UPS", "trackingNumber": "1Z999AA10123456784", "shippedAt": "2026-12-05T10:14:58Z"},
        **overrides,
    }

"""A small, strict evaluator of EventBridge event patterns.

Just the operators this app's rules and archive use (exact values, prefix, exists, anything-but),
with EventBridge's rules for missing fields and array values. Any other operator raises, so a
pattern that grows past what this evaluator understands fails the tests instead of being judged wrongly.
"""

from __future__ import annotations

from typing import Any

_MISSING = object()


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def matches(pattern: Any, event: Any) -> bool:
    """True when the event matches every field of the pattern."""
    if not isinstance(pattern, dict):
        raise ValueError(f"a pattern must be an object, got {pattern!r}")
    for field, expected in pattern.items():
        actual = event.get(field, _MISSING) if isinstance(event, dict) else _MISSING
        if isinstance(expected, list):
            if not _matches_leaf(expected, actual):
                return False
        elif isinstance(expected, dict):
            if not (isinstance(actual, dict) and matches(expected, actual)):
                return False
        else:
            raise ValueError(f"pattern field {field} must be an array or an object, got {expected!r}")
    return True


def _matches_leaf(conditions: list[Any], actual: Any) -> bool:
    """A leaf matches when any of its conditions does; an array value matches when any element does."""
    # Judge every condition's shape first, so an unknown operator fails even when the field is missing.
    for condition in conditions:
        _check_condition(condition)
    for condition in conditions:
        if isinstance(condition, dict) and "exists" in condition:
            # exists works on leaf fields only: an object is not a value that exists.
            present = actual is not _MISSING and not isinstance(actual, dict)
            if condition["exists"] == present:
                return True
            continue
        # Every other condition needs the field: a missing field matches nothing but {"exists": false}.
        if actual is _MISSING or isinstance(actual, dict):
            continue
        values = actual if isinstance(actual, list) else [actual]
        if any(_matches_value(condition, value) for value in values):
            return True
    return False


def _check_condition(condition: Any) -> None:
    if _is_scalar(condition):
        return
    if not isinstance(condition, dict) or len(condition) != 1:
        raise ValueError(f"unsupported condition {condition!r}")
    ((operator, operand),) = condition.items()
    if operator == "exists":
        if not isinstance(operand, bool):
            raise ValueError(f"invalid exists condition {condition!r}")
    elif operator == "prefix":
        if not isinstance(operand, str):
            raise ValueError(f"prefix needs a string, got {operand!r}")
    elif operator == "anything-but":
        if isinstance(operand, dict) and "prefix" in operand:
            _check_condition(operand)
            return
        if not all(_is_scalar(v) for v in (operand if isinstance(operand, list) else [operand])):
            raise ValueError(f"anything-but needs values or a prefix, got {operand!r}")
    else:
        raise ValueError(f"operator {operator} is not supported by this evaluator")


def _same(expected: Any, value: Any) -> bool:
    # JSON true is not the number 1, although Python says True == 1.
    if isinstance(expected, bool) or isinstance(value, bool):
        return type(expected) is type(value) and expected == value
    return expected == value


def _matches_value(condition: Any, value: Any) -> bool:
    if _is_scalar(condition):
        return _same(condition, value)
    ((operator, operand),) = condition.items()
    if operator == "prefix":
        return isinstance(value, str) and value.startswith(operand)
    # anything-but: a prefix to exclude, or one or more values to exclude.
    if isinstance(operand, dict):
        return not _matches_value(operand, value)
    excluded = operand if isinstance(operand, list) else [operand]
    return not any(_same(e, value) for e in excluded)

"""A small evaluator for the EventBridge event-pattern operators this pipe's filter uses:
exact values, prefix, numeric comparisons and exists. Any other operator raises, so a filter
that grows a new operator fails its tests until the evaluator learns it."""

import json
import operator
from typing import Any

_MISSING = object()
_COMPARISONS = {"=": operator.eq, ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _leaf_matches(rule: Any, value: Any) -> bool:
    present = value is not _MISSING
    if not isinstance(rule, dict):
        if not present:
            return False
        if _is_number(rule):
            return _is_number(value) and rule == value
        # JSON true is not 1 and "1" is not 1: compare types as well as values.
        return type(rule) is type(value) and rule == value
    if len(rule) != 1:
        raise ValueError(f"one operator per rule, got {', '.join(rule)}")
    (name, arg), = rule.items()
    if name == "exists":
        return arg is present
    if name == "prefix":
        return present and isinstance(value, str) and isinstance(arg, str) and value.startswith(arg)
    if name == "numeric":
        if not present or not _is_number(value) or not isinstance(arg, list) or len(arg) % 2:
            return False
        for op, bound in zip(arg[::2], arg[1::2]):
            if op not in _COMPARISONS:
                raise ValueError(f"unsupported numeric operator {op!r}")
            if not _is_number(bound):
                raise ValueError(f"numeric bound {bound!r} is not a number")
            if not _COMPARISONS[op](value, bound):
                return False
        return True
    raise ValueError(f'unsupported event pattern operator "{name}"')


def matches_pattern(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    """True when `event` matches `pattern`: every key must match; a list names values any one of which will do."""
    for key, rule in pattern.items():
        value = event.get(key, _MISSING)
        if isinstance(rule, list):
            # A list in the event matches when any of its elements does.
            candidates = value if isinstance(value, list) else [value]
            if not any(_leaf_matches(r, v) for r in rule for v in candidates):
                return False
        elif isinstance(rule, dict):
            if not isinstance(value, dict) or not matches_pattern(rule, value):
                return False
        else:
            raise ValueError(f'pattern value for "{key}" must be a list or an object')
    return True


def sqs_record_matches(pattern: dict[str, Any], record: dict[str, Any]) -> bool:
    """What a pipe's filter sees for one SQS record: the `body` parsed when it is JSON. A pattern
    on `body` fields drops a record whose body is not JSON, as the Pipes documentation states."""
    body: Any = record["body"]
    try:
        body = json.loads(record["body"])
    except ValueError:
        if isinstance(pattern.get("body"), dict):
            return False
    return matches_pattern(pattern, {**record, "body": body})

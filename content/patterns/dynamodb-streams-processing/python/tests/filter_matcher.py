"""Just enough of Lambda's filter rule syntax to run this pattern's filters offline: nested objects,
lists of allowed values (OR), and the prefix, anything-but and exists operators. As in Lambda, a
pattern field matches only a field the record has, except `exists: false`; a pattern over a
missing object sees every field below it as missing."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

_MISSING = object()
_OPERATORS = {"prefix", "anything-but", "exists"}


def _rule_matches(rule: Any, value: Any) -> bool:
    if not isinstance(rule, dict):
        return value is not _MISSING and type(value) is type(rule) and value == rule
    if len(rule) != 1 or next(iter(rule)) not in _OPERATORS:
        raise ValueError(f"unsupported filter rule {rule}")
    if "exists" in rule:
        return (value is not _MISSING and not isinstance(value, dict)) if rule["exists"] else value is _MISSING
    if value is _MISSING:
        return False
    if "prefix" in rule:
        return isinstance(value, str) and value.startswith(rule["prefix"])
    excluded = rule["anything-but"]
    return value not in (excluded if isinstance(excluded, list) else [excluded])


def _leaf_matches(rules: Sequence[Any], value: Any) -> bool:
    # A list in the record matches when any of its elements does.
    values = value if isinstance(value, list) else [value]
    return any(_rule_matches(rule, v) for rule in rules for v in values)


def matches_pattern(pattern: Mapping[str, Any], record: Any) -> bool:
    fields = record if isinstance(record, dict) else {}
    for name, expected in pattern.items():
        if isinstance(expected, list):
            if not _leaf_matches(expected, fields.get(name, _MISSING)):
                return False
        elif isinstance(expected, dict):
            if not matches_pattern(expected, fields.get(name)):
                return False
        else:
            raise ValueError(f"filter field {name} must be a list of rules or an object")
    return True


def passes_filters(patterns: Sequence[Mapping[str, Any]], record: Any) -> bool:
    """Lambda delivers a record when it matches any one of the mapping's filters."""
    return any(matches_pattern(p, record) for p in patterns)

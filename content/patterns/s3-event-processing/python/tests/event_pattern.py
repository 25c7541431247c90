"""Just enough of EventBridge's matching to evaluate this stack's rule patterns offline.

Exact values, prefix, wildcard and numeric comparisons, nested under object fields. Anything else in a
pattern raises, so a pattern this cannot judge fails the test instead of passing it.
"""

import json
import operator
import re
from typing import Any

NUMERIC = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "=": operator.eq}


def matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    for field, expected in pattern.items():
        actual = event.get(field)
        if isinstance(expected, list):
            if not any(_matches_value(candidate, actual) for candidate in expected):
                return False
        elif isinstance(expected, dict):
            if not isinstance(actual, dict) or not matches(expected, actual):
                return False
        else:
            raise ValueError(f"unsupported pattern at {field}")
    return True


def _matches_value(candidate: Any, actual: Any) -> bool:
    if isinstance(candidate, (str, int, float)):
        return candidate == actual
    if "Ref" in candidate:  # an unresolved CloudFormation value (the bucket name) stands for itself
        return json.dumps(candidate) == json.dumps(actual)
    if "prefix" in candidate:
        return isinstance(actual, str) and actual.startswith(candidate["prefix"])
    if "wildcard" in candidate:
        regex = ".*".join(re.escape(part) for part in candidate["wildcard"].split("*"))
        return isinstance(actual, str) and re.fullmatch(regex, actual, re.S) is not None
    if "numeric" in candidate:
        if not isinstance(actual, (int, float)):
            return False
        terms = candidate["numeric"]
        return all(NUMERIC[terms[i]](actual, terms[i + 1]) for i in range(0, len(terms), 2))
    raise ValueError(f"unsupported matcher {candidate}")

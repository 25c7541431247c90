"""The domain all three stacks share.

It knows nothing about Lambda, API Gateway or HTTP routing, so each way of packaging it is
only a thin adapter around these functions.
"""

from __future__ import annotations

import math
import re
from typing import Any, Mapping, Optional, TypedDict, Union

OPERATIONS = ("add", "subtract", "multiply")

# Query-string values as every adapter sees them; repeated keys arrive as lists.
QueryValue = Union[str, list[str], None]
Query = Optional[Mapping[str, QueryValue]]

# Long enough for any double written out in full, short enough to refuse junk cheaply.
MAX_OPERAND_LENGTH = 32

# A plain decimal number with an optional exponent. float() alone would also take "nan",
# "inf", "infinity" and "1_000", none of which is a number a caller means.
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


class Answer(TypedDict):
    """What an adapter turns into an HTTP response: a status code and a JSON body."""

    statusCode: int
    body: dict[str, Any]


def is_operation(name: str) -> bool:
    return name in OPERATIONS


def calculate(operation: str, a: float, b: float) -> float:
    if operation == "add":
        return a + b
    if operation == "subtract":
        return a - b
    if operation == "multiply":
        return a * b
    raise ValueError(f"unknown operation {operation!r}")


def parse_operand(raw: QueryValue) -> Optional[float]:
    """A finite number, or None for anything else (empty, repeated, too long, NaN, infinity)."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if not text or len(text) > MAX_OPERAND_LENGTH or not _DECIMAL.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def _number(value: float) -> Union[int, float]:
    """Whole numbers go out as 3, not 3.0, the way a JSON client expects them."""
    return int(value) if value.is_integer() and abs(value) < 1e21 else value


def answer(operation: str, query: Query) -> Answer:
    """Validates the operands `a` and `b` from a query string and applies the operation."""
    a = parse_operand((query or {}).get("a"))
    b = parse_operand((query or {}).get("b"))
    if a is None or b is None:
        return {"statusCode": 400, "body": {"message": f"Send two numbers as query parameters, for example /{operation}?a=3&b=4."}}
    result = calculate(operation, a, b)
    if not math.isfinite(result):
        return {"statusCode": 422, "body": {"message": "The result is too large to represent."}}
    return {"statusCode": 200, "body": {"operation": operation, "a": _number(a), "b": _number(b), "result": _number(result)}}

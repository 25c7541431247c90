"""The ATM transaction event, shared by the producer, the consumers and the stack.

The stack builds the API request model and the rule patterns from these values.
"""

from __future__ import annotations

import math
import re
from typing import Any, TypedDict

EVENT_SOURCE = "custom.atm"
DETAIL_TYPE = "ATM transaction"

TRANSACTION_ID_PATTERN = "^[A-Za-z0-9-]{1,64}$"
# A two-letter region, a dash, then the site: `NY-MAN-0042`. Rules match on the region prefix.
LOCATION_PATTERN = "^[A-Z]{2}-[A-Z0-9-]{1,32}$"
# Open-ended on purpose: a new outcome such as `timed_out` must still reach the declined consumer.
RESULT_PATTERN = "^[a-z][a-z_]{0,31}$"
ACTIONS = ("withdrawal", "deposit", "balance")
MAX_AMOUNT = 10_000
# PutEvents takes at most ten entries per call, so the API accepts at most ten per request.
MAX_TRANSACTIONS = 10

FIELDS = ("transactionId", "action", "location", "amount", "result")


class Transaction(TypedDict):
    transactionId: str
    action: str
    location: str
    amount: float
    result: str


class InvalidTransaction(ValueError):
    """Input that can never become a valid transaction, however often it is retried."""


def _text(value: Any, pattern: str, field: str) -> str:
    # re.search with $ would accept a trailing newline; fullmatch behaves like the JSON Schema pattern.
    if not isinstance(value, str) or re.fullmatch(pattern.strip("^$"), value) is None:
        raise InvalidTransaction(f"{field} must match {pattern}")
    return value


def parse_transaction(value: Any) -> Transaction:
    """Checks one transaction against the same rules as the API's request model."""
    if not isinstance(value, dict):
        raise InvalidTransaction("a transaction must be a JSON object")
    extra = [key for key in value if key not in FIELDS]
    if extra:
        raise InvalidTransaction(f"unexpected field(s): {', '.join(extra)}")
    action = value.get("action")
    if action not in ACTIONS:
        raise InvalidTransaction(f"action must be one of {', '.join(ACTIONS)}")
    amount = value.get("amount")
    # bool is an int in Python, but JSON true is not an amount.
    if isinstance(amount, bool) or not isinstance(amount, (int, float)) or not math.isfinite(amount) or not 0 <= amount <= MAX_AMOUNT:
        raise InvalidTransaction(f"amount must be a number from 0 to {MAX_AMOUNT}")
    return {
        "transactionId": _text(value.get("transactionId"), TRANSACTION_ID_PATTERN, "transactionId"),
        "action": action,
        "location": _text(value.get("location"), LOCATION_PATTERN, "location"),
        "amount": amount,
        "result": _text(value.get("result"), RESULT_PATTERN, "result"),
    }

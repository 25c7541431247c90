"""The message producers put on the queue: a request to charge a customer once."""

from __future__ import annotations

import json
import re
from typing import Any, TypedDict

ID_PATTERN = "^[A-Za-z0-9-]{1,64}$"
CURRENCY_PATTERN = "^[A-Z]{3}$"
# 100,000.00 in minor units: a demo ceiling, so a typo cannot charge a fortune.
MAX_AMOUNT = 10_000_000

_ID = re.compile(ID_PATTERN)
_CURRENCY = re.compile(CURRENCY_PATTERN)
_FIELDS = ("paymentId", "customerId", "amount", "currency")


class PaymentRequest(TypedDict):
    paymentId: str
    customerId: str
    # In minor units (cents), so no float ever reaches the hash or the table.
    amount: int
    currency: str


class InvalidPaymentRequest(ValueError):
    """A message that can never succeed, however often it is retried."""


def _matches(pattern: re.Pattern[str], value: Any) -> bool:
    # fullmatch: in Python `$` also matches before a trailing newline.
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def parse_payment_request(body: str) -> PaymentRequest:
    """Checks a message body and returns exactly the four fields, in a fixed shape."""
    try:
        value = json.loads(body)
    except (TypeError, ValueError):
        raise InvalidPaymentRequest("body is not JSON") from None
    if not isinstance(value, dict):
        raise InvalidPaymentRequest("body is not a JSON object")
    unknown = [key for key in value if key not in _FIELDS]
    if unknown:
        raise InvalidPaymentRequest(f"unexpected field {unknown[0]}")
    payment_id, customer_id, amount, currency = (value.get(field) for field in _FIELDS)
    if not _matches(_ID, payment_id):
        raise InvalidPaymentRequest("paymentId is missing or malformed")
    if not _matches(_ID, customer_id):
        raise InvalidPaymentRequest("customerId is missing or malformed")
    # bool is an int in Python but not a number in JSON.
    if not isinstance(amount, int) or isinstance(amount, bool) or not 1 <= amount <= MAX_AMOUNT:
        raise InvalidPaymentRequest(f"amount must be a whole number of minor units from 1 to {MAX_AMOUNT}")
    if not _matches(_CURRENCY, currency):
        raise InvalidPaymentRequest("currency must be a three-letter ISO code")
    return PaymentRequest(paymentId=payment_id, customerId=customer_id, amount=amount, currency=currency)

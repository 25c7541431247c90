"""The catalog's shape, shared by both handlers and the stack.

One table keyed by product id, with the product itself under sort key PRODUCT and each review
under REVIEW#<time>#<id>.
"""

from __future__ import annotations

import json
import re
from typing import Any

PRODUCT_SK = "PRODUCT"
REVIEW_PREFIX = "REVIEW#"

# Prices are stored per currency in minor units, so a converted price is never computed on the fly.
CURRENCIES = ("USD", "EUR", "GBP")
DEFAULT_CURRENCY = "USD"

# Product ids are short slugs; anything else is refused before it reaches the table or the cache.
PRODUCT_ID_PATTERN = r"^[a-z0-9-]{1,64}$"

MAX_COMMENT_LENGTH = 500
# How many of the newest reviews the reviews list returns.
REVIEWS_PAGE_SIZE = 20


def is_product_id(value: str | None) -> bool:
    return value is not None and re.fullmatch(PRODUCT_ID_PATTERN[1:-1], value) is not None


def json_result(status: int, body: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"content-type": "application/json", **(headers or {})}, "body": json.dumps(body)}

"""The event contract between the two services: the only thing they share.

Each service owns its source name and publishes only under it; the other side matches on
source + detail-type.
"""

from __future__ import annotations

import json
import re
from typing import Any

ORDERS_SOURCE = "shop.orders"
INVENTORY_SOURCE = "shop.inventory"

ORDER_PLACED = "OrderPlaced"
STOCK_RESERVED = "StockReserved"
STOCK_UNAVAILABLE = "StockUnavailable"

SKU_PATTERN = r"^[A-Z0-9-]{1,32}$"
MAX_LINES = 10
MAX_QUANTITY = 100


def is_sku(value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(SKU_PATTERN[1:-1], value) is not None


def json_result(status: int, body: Any) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}


def compact(value: Any) -> str:
    """JSON the way JavaScript's JSON.stringify writes it, so both apps publish identical details."""
    return json.dumps(value, separators=(",", ":"))

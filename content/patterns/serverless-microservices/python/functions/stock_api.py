"""GET /stock/{sku} reads the level; PUT /stock/{sku} sets it (a restock)."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from contracts import is_sku, json_result

logger = logging.getLogger()
logger.setLevel(logging.INFO)

MAX_STOCK = 1_000_000


@dataclass(frozen=True)
class StockPorts:
    read: Callable[[str], "int | None"]
    write: Callable[[str, int], None]


def create_stock_api(ports: StockPorts) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        sku = (event.get("pathParameters") or {}).get("sku")
        if not is_sku(sku):
            return json_result(400, {"message": "A SKU is 1 to 32 upper-case letters, digits or dashes."})
        try:
            if event["requestContext"]["http"]["method"] == "PUT":
                try:
                    available = json.loads(event.get("body") or "").get("available")
                except (ValueError, AttributeError):
                    available = None
                if not isinstance(available, int) or isinstance(available, bool) or not 0 <= available <= MAX_STOCK:
                    return json_result(400, {"message": f'Send {{"available": 0-{MAX_STOCK}}}.'})
                ports.write(sku, available)
                return json_result(200, {"sku": sku, "available": available})
            level = ports.read(sku)
            return json_result(404, {"message": f"No stock record for {sku}."}) if level is None else json_result(200, {"sku": sku, "available": level})
        except Exception as error:  # noqa: BLE001
            logger.error(json.dumps({"message": "stock request failed", "sku": sku, "error": str(error)}))
            return json_result(500, {"message": "Inventory is unavailable right now."})

    return handle


_handler: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    global _handler
    if _handler is None:
        import boto3

        dynamo = boto3.client("dynamodb")
        table = os.environ["INVENTORY_TABLE_NAME"]

        def read(sku: str) -> int | None:
            item = dynamo.get_item(TableName=table, Key={"sku": {"S": sku}}).get("Item") or {}
            return int(item["available"]["N"]) if "available" in item else None

        def write(sku: str, available: int) -> None:
            dynamo.put_item(TableName=table, Item={"sku": {"S": sku}, "available": {"N": str(available)}})

        _handler = create_stock_api(StockPorts(read, write))
    return _handler(event, context)

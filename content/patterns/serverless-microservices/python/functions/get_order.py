"""GET /orders/{orderId}: read one order."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable
from typing import Any

from contracts import json_result

logger = logging.getLogger()
logger.setLevel(logging.INFO)

ReadOrder = Callable[[str], "dict[str, Any] | None"]
ORDER_ID = re.compile(r"[0-9a-f-]{36}")


def create_get_order(read: ReadOrder) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        order_id = (event.get("pathParameters") or {}).get("orderId")
        if not order_id or not ORDER_ID.fullmatch(order_id):
            return json_result(400, {"message": "An order id is the UUID POST /orders returned."})
        try:
            order = read(order_id)
        except Exception as error:  # noqa: BLE001
            logger.error(json.dumps({"message": "order read failed", "orderId": order_id, "error": str(error)}))
            return json_result(500, {"message": "Orders are unavailable right now."})
        return json_result(200, order) if order else json_result(404, {"message": f"No order {order_id}."})

    return handle


_handler: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    global _handler
    if _handler is None:
        import boto3

        dynamo = boto3.client("dynamodb")

        def read(order_id: str) -> dict[str, Any] | None:
            item = dynamo.get_item(TableName=os.environ["ORDERS_TABLE_NAME"], Key={"orderId": {"S": order_id}}).get("Item")
            if not item:
                return None
            view: dict[str, Any] = {"orderId": order_id, "status": item.get("status", {}).get("S", "UNKNOWN"), "lines": json.loads(item.get("lines", {}).get("S", "[]"))}
            for key in ("placedAt", "decidedAt"):
                if key in item:
                    view[key] = item[key]["S"]
            return view

        _handler = create_get_order(read)
    return _handler(event, context)

"""POST /orders: store the order, then publish OrderPlaced on the shared bus."""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from contracts import MAX_LINES, MAX_QUANTITY, ORDER_PLACED, ORDERS_SOURCE, compact, is_sku, json_result

logger = logging.getLogger()
logger.setLevel(logging.INFO)


@dataclass(frozen=True)
class OrdersPorts:
    """The calls the handler makes, so tests can stand in for DynamoDB and EventBridge."""

    put_order: Callable[[dict[str, Any]], None]
    delete_order: Callable[[str], None]
    publish: Callable[[dict[str, Any]], None]


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_lines(body: str | None) -> list[dict[str, Any]] | None:
    try:
        value = json.loads(body or "")
    except ValueError:
        return None
    lines = value.get("lines") if isinstance(value, dict) else None
    if not isinstance(lines, list) or not 1 <= len(lines) <= MAX_LINES:
        return None
    parsed: list[dict[str, Any]] = []
    for line in lines:
        sku = line.get("sku") if isinstance(line, dict) else None
        quantity = line.get("quantity") if isinstance(line, dict) else None
        if isinstance(quantity, float) and quantity.is_integer():
            quantity = int(quantity)
        if not is_sku(sku) or not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= MAX_QUANTITY:
            return None
        if any(p["sku"] == sku for p in parsed):
            return None
        parsed.append({"sku": sku, "quantity": quantity})
    return parsed


def order_placed_entry(bus_name: str, detail: dict[str, Any]) -> dict[str, Any]:
    """The OrderPlaced event exactly as the Inventory service's rule expects it."""
    return {"EventBusName": bus_name, "Source": ORDERS_SOURCE, "DetailType": ORDER_PLACED, "Detail": compact(detail)}


def create_place_order(
    ports: OrdersPorts,
    bus_name: str,
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        lines = parse_lines(event.get("body"))
        if lines is None:
            return json_result(400, {"message": f'Send {{"lines": [{{"sku": "ABC-1", "quantity": 1-{MAX_QUANTITY}}}]}} with 1-{MAX_LINES} distinct SKUs.'})
        order = {"orderId": new_id(), "lines": lines, "placedAt": _iso(now())}
        try:
            ports.put_order(order)
        except Exception as error:  # noqa: BLE001 - any failure becomes a plain 500
            logger.error(json.dumps({"message": "order write failed", "error": str(error)}))
            return json_result(500, {"message": "The order could not be stored; nothing was placed."})
        try:
            ports.publish(order_placed_entry(bus_name, order))
        except Exception as error:  # noqa: BLE001
            # Two writes are not one transaction. Undo the first so the caller can simply retry;
            # if even that fails, the log names the order for someone to settle by hand.
            logger.error(json.dumps({"message": "OrderPlaced publish failed", "orderId": order["orderId"], "error": str(error)}))
            try:
                ports.delete_order(order["orderId"])
            except Exception as undo:  # noqa: BLE001
                logger.error(json.dumps({"message": "orphaned order", "orderId": order["orderId"], "error": str(undo)}))
            return json_result(503, {"message": "The order was not placed; try again."})
        # Accepted, not confirmed: Inventory decides asynchronously and the status changes later.
        return json_result(202, {"orderId": order["orderId"], "status": "PLACED", "lines": lines})

    return handle


_handler: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Created once per execution environment, so warm invocations reuse the connections.
    global _handler
    if _handler is None:
        import boto3

        dynamo, events = boto3.client("dynamodb"), boto3.client("events")
        table = os.environ["ORDERS_TABLE_NAME"]

        def put_order(order: dict[str, Any]) -> None:
            dynamo.put_item(
                TableName=table,
                Item={
                    "orderId": {"S": order["orderId"]},
                    "status": {"S": "PLACED"},
                    "lines": {"S": compact(order["lines"])},
                    "placedAt": {"S": order["placedAt"]},
                },
                ConditionExpression="attribute_not_exists(orderId)",
            )

        def delete_order(order_id: str) -> None:
            dynamo.delete_item(
                TableName=table,
                Key={"orderId": {"S": order_id}},
                ConditionExpression="#s = :placed",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={":placed": {"S": "PLACED"}},
            )

        def publish(entry: dict[str, Any]) -> None:
            result = events.put_events(Entries=[entry])
            # PutEvents reports a rejected entry in the response, not as an exception.
            if result.get("FailedEntryCount", 0) > 0:
                raise RuntimeError(f"PutEvents rejected the entry: {result['Entries'][0].get('ErrorCode', 'unknown')}")

        _handler = create_place_order(OrdersPorts(put_order, delete_order, publish), os.environ["EVENT_BUS_NAME"])
    return _handler(event, context)

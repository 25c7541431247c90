"""Reserves every line of an order, or none, exactly once per order id.

The reservation record and the stock decrements are one transaction; a redelivered OrderPlaced
finds the record, changes nothing and republishes the outcome it recorded the first time.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from contracts import INVENTORY_SOURCE, STOCK_RESERVED, STOCK_UNAVAILABLE, compact


@dataclass(frozen=True)
class InventoryPorts:
    transact: Callable[..., Any]
    get: Callable[..., dict[str, Any]]
    publish: Callable[[dict[str, Any]], None]


def reservation_key(order_id: str) -> dict[str, Any]:
    """Reservations live in the Inventory table next to the stock, under a key no SKU can have."""
    return {"sku": {"S": f"ORDER#{order_id}"}}


def outcome_entry(bus_name: str, detail: dict[str, Any]) -> dict[str, Any]:
    detail_type = STOCK_RESERVED if detail["outcome"] == "RESERVED" else STOCK_UNAVAILABLE
    return {"EventBusName": bus_name, "Source": INVENTORY_SOURCE, "DetailType": detail_type, "Detail": compact(detail)}


def _cancelled(error: Exception, index: int) -> bool:
    response = getattr(error, "response", None) or {}
    reasons = response.get("CancellationReasons") or []
    return (
        response.get("Error", {}).get("Code") == "TransactionCanceledException"
        and index < len(reasons)
        and reasons[index].get("Code") == "ConditionalCheckFailed"
    )


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def create_reserve_stock(
    ports: InventoryPorts, table_name: str, bus_name: str, now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)
) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def record(order_id: str, outcome: str, decided_at: str) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": table_name,
                "Item": {**reservation_key(order_id), "outcome": {"S": outcome}, "decidedAt": {"S": decided_at}},
                "ConditionExpression": "attribute_not_exists(sku)",
            }
        }

    def recorded(order_id: str, decided_at: str) -> dict[str, Any]:
        item = ports.get(TableName=table_name, Key=reservation_key(order_id), ConsistentRead=True).get("Item") or {}
        outcome = "RESERVED" if item.get("outcome", {}).get("S") == "RESERVED" else "UNAVAILABLE"
        return {"orderId": order_id, "outcome": outcome, "decidedAt": item.get("decidedAt", {}).get("S", decided_at)}

    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        order_id, lines = event["detail"]["orderId"], event["detail"]["lines"]
        decided_at = _iso(now())
        detail = {"orderId": order_id, "outcome": "RESERVED", "decidedAt": decided_at}
        try:
            ports.transact(
                TransactItems=[
                    record(order_id, "RESERVED", decided_at),
                    *(
                        {
                            "Update": {
                                "TableName": table_name,
                                "Key": {"sku": {"S": line["sku"]}},
                                "UpdateExpression": "SET available = available - :q",
                                "ConditionExpression": "available >= :q",
                                "ExpressionAttributeValues": {":q": {"N": str(line["quantity"])}},
                            }
                        }
                        for line in lines
                    ),
                ]
            )
        except Exception as error:
            if _cancelled(error, 0):
                # Seen before: answer with what was decided then, and touch no stock.
                detail = recorded(order_id, decided_at)
            elif any(_cancelled(error, i + 1) for i in range(len(lines))):
                # Not enough of at least one SKU: nothing was decremented. Record the refusal once.
                detail = {"orderId": order_id, "outcome": "UNAVAILABLE", "decidedAt": decided_at}
                try:
                    ports.transact(TransactItems=[record(order_id, "UNAVAILABLE", decided_at)])
                except Exception as again:
                    if not _cancelled(again, 0):
                        raise
                    detail = recorded(order_id, decided_at)
            else:
                # Throttling or an outage: raise, so Lambda retries and then parks the event in the DLQ.
                raise
        ports.publish(outcome_entry(bus_name, detail))
        return detail

    return handle


_handler: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    global _handler
    if _handler is None:
        import boto3

        dynamo, events = boto3.client("dynamodb"), boto3.client("events")

        def publish(entry: dict[str, Any]) -> None:
            result = events.put_events(Entries=[entry])
            if result.get("FailedEntryCount", 0) > 0:
                raise RuntimeError(f"PutEvents rejected the entry: {result['Entries'][0].get('ErrorCode', 'unknown')}")

        _handler = create_reserve_stock(
            InventoryPorts(dynamo.transact_write_items, dynamo.get_item, publish), os.environ["INVENTORY_TABLE_NAME"], os.environ["EVENT_BUS_NAME"]
        )
    return _handler(event, context)

"""The read API: one order, or a customer's orders by status, from the order view."""

from __future__ import annotations

import base64
import json
import logging
import os
import re
from collections.abc import Callable, Mapping
from typing import Any, Optional, Protocol

from orders import STATUSES, View
from projection import from_item

logger = logging.getLogger()
logger.setLevel(logging.INFO)

INDEX_NAME = "ByCustomerStatus"
DEFAULT_LIMIT = 25
MAX_LIMIT = 100
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_LIMIT = re.compile(r"^[0-9]{1,3}$")
_CURSOR_KEYS = ["customerId", "orderId", "statusAt"]

# Where a page of a customer's orders ends: the last item's table and index keys.
PageKey = dict[str, str]


class ViewReader(Protocol):
    """The two reads the API makes, so tests can stand in for DynamoDB."""

    def get_order(self, order_id: str) -> Optional[View]: ...

    def orders_of_customer(
        self, customer_id: str, status: Optional[str], limit: int, start_key: Optional[PageKey]
    ) -> tuple[list[View], Optional[PageKey]]: ...


def present(view: Mapping[str, Any]) -> dict[str, Any]:
    """The public shape of a view item: the version it reflects is kept, index plumbing is not."""
    public = {k: v for k, v in view.items() if k not in ("statusAt", "lastVersion")}
    return {**public, "version": view["lastVersion"]}


def encode_cursor(key: PageKey) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, customer_id: str) -> Optional[PageKey]:
    """Reads a cursor back, or None when it is not one this API issued for this customer."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(key, dict) or sorted(key) != _CURSOR_KEYS or not all(isinstance(v, str) for v in key.values()):
        return None
    return key if key["customerId"] == customer_id else None


def _json(status: int, body: Any) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}


def _bad_request(message: str) -> dict[str, Any]:
    return _json(400, {"message": message})


def create_queries(reader: ViewReader) -> Callable[[Mapping[str, Any], Any], dict[str, Any]]:
    def handle(event: Mapping[str, Any], _context: Any = None) -> dict[str, Any]:
        params = event.get("pathParameters") or {}
        query = event.get("queryStringParameters") or {}
        route = event.get("routeKey")
        try:
            if route == "GET /orders/{orderId}":
                order_id = params.get("orderId", "")
                if not _ID.match(order_id):
                    return _bad_request("orderId must be 1-64 letters, digits, - or _.")
                if query:
                    return _bad_request("This route takes no query parameters.")
                view = reader.get_order(order_id)
                return _json(200, present(view)) if view else _json(404, {"message": f"No order {order_id} in the view."})
            if route == "GET /customers/{customerId}/orders":
                customer_id = params.get("customerId", "")
                if not _ID.match(customer_id):
                    return _bad_request("customerId must be 1-64 letters, digits, - or _.")
                unknown = [k for k in query if k not in ("status", "limit", "cursor")]
                if unknown:
                    return _bad_request(f"Unknown query parameters: {', '.join(unknown)}.")
                status = query.get("status")
                if status is not None and status not in STATUSES:
                    return _bad_request(f"status must be one of {', '.join(STATUSES)}.")
                raw_limit = query.get("limit")
                limit = DEFAULT_LIMIT if raw_limit is None else (int(raw_limit) if _LIMIT.match(raw_limit) else 0)
                if not 1 <= limit <= MAX_LIMIT:
                    return _bad_request(f"limit must be an integer from 1 to {MAX_LIMIT}.")
                start_key = decode_cursor(query["cursor"], customer_id) if "cursor" in query else None
                if "cursor" in query and not start_key:
                    return _bad_request("cursor is not one this API returned for this customer.")
                orders, next_key = reader.orders_of_customer(customer_id, status, limit, start_key)
                return _json(200, {"orders": [present(o) for o in orders], "next": encode_cursor(next_key) if next_key else None})
            return _json(404, {"message": "No such route."})
        except Exception as error:  # noqa: BLE001 - any failure becomes a plain 500
            # Log the cause for operators; keep table names and internals out of the public answer.
            logger.error(json.dumps({"message": "view query failed", "routeKey": route, "error": str(error)}))
            return _json(500, {"message": "The order view is unavailable right now."})

    return handle


class DynamoReader:
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def get_order(self, order_id: str) -> Optional[View]:
        # Eventually consistent is enough: the view already trails the event table by the stream's delay.
        item = self._client.get_item(TableName=self._table, Key={"orderId": {"S": order_id}}).get("Item")
        return from_item(item) if item else None

    def orders_of_customer(
        self, customer_id: str, status: Optional[str], limit: int, start_key: Optional[PageKey]
    ) -> tuple[list[View], Optional[PageKey]]:
        values: dict[str, Any] = {":customer": {"S": customer_id}}
        if status:
            values[":status"] = {"S": f"{status}#"}
        page = self._client.query(
            TableName=self._table,
            IndexName=INDEX_NAME,
            KeyConditionExpression="customerId = :customer AND begins_with(statusAt, :status)" if status else "customerId = :customer",
            ExpressionAttributeValues=values,
            # Newest first within a status.
            ScanIndexForward=False,
            Limit=limit,
            **({"ExclusiveStartKey": {k: {"S": v} for k, v in start_key.items()}} if start_key else {}),
        )
        last = page.get("LastEvaluatedKey")
        return [from_item(item) for item in page.get("Items", [])], (from_item(last) if last else None)


_handler: Optional[Callable[[Mapping[str, Any], Any], dict[str, Any]]] = None


def handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _handler
    if _handler is None:
        import boto3

        _handler = create_queries(DynamoReader(boto3.client("dynamodb"), os.environ["VIEW_TABLE_NAME"]))
    return _handler(event, context)

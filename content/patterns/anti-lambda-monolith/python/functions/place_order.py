"""POST /customers/{customerId}/orders: may check that a customer exists and write orders, nothing more."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from responses import Event, Response, http, read_json
from shop import place_order


def create_handler(client: Any, tables: dict[str, str]) -> Callable[[Event, Any], Response]:
    return http(lambda event: place_order(client, tables, (event.get("pathParameters") or {}).get("customerId"), read_json(event)))


_handler: Callable[[Event, Any], Response] | None = None


def handler(event: Event, context: Any) -> Response:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _handler
    if _handler is None:
        import boto3

        tables = {"customers": os.environ["CUSTOMERS_TABLE_NAME"], "orders": os.environ["ORDERS_TABLE_NAME"]}
        _handler = create_handler(boto3.client("dynamodb"), tables)
    return _handler(event, context)

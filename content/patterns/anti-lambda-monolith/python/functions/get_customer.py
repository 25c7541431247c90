"""GET /customers/{customerId}: this function can read one customer and do nothing else."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from responses import Event, Response, http
from shop import get_customer


def create_handler(client: Any, table: str) -> Callable[[Event, Any], Response]:
    # API Gateway matched the route and extracted any id: no routing code here.
    return http(lambda event: get_customer(client, table, (event.get("pathParameters") or {}).get("customerId")))


_handler: Callable[[Event, Any], Response] | None = None


def handler(event: Event, context: Any) -> Response:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _handler
    if _handler is None:
        import boto3

        _handler = create_handler(boto3.client("dynamodb"), os.environ["CUSTOMERS_TABLE_NAME"])
    return _handler(event, context)

"""Looks up one product by id in DynamoDB and answers with it as JSON."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable
from typing import Any

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# Product ids are short slugs; anything else is refused before it reaches the table.
PRODUCT_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")

FindProduct = Callable[[str], "dict[str, Any] | None"]


def dynamo_find(table: Any) -> FindProduct:
    """The one table read the handler makes, so tests can stand in for DynamoDB."""

    def find(product_id: str) -> dict[str, Any] | None:
        return table.get_item(Key={"productId": product_id}).get("Item")

    return find


def _json(status: int, body: Any) -> dict[str, Any]:
    # DynamoDB numbers arrive as Decimal; whole numbers go out as ints, the rest as floats.
    def number(value: Any) -> Any:
        return int(value) if value == int(value) else float(value)

    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(body, default=number)}


def create_handler(find: FindProduct) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        product_id = (event.get("pathParameters") or {}).get("productId") or ""
        if not PRODUCT_ID.fullmatch(product_id):
            return _json(400, {"message": "A product id is 1 to 64 letters, digits or dashes."})
        try:
            product = find(product_id)
        except Exception as error:  # noqa: BLE001 - any failure becomes a plain 500
            # Log the cause for operators; keep internals out of the public response.
            logger.error(json.dumps({"message": "product lookup failed", "productId": product_id, "error": str(error)}))
            return _json(500, {"message": "Products are unavailable right now."})
        if product is None:
            return _json(404, {"message": f"No product {product_id}."})
        return _json(200, product)

    return handle


_handler: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _handler
    if _handler is None:
        import boto3

        _handler = create_handler(dynamo_find(boto3.resource("dynamodb").Table(os.environ["PRODUCTS_TABLE_NAME"])))
    return _handler(event, context)

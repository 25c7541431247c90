"""Reads a product summary or its newest reviews from DynamoDB; API Gateway caches the answers."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from catalog import CURRENCIES, DEFAULT_CURRENCY, PRODUCT_SK, REVIEW_PREFIX, REVIEWS_PAGE_SIZE, is_product_id, json_result

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# The one DynamoDB call the reader makes, so tests can stand in for the client.
Query = Callable[..., dict[str, Any]]
Item = dict[str, dict[str, Any]]


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class ReaderConfig:
    table_name: str
    # The TTLs API Gateway caches these answers for; told to clients too, so browsers don't re-ask sooner.
    product_ttl_seconds: int
    reviews_ttl_seconds: int
    now: Callable[[], datetime] = field(default=_utc_now)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def product_items(query: Query, table_name: str, product_id: str) -> list[Item]:
    """Everything stored for one product: its details and every review.

    Reading all of it on each request is the deliberately expensive part the stage cache saves;
    it grows with the reviews.
    """
    items: list[Item] = []
    start_key: Item | None = None
    while True:
        request: dict[str, Any] = {
            "TableName": table_name,
            "KeyConditionExpression": "productId = :id",
            "ExpressionAttributeValues": {":id": {"S": product_id}},
        }
        if start_key:
            request["ExclusiveStartKey"] = start_key
        page = query(**request)
        items.extend(page.get("Items", []))
        start_key = page.get("LastEvaluatedKey")
        if not start_key:
            return items


def summarise(items: list[Item], product_id: str, currency: str) -> dict[str, Any] | None:
    product = next((i for i in items if i.get("sk", {}).get("S") == PRODUCT_SK), None)
    if product is None:
        return None
    cents = product.get("prices", {}).get("M", {}).get(currency, {}).get("N")
    ratings = [int(i["rating"]["N"]) for i in items if i.get("sk", {}).get("S", "").startswith(REVIEW_PREFIX)]
    average = round(sum(ratings) / len(ratings), 1) if ratings else None
    return {
        "productId": product_id,
        "name": product.get("name", {}).get("S", product_id),
        "price": None if cents is None else {"currency": currency, "amount": f"{int(cents) / 100:.2f}"},
        "rating": {"average": average, "count": len(ratings)},
    }


def create_reader(query: Query, config: ReaderConfig) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def cache_for(seconds: int) -> dict[str, str]:
        return {"cache-control": f"public, max-age={seconds}"}

    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        product_id = (event.get("pathParameters") or {}).get("productId")
        if not is_product_id(product_id):
            return json_result(400, {"message": "A product id is 1 to 64 lower-case letters, digits or dashes."})
        try:
            if event.get("resource") == "/products/{productId}":
                currency = ((event.get("queryStringParameters") or {}).get("currency") or DEFAULT_CURRENCY).upper()
                if currency not in CURRENCIES:
                    return json_result(400, {"message": f"currency must be one of {', '.join(CURRENCIES)}."})
                summary = summarise(product_items(query, config.table_name, product_id), product_id, currency)
                if summary is None:
                    return json_result(404, {"message": f"No product {product_id}."})
                # generatedAt shows a caller whether the answer came from the cache: it stays put on a hit.
                return json_result(200, {**summary, "generatedAt": _iso(config.now())}, cache_for(config.product_ttl_seconds))
            if event.get("resource") == "/products/{productId}/reviews":
                page = query(
                    TableName=config.table_name,
                    KeyConditionExpression="productId = :id AND begins_with(sk, :review)",
                    ExpressionAttributeValues={":id": {"S": product_id}, ":review": {"S": REVIEW_PREFIX}},
                    ScanIndexForward=False,
                    Limit=REVIEWS_PAGE_SIZE,
                )
                reviews = [
                    {
                        "reviewId": i.get("reviewId", {}).get("S"),
                        "rating": int(i["rating"]["N"]),
                        "comment": i.get("comment", {}).get("S", ""),
                        "createdAt": i.get("createdAt", {}).get("S"),
                    }
                    for i in page.get("Items", [])
                ]
                body = {"productId": product_id, "reviews": reviews, "generatedAt": _iso(config.now())}
                return json_result(200, body, cache_for(config.reviews_ttl_seconds))
            return json_result(404, {"message": "Not found."})
        except Exception as error:  # noqa: BLE001 - any failure becomes a plain 500
            # Log the cause for operators; keep table names and SDK messages out of the answer.
            logger.error(json.dumps({"message": "catalog read failed", "productId": product_id, "error": str(error)}))
            return json_result(500, {"message": "The catalog is unavailable right now."})

    return handle


_handler: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _handler
    if _handler is None:
        import boto3

        client = boto3.client("dynamodb")
        _handler = create_reader(
            client.query,
            ReaderConfig(
                table_name=os.environ["TABLE_NAME"],
                product_ttl_seconds=int(os.environ["PRODUCT_TTL_SECONDS"]),
                reviews_ttl_seconds=int(os.environ["REVIEWS_TTL_SECONDS"]),
            ),
        )
    return _handler(event, context)

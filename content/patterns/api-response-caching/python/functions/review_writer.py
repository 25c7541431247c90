"""Adds a review to a product in one DynamoDB transaction; this method is never cached."""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from catalog import MAX_COMMENT_LENGTH, PRODUCT_SK, REVIEW_PREFIX, is_product_id, json_result

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# The one DynamoDB call the writer makes, so tests can stand in for the client.
TransactWrite = Callable[..., Any]


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _new_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class WriterConfig:
    table_name: str
    reviews_ttl_seconds: int
    now: Callable[[], datetime] = field(default=_utc_now)
    new_id: Callable[[], str] = field(default=_new_id)


def parse_review(body: str | None) -> dict[str, Any] | None:
    """The API's request model checks the same rules; the function checks again so it is safe on its own."""
    try:
        value = json.loads(body or "")
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    rating, comment = value.get("rating"), value.get("comment")
    if isinstance(rating, float) and rating.is_integer():
        rating = int(rating)
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        return None
    if not isinstance(comment, str) or not comment.strip() or len(comment) > MAX_COMMENT_LENGTH:
        return None
    return {"rating": rating, "comment": comment.strip()}


def _is_missing_product(error: Exception) -> bool:
    response = getattr(error, "response", None) or {}
    reasons = response.get("CancellationReasons") or []
    return response.get("Error", {}).get("Code") == "TransactionCanceledException" and bool(reasons) and reasons[0].get("Code") == "ConditionalCheckFailed"


def create_writer(transact_write: TransactWrite, config: WriterConfig) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        product_id = (event.get("pathParameters") or {}).get("productId")
        if not is_product_id(product_id):
            return json_result(400, {"message": "A product id is 1 to 64 lower-case letters, digits or dashes."})
        review = parse_review(event.get("body"))
        if review is None:
            return json_result(400, {"message": f'Send {{"rating": 1-5, "comment": "1-{MAX_COMMENT_LENGTH} characters"}}.'})
        review_id = config.new_id()
        created_at = config.now().astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        try:
            # One transaction: the review is stored only if the product exists, with no read first.
            transact_write(
                TransactItems=[
                    {
                        "ConditionCheck": {
                            "TableName": config.table_name,
                            "Key": {"productId": {"S": product_id}, "sk": {"S": PRODUCT_SK}},
                            "ConditionExpression": "attribute_exists(productId)",
                        }
                    },
                    {
                        "Put": {
                            "TableName": config.table_name,
                            "Item": {
                                "productId": {"S": product_id},
                                "sk": {"S": f"{REVIEW_PREFIX}{created_at}#{review_id}"},
                                "reviewId": {"S": review_id},
                                "rating": {"N": str(review["rating"])},
                                "comment": {"S": review["comment"]},
                                "createdAt": {"S": created_at},
                            },
                            "ConditionExpression": "attribute_not_exists(sk)",
                        }
                    },
                ]
            )
        except Exception as error:  # noqa: BLE001 - any other failure becomes a plain 500
            if _is_missing_product(error):
                return json_result(404, {"message": f"No product {product_id}."})
            logger.error(json.dumps({"message": "review write failed", "productId": product_id, "error": str(error)}))
            return json_result(500, {"message": "The review could not be saved right now."})
        # The write does not touch the cache: cached lists catch up when their TTL runs out.
        return json_result(
            201,
            {
                "productId": product_id,
                "reviewId": review_id,
                "createdAt": created_at,
                "message": f"Saved. Cached review lists show it within {config.reviews_ttl_seconds} seconds.",
            },
        )

    return handle


_handler: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _handler
    if _handler is None:
        import boto3

        client = boto3.client("dynamodb")
        _handler = create_writer(
            client.transact_write_items,
            WriterConfig(table_name=os.environ["TABLE_NAME"], reviews_ttl_seconds=int(os.environ["REVIEWS_TTL_SECONDS"])),
        )
    return _handler(event, context)

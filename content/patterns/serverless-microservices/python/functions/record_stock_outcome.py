"""Moves an order from PLACED to CONFIRMED or REJECTED, once.

The condition makes a redelivered event, or an outcome for an order that was never stored,
a no-op instead of an overwrite.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from typing import Any

logger = logging.getLogger()
logger.setLevel(logging.INFO)

UpdateOrder = Callable[..., Any]


def _is_condition_failure(error: Exception) -> bool:
    return (getattr(error, "response", None) or {}).get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def create_record_stock_outcome(update: UpdateOrder, table_name: str) -> Callable[[dict[str, Any], Any], str]:
    def handle(event: dict[str, Any], _context: Any = None) -> str:
        detail = event["detail"]
        try:
            update(
                TableName=table_name,
                Key={"orderId": {"S": detail["orderId"]}},
                UpdateExpression="SET #s = :next, decidedAt = :at",
                ConditionExpression="#s = :placed",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={
                    ":next": {"S": "CONFIRMED" if detail["outcome"] == "RESERVED" else "REJECTED"},
                    ":placed": {"S": "PLACED"},
                    ":at": {"S": detail["decidedAt"]},
                },
            )
            return "applied"
        except Exception as error:
            if _is_condition_failure(error):
                logger.info(json.dumps({"message": "outcome already applied or order unknown", "orderId": detail["orderId"], "eventId": event.get("id")}))
                return "ignored"
            # Anything else is raised, so Lambda retries and then parks the event in the dead-letter queue.
            raise

    return handle


_handler: Callable[[dict[str, Any], Any], str] | None = None


def handler(event: dict[str, Any], context: Any) -> str:
    global _handler
    if _handler is None:
        import boto3

        _handler = create_record_stock_outcome(boto3.client("dynamodb").update_item, os.environ["ORDERS_TABLE_NAME"])
    return _handler(event, context)

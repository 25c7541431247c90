"""Pipe enrichment: adds the customer profile from DynamoDB to each priority order of a batch."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from typing import Any

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# What a customer id that has no item in the table enriches to. Every field is always present,
# so the pipe's target template never meets a missing path.
UNKNOWN_CUSTOMER: dict[str, Any] = {"found": False, "name": "", "tier": "unknown", "country": ""}

# BatchGetItem reads at most 100 keys a call; a pipe batch is at most 10, but the lookup does not rely on it.
KEYS_PER_CALL = 100
# Calls per chunk before unprocessed keys count as a failure of the whole batch.
MAX_ATTEMPTS = 3

LookupCustomers = Callable[[list[str]], dict[str, dict[str, Any]]]


class MalformedOrder(Exception):
    """A record no retry can fix. Raised, so the batch fails loudly instead of vanishing."""


def dynamo_lookup(client: Any, table_name: str, pause: Callable[[float], None] = time.sleep) -> LookupCustomers:
    """Looks customers up with BatchGetItem, reading only the three attributes the enrichment
    passes on (the table may hold more, such as an e-mail address, that must not travel)."""

    def lookup(customer_ids: list[str]) -> dict[str, dict[str, Any]]:
        profiles: dict[str, dict[str, Any]] = {}
        for start in range(0, len(customer_ids), KEYS_PER_CALL):
            keys: list[dict[str, Any]] = [{"customerId": {"S": c}} for c in customer_ids[start : start + KEYS_PER_CALL]]
            attempt = 1
            while keys:
                if attempt > MAX_ATTEMPTS:
                    raise RuntimeError(f"DynamoDB left {len(keys)} customer keys unprocessed after {MAX_ATTEMPTS} attempts")
                if attempt > 1:
                    pause(0.05 * 2 ** (attempt - 2))
                result = client.batch_get_item(
                    RequestItems={
                        table_name: {
                            "Keys": keys,
                            # "name" is a DynamoDB reserved word.
                            "ProjectionExpression": "customerId, #name, tier, country",
                            "ExpressionAttributeNames": {"#name": "name"},
                        }
                    }
                )
                for item in result.get("Responses", {}).get(table_name, []):
                    customer_id = item.get("customerId", {}).get("S")
                    if customer_id is None:
                        continue
                    profiles[customer_id] = {
                        "found": True,
                        "name": item.get("name", {}).get("S", ""),
                        "tier": item.get("tier", {}).get("S", "standard"),
                        "country": item.get("country", {}).get("S", ""),
                    }
                keys = result.get("UnprocessedKeys", {}).get(table_name, {}).get("Keys", [])
                attempt += 1
        return profiles

    return lookup


def parse_order(record: dict[str, Any]) -> dict[str, Any]:
    """Reads the order out of one SQS record, or says why it cannot."""
    message_id = record.get("messageId")
    body = record.get("body")
    try:
        value = json.loads(body) if isinstance(body, str) else body
    except ValueError:
        raise MalformedOrder(f"message {message_id}: body is not JSON") from None
    if not isinstance(value, dict):
        raise MalformedOrder(f"message {message_id}: body is not a JSON object")
    if not isinstance(value.get("orderId"), str) or not value["orderId"]:
        raise MalformedOrder(f"message {message_id}: orderId is missing")
    if not isinstance(value.get("customerId"), str) or not value["customerId"]:
        raise MalformedOrder(f"message {message_id}: customerId is missing")
    total = value.get("total")
    # bool is an int in Python; JSON true is not a total.
    if isinstance(total, bool) or not isinstance(total, (int, float)) or total != total or total in (float("inf"), float("-inf")):
        raise MalformedOrder(f"message {message_id}: total is not a number")
    return value


def create_handler(lookup: LookupCustomers) -> Callable[[list[dict[str, Any]], Any], list[dict[str, Any]]]:
    """The enrichment: Pipes invokes it synchronously with the filtered batch and sends what it
    returns, element by element, through the target's input template to the bus. It only adds
    data; it neither reads the queue nor publishes, so a raised error fails the whole batch and
    SQS delivers every message of it again."""

    def handle(records: list[dict[str, Any]], _context: Any = None) -> list[dict[str, Any]]:
        orders = [(record["messageId"], parse_order(record)) for record in records]
        if not orders:
            return []
        # Several orders of one customer in a batch cost one read.
        customer_ids = list(dict.fromkeys(order["customerId"] for _, order in orders))
        profiles = lookup(customer_ids)
        enriched = [
            {"messageId": message_id, "order": order, "customer": profiles.get(order["customerId"], dict(UNKNOWN_CUSTOMER))}
            for message_id, order in orders
        ]
        unknown = list(dict.fromkeys(e["order"]["customerId"] for e in enriched if not e["customer"]["found"]))
        if unknown:
            # Not an error: the order still goes on the bus, marked as from an unknown customer.
            logger.warning(json.dumps({"message": "customers not found", "customerIds": unknown}))
        return enriched

    return handle


_handler: Callable[[list[dict[str, Any]], Any], list[dict[str, Any]]] | None = None


def handler(event: list[dict[str, Any]], context: Any) -> list[dict[str, Any]]:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _handler
    if _handler is None:
        import boto3

        _handler = create_handler(dynamo_lookup(boto3.client("dynamodb"), os.environ["CUSTOMERS_TABLE_NAME"]))
    return _handler(event, context)

"""Writes each order change and the event about it in one DynamoDB transaction."""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Optional

from boto3.dynamodb.types import TypeSerializer
from botocore.exceptions import ClientError

from outbox_item import EVENT_SOURCE, OUTBOX_RETENTION_DAYS, OutboxItem

logger = logging.getLogger()
logger.setLevel(logging.INFO)

ID_PATTERN = re.compile(r"^[A-Za-z0-9-]{1,64}$")
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")
MAX_AMOUNT = 10_000_000
MAX_REASON = 200

_serializer = TypeSerializer()


@dataclass(frozen=True)
class NewOrder:
    order_id: str
    customer_id: str
    amount: int
    currency: str


@dataclass(frozen=True)
class Cancellation:
    order_id: str
    expected_version: int
    reason: str


@dataclass(frozen=True)
class Tables:
    orders: str
    outbox: str


class BadRequest(Exception):
    """A request the writer refuses before touching DynamoDB."""


def marshall(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _serializer.serialize(value) for name, value in values.items()}


def _object(body: Optional[str]) -> dict[str, Any]:
    try:
        parsed = json.loads(body or "")
    except ValueError:
        raise BadRequest("The body must be JSON.") from None
    if not isinstance(parsed, dict):
        raise BadRequest("The body must be a JSON object.")
    return parsed


def _is_int(value: Any) -> bool:
    # JSON true/false arrive as bool, which Python counts as int; they are not numbers here.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and ID_PATTERN.fullmatch(value) is not None


def parse_new_order(body: Optional[str]) -> NewOrder:
    fields = _object(body)
    order_id, customer_id, amount, currency = (fields.get(k) for k in ("orderId", "customerId", "amount", "currency"))
    if not _is_id(order_id):
        raise BadRequest("orderId: 1-64 letters, digits or hyphens.")
    if not _is_id(customer_id):
        raise BadRequest("customerId: 1-64 letters, digits or hyphens.")
    if not _is_int(amount) or not 1 <= amount <= MAX_AMOUNT:
        raise BadRequest(f"amount: a whole number of cents from 1 to {MAX_AMOUNT}.")
    if not isinstance(currency, str) or CURRENCY_PATTERN.fullmatch(currency) is None:
        raise BadRequest("currency: a three-letter ISO code.")
    return NewOrder(order_id, customer_id, amount, currency)


def parse_cancellation(order_id: Optional[str], body: Optional[str]) -> Cancellation:
    if not _is_id(order_id):
        raise BadRequest("The order id in the path is not valid.")
    fields = _object(body)
    expected, reason = fields.get("expectedVersion"), fields.get("reason")
    if not _is_int(expected) or expected < 1:
        raise BadRequest("expectedVersion: the version you last read, 1 or more.")
    if not isinstance(reason, str) or not 1 <= len(reason) <= MAX_REASON:
        raise BadRequest(f"reason: 1-{MAX_REASON} characters.")
    return Cancellation(str(order_id), expected, reason)


def iso(at: datetime) -> str:
    """The same ISO-8601 form as JavaScript's toISOString: UTC, milliseconds, a Z."""
    return at.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _outbox_item(event_id: str, order_id: str, version: int, event_type: str, at: datetime, data: Mapping[str, Any]) -> OutboxItem:
    occurred_at = iso(at)
    # The event is built here, from the very values written to the order in the same call.
    detail = {"eventId": event_id, "orderId": order_id, "version": version, "occurredAt": occurred_at, **data}
    return {
        "eventId": event_id,
        "aggregateId": order_id,
        "version": version,
        "source": EVENT_SOURCE,
        "eventType": event_type,
        "detail": json.dumps(detail, separators=(",", ":")),
        "occurredAt": occurred_at,
        "expiresAt": int(at.timestamp()) + OUTBOX_RETENTION_DAYS * 86_400,
    }


def place_order_transaction(order: NewOrder, event_id: str, at: datetime, tables: Tables) -> dict[str, Any]:
    """One transaction: the new order, and the OrderPlaced event about it. The condition on the
    order makes a repeated order id fail the whole transaction, so no second event appears."""
    version, status = 1, "PLACED"
    event = _outbox_item(
        event_id,
        order.order_id,
        version,
        "OrderPlaced",
        at,
        {"customerId": order.customer_id, "amount": order.amount, "currency": order.currency, "status": status},
    )
    item = {
        "orderId": order.order_id,
        "customerId": order.customer_id,
        "amount": order.amount,
        "currency": order.currency,
        "status": status,
        "version": version,
        "updatedAt": event["occurredAt"],
    }
    return {
        # The same token on a retry of this call makes DynamoDB treat it as the same transaction.
        "ClientRequestToken": event_id,
        "TransactItems": [
            {"Put": {"TableName": tables.orders, "Item": marshall(item), "ConditionExpression": "attribute_not_exists(orderId)"}},
            {"Put": {"TableName": tables.outbox, "Item": marshall(event), "ConditionExpression": "attribute_not_exists(eventId)"}},
        ],
    }


def cancel_order_transaction(cancel: Cancellation, event_id: str, at: datetime, tables: Tables) -> dict[str, Any]:
    """One transaction: the order moves from PLACED to CANCELLED only if it is still at the version
    the caller read, and the OrderCancelled event is written with the version that results."""
    version, status = cancel.expected_version + 1, "CANCELLED"
    event = _outbox_item(event_id, cancel.order_id, version, "OrderCancelled", at, {"status": status, "reason": cancel.reason})
    return {
        "ClientRequestToken": event_id,
        "TransactItems": [
            {
                "Update": {
                    "TableName": tables.orders,
                    "Key": marshall({"orderId": cancel.order_id}),
                    "UpdateExpression": "SET #status = :cancelled, #version = :next, updatedAt = :at, cancelReason = :reason",
                    "ConditionExpression": "#status = :placed AND #version = :expected",
                    "ExpressionAttributeNames": {"#status": "status", "#version": "version"},
                    "ExpressionAttributeValues": marshall(
                        {
                            ":cancelled": status,
                            ":placed": "PLACED",
                            ":next": version,
                            ":expected": cancel.expected_version,
                            ":at": event["occurredAt"],
                            ":reason": cancel.reason,
                        }
                    ),
                }
            },
            {"Put": {"TableName": tables.outbox, "Item": marshall(event), "ConditionExpression": "attribute_not_exists(eventId)"}},
        ],
    }


def order_condition_failed(error: Exception) -> bool:
    """True when DynamoDB cancelled the transaction because the order's own condition failed."""
    if not isinstance(error, ClientError):
        return False
    response: Mapping[str, Any] = error.response
    reasons = response.get("CancellationReasons") or []
    return response.get("Error", {}).get("Code") == "TransactionCanceledException" and bool(reasons) and reasons[0].get("Code") == "ConditionalCheckFailed"


def _reply(status_code: int, body: Mapping[str, Any]) -> dict[str, Any]:
    return {"statusCode": status_code, "headers": {"content-type": "application/json"}, "body": json.dumps(body, separators=(",", ":"))}


Log = Callable[[dict[str, Any]], None]


def create_handler(
    client: Any,
    tables: Tables,
    new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    log: Log = lambda _line: None,
) -> Callable[[Mapping[str, Any], Any], dict[str, Any]]:
    def handle(event: Mapping[str, Any], _context: Any = None) -> dict[str, Any]:
        body = event.get("body")
        if body and event.get("isBase64Encoded"):
            body = base64.b64decode(body).decode("utf-8")
        event_id = new_id()
        route = event.get("routeKey")
        try:
            if route == "POST /orders":
                order = parse_new_order(body)
                request = place_order_transaction(order, event_id, now(), tables)
                conflict = f"Order {order.order_id} already exists."
                answer: dict[str, Any] = {"orderId": order.order_id, "status": "PLACED", "version": 1, "eventId": event_id}
            elif route == "POST /orders/{orderId}/cancel":
                cancel = parse_cancellation((event.get("pathParameters") or {}).get("orderId"), body)
                request = cancel_order_transaction(cancel, event_id, now(), tables)
                conflict = f"Order {cancel.order_id} is not PLACED at version {cancel.expected_version}."
                answer = {"orderId": cancel.order_id, "status": "CANCELLED", "version": cancel.expected_version + 1, "eventId": event_id}
            else:
                return _reply(404, {"message": "Not found."})
        except BadRequest as error:
            return _reply(400, {"message": str(error)})

        try:
            client.transact_write_items(**request)
        except Exception as error:  # noqa: BLE001 - every failure is answered, none leaks details
            # A failed condition cancels both writes: neither the order change nor its event exists.
            if order_condition_failed(error):
                return _reply(409, {"message": conflict})
            log({"level": "ERROR", "message": "order transaction failed", "eventId": event_id, "error": str(error)})
            return _reply(500, {"message": "The order could not be saved; please retry."})
        log({"level": "INFO", "message": "order saved with its event", **answer})
        return _reply(201 if answer["status"] == "PLACED" else 200, answer)

    return handle


def _log_to_lambda(line: dict[str, Any]) -> None:
    fields = dict(line)
    level = logging.ERROR if fields.pop("level", "INFO") == "ERROR" else logging.INFO
    logger.log(level, fields.pop("message", ""), extra=fields)


_handler: Optional[Callable[[Mapping[str, Any], Any], dict[str, Any]]] = None


def handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    """Creates the DynamoDB client once per execution environment, on the first request."""
    global _handler
    if _handler is None:
        import boto3

        tables = Tables(orders=os.environ["ORDERS_TABLE_NAME"], outbox=os.environ["OUTBOX_TABLE_NAME"])
        _handler = create_handler(boto3.client("dynamodb"), tables, log=_log_to_lambda)
    return _handler(event, context)

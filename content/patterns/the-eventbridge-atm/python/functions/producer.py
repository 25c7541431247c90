"""Validates ATM transactions from the API and puts them on the ATM bus."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from typing import Any

from transaction import DETAIL_TYPE, EVENT_SOURCE, MAX_TRANSACTIONS, InvalidTransaction, Transaction, parse_transaction

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# The one EventBridge call the producer makes; results come back in request order.
PutEntries = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def parse_body(body: str | None) -> list[Transaction]:
    try:
        value = json.loads(body or "")
    except ValueError:
        raise InvalidTransaction("the body must be JSON") from None
    items = value.get("transactions") if isinstance(value, dict) else None
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_TRANSACTIONS:
        raise InvalidTransaction(f'send {{"transactions": [...]}} with 1 to {MAX_TRANSACTIONS} items')
    return [parse_transaction(item) for item in items]


def to_entry(transaction: Transaction, event_bus_name: str) -> dict[str, Any]:
    return {
        "EventBusName": event_bus_name,
        "Source": EVENT_SOURCE,
        "DetailType": DETAIL_TYPE,
        "Detail": json.dumps(transaction, separators=(",", ":")),
    }


def publish(put: PutEntries, entries: list[dict[str, Any]]) -> tuple[list[str | None], list[str | None]]:
    """Returns the event id and the error of each entry, in order.

    PutEvents can accept some entries of a call and reject others (throttling, internal errors),
    so the rejected ones are sent once more on their own before anything is reported as failed.
    """
    event_ids: list[str | None] = [None] * len(entries)
    errors: list[str | None] = [None] * len(entries)
    pending = list(range(len(entries)))
    for _attempt in range(2):
        if not pending:
            break
        results = put([entries[index] for index in pending])
        still_pending: list[int] = []
        for position, index in enumerate(pending):
            result = results[position] if position < len(results) else None
            if result and result.get("EventId") and not result.get("ErrorCode"):
                event_ids[index] = result["EventId"]
                errors[index] = None
            else:
                errors[index] = (result or {}).get("ErrorCode") or "NoResult"
                still_pending.append(index)
        pending = still_pending
    return event_ids, errors


def _json(status: int, body: Any) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}


def create_handler(put: PutEntries, event_bus_name: str) -> Handler:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        try:
            transactions = parse_body(event.get("body"))
        except InvalidTransaction as error:
            return _json(400, {"message": str(error)})
        try:
            event_ids, errors = publish(put, [to_entry(t, event_bus_name) for t in transactions])
        except Exception as error:  # noqa: BLE001 - any SDK failure becomes a generic 500
            logger.error(json.dumps({"message": "PutEvents failed", "error": str(error)}))
            return _json(500, {"message": "The transactions could not be published."})
        accepted = [{"transactionId": t["transactionId"], "eventId": i} for t, i in zip(transactions, event_ids) if i]
        failed = [t["transactionId"] for t, e in zip(transactions, errors) if e]
        if not failed:
            return _json(202, {"accepted": accepted})
        logger.error(json.dumps({"message": "entries rejected twice", "failed": failed, "errors": errors}))
        # Name both lists so the caller resends only what was not accepted.
        return _json(502, {"message": "Some transactions were not accepted; resend only those.", "accepted": accepted, "failed": failed})

    return handle


def eventbridge_put(client: Any) -> PutEntries:
    def put(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return client.put_events(Entries=entries).get("Entries", [])

    return put


_handler: Handler | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _handler
    if _handler is None:
        import boto3

        _handler = create_handler(eventbridge_put(boto3.client("events")), os.environ.get("EVENT_BUS_NAME", ""))
    return _handler(event, context)

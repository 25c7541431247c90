"""Drains the ledger queue: records each order once and adds it to the revenue of the day it was placed."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal, Optional

from botocore.exceptions import ClientError

from order_event import OrderPlaced, parse_envelope, parse_order_placed

logger = logging.getLogger()
logger.setLevel(logging.INFO)

Outcome = Literal["recorded", "duplicate"]


@dataclass(frozen=True)
class Delivery:
    """Where a delivery came from, kept on the ledger entry as an audit trail."""

    event_id: str
    replay_name: Optional[str] = None


# The one write the handler makes; tests stand in for it or for the DynamoDB client.
RecordOrder = Callable[[OrderPlaced, Delivery], Outcome]


def revenue_key(order: OrderPlaced) -> str:
    """The revenue bucket an order counts in: the day it was placed, never the day it was processed."""
    return f"REVENUE#{order.placed_at[:10]}#{order.currency}"


def order_key(order_id: str) -> str:
    return f"ORDER#{order_id}"


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    # The same shape as JavaScript's toISOString: milliseconds and a Z.
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def dynamo_ledger(client: Any, table_name: str, now: Callable[[], datetime] = _utc_now) -> RecordOrder:
    """Records the order and adds it to its day's revenue in one transaction.

    The entry is keyed on the business id (orderId), not on the EventBridge event id, and may only be
    created once, so a second delivery of the same order, live duplicate or replay, cancels the whole
    transaction and the revenue is not added twice.
    """

    def record(order: OrderPlaced, delivery: Delivery) -> Outcome:
        entry: dict[str, dict[str, str]] = {
            "pk": {"S": order_key(order.order_id)},
            "orderId": {"S": order.order_id},
            "customerId": {"S": order.customer_id},
            "channel": {"S": order.channel},
            "totalCents": {"N": str(order.total_cents)},
            "currency": {"S": order.currency},
            "placedAt": {"S": order.placed_at},
            "recordedAt": {"S": _iso(now())},
            "eventId": {"S": delivery.event_id},
        }
        if delivery.replay_name:
            entry["replayName"] = {"S": delivery.replay_name}
        try:
            client.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": table_name, "Item": entry, "ConditionExpression": "attribute_not_exists(pk)"}},
                    {
                        "Update": {
                            "TableName": table_name,
                            "Key": {"pk": {"S": revenue_key(order)}},
                            "UpdateExpression": "ADD orders :one, totalCents :total",
                            "ExpressionAttributeValues": {":one": {"N": "1"}, ":total": {"N": str(order.total_cents)}},
                        }
                    },
                ]
            )
        except ClientError as error:
            if is_already_recorded(error):
                return "duplicate"
            raise
        return "recorded"

    return record


def is_already_recorded(error: Exception) -> bool:
    """True only when the transaction was cancelled because the order entry already exists."""
    if not isinstance(error, ClientError) or error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
        return False
    reasons = error.response.get("CancellationReasons") or []
    return bool(reasons) and reasons[0].get("Code") == "ConditionalCheckFailed"


def create_handler(record: RecordOrder) -> Callable[[Mapping[str, Any], Any], dict[str, list[dict[str, str]]]]:
    """Drains a batch from the ledger queue and reports only the records that failed."""

    def handle(event: Mapping[str, Any], _context: Any = None) -> dict[str, list[dict[str, str]]]:
        failures: list[dict[str, str]] = []
        for message in event.get("Records", []):
            try:
                envelope = parse_envelope(json.loads(message["body"]))
                order = parse_order_placed(envelope.get("detail"))
                replay_name = envelope.get("replay-name")
                outcome = record(order, Delivery(event_id=str(envelope.get("id")), replay_name=replay_name))
                logger.info(
                    json.dumps({"message": f"order {outcome}", "orderId": order.order_id, "eventId": envelope.get("id"), "replayName": replay_name})
                )
            except Exception as error:  # noqa: BLE001 - any failure returns just this record to the queue
                # Retried; after three receives it moves to LedgerDlq, which alarms.
                logger.error(json.dumps({"message": "order not recorded", "messageId": message.get("messageId"), "error": repr(error)}))
                failures.append({"itemIdentifier": message["messageId"]})
        return {"batchItemFailures": failures}

    return handle


_client: Any = None


def _dynamodb() -> Any:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _client
    if _client is None:
        import boto3

        _client = boto3.client("dynamodb")
    return _client


def handler(event: Mapping[str, Any], context: Any) -> dict[str, list[dict[str, str]]]:
    return create_handler(dynamo_ledger(_dynamodb(), os.environ["LEDGER_TABLE_NAME"]))(event, context)

"""Writes every order from the audit queue to the audit table, one item per order id."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, Optional

from order import order_from_message
from tracing import Trace, powertools_trace, trace_root_of

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# An order plus messageId, receivedAt and traceRoot (None when the message carried no trace).
AuditEntry = dict[str, Any]
SaveAudit = Callable[[AuditEntry], None]


def to_audit_entry(record: dict[str, Any]) -> AuditEntry:
    attributes = record.get("attributes", {})
    sent = datetime.fromtimestamp(int(attributes["SentTimestamp"]) / 1000, tz=timezone.utc)
    return {
        # The queue subscription uses raw delivery, so the body is the published order itself.
        **order_from_message(record["body"]),
        "messageId": record["messageId"],
        "receivedAt": sent.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "traceRoot": trace_root_of(attributes.get("AWSTraceHeader")),
    }


def dynamo_saver(client: Any, table_name: str) -> SaveAudit:
    def save(entry: AuditEntry) -> None:
        item = {
            "orderId": {"S": entry["orderId"]},
            "customerId": {"S": entry["customerId"]},
            "total": {"N": str(entry["total"])},
            "currency": {"S": entry["currency"]},
            "messageId": {"S": entry["messageId"]},
            "receivedAt": {"S": entry["receivedAt"]},
        }
        if entry.get("traceRoot"):
            item["traceRoot"] = {"S": entry["traceRoot"]}
        # Keyed by order id: a redelivered message rewrites the same item instead of adding a second.
        client.put_item(TableName=table_name, Item=item)

    return save


def create_handler(save: SaveAudit, trace: Trace) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        failures: list[dict[str, str]] = []
        for record in event["Records"]:

            def audit(record: dict[str, Any] = record) -> None:
                entry = to_audit_entry(record)
                trace.annotate("orderId", entry["orderId"])
                save(entry)

            try:
                trace.span("### audit order", audit)
            except Exception as error:  # noqa: BLE001 - one bad message must not fail the batch
                # Only this message is retried; after three receives the queue moves it to its DLQ.
                logger.error(json.dumps({"message": "audit failed", "messageId": record["messageId"], "error": str(error)}))
                failures.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailures": failures}

    return handle


_handler: Optional[Callable[[Any, Any], Any]] = None


def handler(event: dict[str, Any], context: Any) -> Any:
    global _handler
    if _handler is None:
        xray = powertools_trace()
        import boto3

        _handler = xray.handler(create_handler(dynamo_saver(boto3.client("dynamodb"), os.environ.get("AUDIT_TABLE_NAME", "")), xray))
    return _handler(event, context)

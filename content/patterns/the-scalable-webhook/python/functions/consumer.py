"""Drains the webhook queue into DynamoDB, one write at a time, storing each SQS message once."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal, Optional

logger = logging.getLogger()
logger.setLevel(logging.INFO)

PutOutcome = Literal["created", "duplicate"]


@dataclass(frozen=True)
class WebhookRecord:
    """One webhook, ready to store."""

    message_id: str
    payload: str  # the webhook body exactly as it was received
    sent_at: str  # when SQS accepted the message (ISO 8601)
    api_request_id: Optional[str] = None  # the API Gateway request id, when the message came through the API


# The one DynamoDB call the handler makes, so tests can stand in for the client.
PutOnce = Callable[[WebhookRecord], PutOutcome]


class MalformedMessageError(ValueError):
    """A message that can never be stored, however often it is retried."""


def _iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def to_webhook_record(message: Mapping[str, Any]) -> WebhookRecord:
    body = message.get("body")
    if not isinstance(body, str):
        raise MalformedMessageError("body is not JSON")
    try:
        parsed = json.loads(body)
    except ValueError:
        raise MalformedMessageError("body is not JSON") from None
    if not isinstance(parsed, dict):
        raise MalformedMessageError("body is not a JSON object")
    try:
        sent = datetime.fromtimestamp(int((message.get("attributes") or {})["SentTimestamp"]) / 1000, tz=timezone.utc)
    except (KeyError, TypeError, ValueError):
        sent = datetime.now(timezone.utc)
    attribute = (message.get("messageAttributes") or {}).get("apiRequestId") or {}
    api_request_id = attribute.get("stringValue") or None
    return WebhookRecord(message_id=message["messageId"], payload=body, sent_at=_iso(sent), api_request_id=api_request_id)


def dynamo_put_once(client: Any, table_name: str) -> PutOnce:
    def put_once(record: WebhookRecord) -> PutOutcome:
        item = {
            "messageId": {"S": record.message_id},
            "payload": {"S": record.payload},
            "sentAt": {"S": record.sent_at},
            "storedAt": {"S": _iso(datetime.now(timezone.utc))},
        }
        if record.api_request_id:
            item["apiRequestId"] = {"S": record.api_request_id}
        try:
            client.put_item(
                TableName=table_name,
                Item=item,
                # SQS delivers at least once; the condition turns a second delivery into a no-op.
                ConditionExpression="attribute_not_exists(messageId)",
            )
        except Exception as error:
            code = getattr(error, "response", {}).get("Error", {}).get("Code")
            if code == "ConditionalCheckFailedException":
                return "duplicate"
            raise
        return "created"

    return put_once


def create_handler(put_once: PutOnce) -> Callable[[Mapping[str, Any], Any], dict[str, list[dict[str, str]]]]:
    def handle(event: Mapping[str, Any], _context: Any = None) -> dict[str, list[dict[str, str]]]:
        failures: list[dict[str, str]] = []
        counts = {"created": 0, "duplicate": 0, "failed": 0}
        records = event.get("Records", [])
        # One write at a time: parallel writes inside a batch would multiply the load
        # that the concurrency cap exists to limit.
        for message in records:
            try:
                counts[put_once(to_webhook_record(message))] += 1
            except Exception as error:  # noqa: BLE001 - every failure is reported per message
                counts["failed"] += 1
                # Only this message goes back to the queue; after maxReceiveCount it lands in the DLQ.
                failures.append({"itemIdentifier": message["messageId"]})
                logger.error(
                    "webhook not stored",
                    extra={
                        "messageId": message["messageId"],
                        "malformed": isinstance(error, MalformedMessageError),
                        "error": f"{type(error).__name__}: {error}",
                    },
                )
        # "created" is a LogRecord attribute already, so the summary names that count "stored".
        logger.info(
            "batch done",
            extra={"received": len(records), "stored": counts["created"], "duplicate": counts["duplicate"], "failed": counts["failed"]},
        )
        return {"batchItemFailures": failures}

    return handle


_handler: Optional[Callable[[Mapping[str, Any], Any], dict[str, list[dict[str, str]]]]] = None


def handler(event: Mapping[str, Any], context: Any) -> dict[str, list[dict[str, str]]]:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _handler
    if _handler is None:
        import boto3

        _handler = create_handler(dynamo_put_once(boto3.client("dynamodb"), os.environ["MESSAGES_TABLE_NAME"]))
    return _handler(event, context)

"""Shared by both consumers: what a valid order event is, and the SQS batch loop around it.

Each consumer's module is its Lambda entry point; this module holds the logic they share.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Optional

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# The order event the API accepts. The stack builds its request model from these patterns
# too, so API Gateway and the consumers agree on what a valid event is.
ORDER_ID_PATTERN = "^[A-Za-z0-9-]{1,64}$"
STATUS_PATTERN = "^[a-z][a-z_]{0,31}$"

_ORDER_ID = re.compile(ORDER_ID_PATTERN)
_STATUS = re.compile(STATUS_PATTERN)
# fullmatch, not search: in Python `$` also matches before a trailing newline, in JSON Schema it does not.


@dataclass(frozen=True)
class OrderEvent:
    order_id: str
    status: str
    total: float


@dataclass(frozen=True)
class Notification:
    """The parts of the SNS notification envelope the consumers rely on."""

    message_id: str
    message: str
    status_attribute: Optional[str]


class InvalidOrderEvent(ValueError):
    """A record that can never succeed, however often it is retried."""


# What the consumer does with one valid event; injected so tests can observe or fail it.
ProcessOrder = Callable[[OrderEvent, str], None]
Accepts = Callable[[str], bool]
BatchHandler = Callable[[Mapping[str, Any], Any], dict[str, list[dict[str, str]]]]


def _parse_json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        raise InvalidOrderEvent(f"{what} is not JSON") from None


def parse_notification(body: str) -> Notification:
    """Subscriptions deliver without raw message delivery, so each SQS body is the SNS envelope:
    the API request body sits in `Message` as a string and the routing attribute in
    `MessageAttributes.status.Value`."""
    envelope = _parse_json(body, "SQS body")
    if not isinstance(envelope, dict) or envelope.get("Type") != "Notification" or not isinstance(envelope.get("Message"), str):
        raise InvalidOrderEvent("SQS body is not an SNS notification")
    attributes = envelope.get("MessageAttributes")
    status = attributes.get("status") if isinstance(attributes, dict) else None
    value = status.get("Value") if isinstance(status, dict) else None
    message_id = envelope.get("MessageId")
    return Notification(
        message_id=message_id if isinstance(message_id, str) else "",
        message=envelope["Message"],
        status_attribute=value if isinstance(value, str) else None,
    )


def _is_number(value: Any) -> bool:
    # bool is an int in Python but not a number in JSON Schema.
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value and value not in (float("inf"), float("-inf"))


def parse_order_event(message: str) -> OrderEvent:
    """Checks the published message against the same rules as the API's request model."""
    value = _parse_json(message, "message")
    if not isinstance(value, dict):
        raise InvalidOrderEvent("message is not a JSON object")
    order_id, status, total = value.get("orderId"), value.get("status"), value.get("total")
    if not isinstance(order_id, str) or not _ORDER_ID.fullmatch(order_id):
        raise InvalidOrderEvent("orderId is missing or malformed")
    if not isinstance(status, str) or not _STATUS.fullmatch(status):
        raise InvalidOrderEvent("status is missing or malformed")
    if not _is_number(total) or total < 0:
        raise InvalidOrderEvent("total must be a number of zero or more")
    return OrderEvent(order_id=order_id, status=status, total=total)


def _handle_record(record: Mapping[str, Any], accepts: Accepts, process: ProcessOrder) -> None:
    notification = parse_notification(record.get("body", ""))
    order = parse_order_event(notification.message)
    # The API copies the attribute from the body; a mismatch means something else published.
    if notification.status_attribute != order.status:
        raise InvalidOrderEvent("status attribute does not match the message body")
    # Guards against a wrong or missing filter policy sending this consumer foreign events.
    if not accepts(order.status):
        raise InvalidOrderEvent(f'status "{order.status}" is not routed to this consumer')
    process(order, notification.message_id)


def create_consumer(name: str, accepts: Accepts, process: ProcessOrder) -> BatchHandler:
    """Builds an SQS batch handler that reports each failed record on its own, so one bad message
    is retried (and finally dead-lettered) without redelivering its neighbours."""

    def handle(event: Mapping[str, Any], _context: Any = None) -> dict[str, list[dict[str, str]]]:
        failures: list[dict[str, str]] = []
        for record in event.get("Records", []):
            try:
                _handle_record(record, accepts, process)
            except Exception as error:  # noqa: BLE001 - every failure is reported per record
                permanent = isinstance(error, InvalidOrderEvent)
                logger.error(
                    "rejected order event" if permanent else "order event processing failed",
                    extra={
                        "consumer": name,
                        "sqsMessageId": record.get("messageId"),
                        "receiveCount": int((record.get("attributes") or {}).get("ApproximateReceiveCount", 0)),
                        "error": f"{type(error).__name__}: {error}",
                    },
                )
                failures.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailures": failures}

    return handle

"""Shared by the two record handlers: reading the invocation records Lambda sends to the results bus."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, Optional

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# The detail-types Lambda uses when a destination is an EventBridge bus; the rules match on them.
SUCCESS_DETAIL_TYPE = "Lambda Function Invocation Result - Success"
FAILURE_DETAIL_TYPE = "Lambda Function Invocation Result - Failure"

# An EventBridge event whose detail is the invocation record: requestContext, requestPayload (the
# original SNS event), responseContext and responsePayload (the return value or the error).
ResultEvent = Mapping[str, Any]
Summary = dict[str, Any]


class UnexpectedRecord(ValueError):
    """A record of the other kind or from another source: a wrong rule shows up as an error."""


def _check(event: ResultEvent, detail_type: str) -> Mapping[str, Any]:
    if event.get("source") != "lambda" or event.get("detail-type") != detail_type:
        raise UnexpectedRecord(f"expected lambda / {detail_type}, got {event.get('source')} / {event.get('detail-type')}")
    detail = event.get("detail")
    context = detail.get("requestContext") if isinstance(detail, Mapping) else None
    if not isinstance(context, Mapping) or not isinstance(context.get("requestId"), str):
        raise UnexpectedRecord("no requestContext in detail")
    return detail


def _sns_message(record: Mapping[str, Any]) -> dict[str, Optional[str]]:
    records = (record.get("requestPayload") or {}).get("Records") or [{}]
    sns = records[0].get("Sns") or {}
    return {"snsMessageId": sns.get("MessageId"), "originalMessage": sns.get("Message")}


def summarise_success(event: ResultEvent) -> Summary:
    """One log line for a processed message: what came back and how many tries it took."""
    record = _check(event, SUCCESS_DETAIL_TYPE)
    return {
        "level": "INFO",
        "message": "message processed",
        "requestId": record["requestContext"]["requestId"],
        "attempts": record["requestContext"].get("approximateInvokeCount"),
        **_sns_message(record),
        "result": record.get("responsePayload"),
    }


def summarise_failure(event: ResultEvent) -> Summary:
    """One log line for a message that could not be processed: why, after how many tries, and the input."""
    record = _check(event, FAILURE_DETAIL_TYPE)
    error = record.get("responsePayload") or {}
    return {
        "level": "WARN",
        "message": "message failed",
        "requestId": record["requestContext"]["requestId"],
        # RetriesExhausted when every attempt threw, EventAgeExceeded when the event waited too long.
        "condition": record["requestContext"].get("condition"),
        "attempts": record["requestContext"].get("approximateInvokeCount"),
        "errorType": error.get("errorType"),
        "errorMessage": error.get("errorMessage"),
        **_sns_message(record),
    }


def log_summary(line: Summary) -> None:
    """Writes a summary through `logging`; the function's JSON log format adds time and request id."""
    fields = dict(line)
    level = logging.WARNING if fields.pop("level") == "WARN" else logging.INFO
    # The JSON log format writes the invocation's own requestId; keep the record's id under another key.
    fields["recordRequestId"] = fields.pop("requestId")
    logger.log(level, fields.pop("message"), extra=fields)


def create_handler(summarise: Callable[[ResultEvent], Summary], record: Callable[[Summary], None]) -> Callable[[ResultEvent, Any], None]:
    def handle(event: ResultEvent, _context: Any = None) -> None:
        record(summarise(event))

    return handle

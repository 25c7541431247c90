"""Processes one message published by the API. Lambda turns its return value into an on-success
record and its exception (after the retries) into an on-failure record, both sent to the results bus."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, TypedDict

# Shared with the API's request model, so both sides agree on what a message is.
MAX_MESSAGE_LENGTH = 256

# Any message containing this word fails on purpose, so the failure path can be tried.
FAIL_WORD = "fail"


class InvalidMessage(ValueError):
    """The message breaks the API's rules; Lambda reports the class name as errorType."""


class RequestedFailure(RuntimeError):
    """The message asked to fail."""


class ProcessedMessage(TypedDict):
    """What a successful invocation returns; Lambda forwards it to the bus as responsePayload."""

    snsMessageId: str
    message: str
    words: int
    characters: int


def read_message(body: str) -> str:
    """The body the API published, read back out of the SNS notification."""
    try:
        value = json.loads(body)
    except (TypeError, ValueError):
        raise InvalidMessage("the SNS message is not JSON") from None
    message = value.get("message") if isinstance(value, dict) else None
    if not isinstance(message, str) or not message.strip() or len(message) > MAX_MESSAGE_LENGTH:
        raise InvalidMessage(f"message must be a non-empty string of at most {MAX_MESSAGE_LENGTH} characters")
    return message


def process_message(sns_message_id: str, body: str) -> ProcessedMessage:
    message = read_message(body)
    words = message.split()
    if any(re.sub("[^a-z]", "", word.lower()) == FAIL_WORD for word in words):
        raise RequestedFailure(f'the message asked to fail: "{message}"')
    return {"snsMessageId": sns_message_id, "message": message, "words": len(words), "characters": len(message)}


def handler(event: Mapping[str, Any], _context: Any) -> ProcessedMessage:
    """SNS invokes the function asynchronously with one record per call."""
    records = event.get("Records", [])
    if len(records) != 1:
        raise InvalidMessage(f"expected one SNS record, got {len(records)}")
    sns = records[0]["Sns"]
    return process_message(sns["MessageId"], sns["Message"])

"""The ledger consumer: applies account events from the SQS FIFO queue to DynamoDB, in order per account.

The pure logic takes its DynamoDB client as a parameter, so tests run it against a stand-in table.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Optional

from botocore.exceptions import ClientError

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# What a ledger event looks like. The stack builds the API's request model from these rules,
# so API Gateway and the consumer agree on what a valid event is.
ACCOUNT_ID_PATTERN = "^[A-Za-z0-9-]{1,64}$"
EVENT_ID_PATTERN = "^[A-Za-z0-9_-]{1,128}$"
EVENT_TYPES = ("credit", "debit")
# Amounts are whole cents; the cap keeps one event from moving more than a million in one go.
MAX_AMOUNT = 100_000_000

# fullmatch, not search: in Python `$` also matches before a trailing newline, in JSON Schema it does not.
_ACCOUNT_ID = re.compile(ACCOUNT_ID_PATTERN)
_EVENT_ID = re.compile(EVENT_ID_PATTERN)

Outcome = Literal["applied", "ignored-replay"]


@dataclass(frozen=True)
class LedgerEvent:
    accountId: str  # noqa: N815 - the field names of the API body
    eventId: str  # noqa: N815
    sequence: int
    type: str
    amount: int


class InvalidLedgerEvent(ValueError):
    """A message that can never succeed, however often it is retried."""


class SequenceGap(Exception):
    """The event is ahead of the account: an earlier sequence number has not been applied yet."""


def _is_whole(value: Any) -> bool:
    # bool is an int in Python but not an integer in JSON Schema.
    return isinstance(value, int) and not isinstance(value, bool)


def parse_ledger_event(body: str) -> LedgerEvent:
    """Checks an SQS body against the same rules as the API's request model."""
    try:
        value = json.loads(body)
    except (TypeError, ValueError):
        raise InvalidLedgerEvent("body is not JSON") from None
    if not isinstance(value, dict):
        raise InvalidLedgerEvent("body is not a JSON object")
    account_id, event_id = value.get("accountId"), value.get("eventId")
    sequence, event_type, amount = value.get("sequence"), value.get("type"), value.get("amount")
    if not isinstance(account_id, str) or not _ACCOUNT_ID.fullmatch(account_id):
        raise InvalidLedgerEvent("accountId is missing or malformed")
    if not isinstance(event_id, str) or not _EVENT_ID.fullmatch(event_id):
        raise InvalidLedgerEvent("eventId is missing or malformed")
    if not _is_whole(sequence) or sequence < 1:
        raise InvalidLedgerEvent("sequence must be a whole number of 1 or more")
    if event_type not in EVENT_TYPES:
        raise InvalidLedgerEvent(f"type must be one of {', '.join(EVENT_TYPES)}")
    if not _is_whole(amount) or amount < 1 or amount > MAX_AMOUNT:
        raise InvalidLedgerEvent(f"amount must be whole cents from 1 to {MAX_AMOUNT}")
    return LedgerEvent(accountId=account_id, eventId=event_id, sequence=sequence, type=event_type, amount=amount)


def update_for(table_name: str, event: LedgerEvent) -> dict[str, Any]:
    """One conditional UpdateItem per event: it applies only if the event is the account's next
    sequence number, so a replay (SQS's 5-minute deduplication window long gone) changes nothing."""
    delta = event.amount if event.type == "credit" else -event.amount
    first = event.sequence == 1
    values: dict[str, Any] = {
        ":zero": {"N": "0"},
        ":delta": {"N": str(delta)},
        ":sequence": {"N": str(event.sequence)},
        ":eventId": {"S": event.eventId},
    }
    if not first:
        values[":previous"] = {"N": str(event.sequence - 1)}
    return {
        "TableName": table_name,
        "Key": {"accountId": {"S": event.accountId}},
        "UpdateExpression": "SET balance = if_not_exists(balance, :zero) + :delta, lastSequence = :sequence, lastEventId = :eventId",
        "ConditionExpression": "attribute_not_exists(accountId)" if first else "lastSequence = :previous",
        "ExpressionAttributeValues": values,
        # On a refusal DynamoDB hands back the item, so telling a replay from a gap costs no extra read.
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }


def apply_event(client: Any, table_name: str, event: LedgerEvent) -> Outcome:
    try:
        client.update_item(**update_for(table_name, event))
        return "applied"
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
        item = error.response.get("Item") or {}
        last = int(item.get("lastSequence", {}).get("N", "0"))
        if event.sequence <= last:
            return "ignored-replay"
        raise SequenceGap(f"account {event.accountId} is at sequence {last}; event {event.eventId} has {event.sequence}") from None


Apply = Callable[[LedgerEvent], Outcome]
BatchHandler = Callable[[Mapping[str, Any], Any], dict[str, list[dict[str, str]]]]


def _read_record(record: Mapping[str, Any]) -> LedgerEvent:
    event = parse_ledger_event(record.get("body", ""))
    # The API sets the group from accountId; anything else could interleave one account's events.
    if event.accountId != (record.get("attributes") or {}).get("MessageGroupId"):
        raise InvalidLedgerEvent("message group id does not match accountId")
    return event


def create_handler(apply: Apply) -> BatchHandler:
    """Builds the SQS batch handler. A FIFO batch keeps each message group in order but may mix groups,
    so once a message fails, every later message of the same group in the batch is reported too
    (applying them would jump the queue), while other groups carry on."""

    def handle(event: Mapping[str, Any], _context: Any = None) -> dict[str, list[dict[str, str]]]:
        blocked_groups: set[str] = set()
        failures: list[dict[str, str]] = []
        for record in event.get("Records", []):
            attributes = record.get("attributes") or {}
            group = attributes.get("MessageGroupId") or ""
            context = {
                "sqsMessageId": record.get("messageId"),
                "messageGroupId": group,
                "receiveCount": int(attributes.get("ApproximateReceiveCount", 0)),
            }
            if group in blocked_groups:
                failures.append({"itemIdentifier": record["messageId"]})
                logger.info("held back behind a failed message of its group", extra=context)
                continue
            try:
                ledger_event = _read_record(record)
                outcome = apply(ledger_event)
                logger.info(
                    "ledger event applied" if outcome == "applied" else "ledger event ignored as a replay",
                    extra={**context, "eventId": ledger_event.eventId, "sequence": ledger_event.sequence},
                )
            except Exception as error:  # noqa: BLE001 - every failure is reported per record
                blocked_groups.add(group)
                failures.append({"itemIdentifier": record["messageId"]})
                logger.error(
                    "ledger event failed; its group waits",
                    extra={**context, "error": f"{type(error).__name__}: {error}"},
                )
        return {"batchItemFailures": failures}

    return handle


_client: Optional[Any] = None


def _dynamodb() -> Any:
    # Created once per execution environment and reused by every invocation it serves.
    global _client
    if _client is None:
        import boto3

        _client = boto3.client("dynamodb")
    return _client


def _apply_from_environment(event: LedgerEvent) -> Outcome:
    return apply_event(_dynamodb(), os.environ.get("TABLE_NAME", ""), event)


handler = create_handler(_apply_from_environment)
